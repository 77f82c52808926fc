"""Numbered, recorded schema migrations.

Each file ``threadgraph/cypher/migrations/NNNN_name.cypher`` (package data) holds one or
more statements separated by ``;``. They are applied in order at startup; each applied
version is recorded as a ``(:SchemaMigration {version, name, applied_at})`` node, so a
later start applies only what is new. Statements are written to be idempotent (``IF NOT
EXISTS``) so that two processes starting at once, or a crash between a statement and its
record, do no harm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import LiteralString, cast

from threadgraph.store.queries import MIGRATIONS_DIR

_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.cypher$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: list[LiteralString]


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.cypher")):
        match = _FILE.match(path.name)
        if match is None:
            raise ValueError(f"migration file name {path.name!r} is not NNNN_name.cypher")
        migrations.append(
            Migration(int(match.group(1)), match.group(2), split_statements(path.read_text()))
        )
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise ValueError(f"duplicate migration versions in {directory}")
    return migrations


def split_statements(source: str) -> list[LiteralString]:
    """Statements separated by ``;`` at the end of a line, with ``//`` comment lines dropped."""
    lines = [line for line in source.splitlines() if not line.strip().startswith("//")]
    parts = re.split(r";\s*$", "\n".join(lines), flags=re.MULTILINE)
    # Repository files, not request data (see store/queries.py).
    return [cast(LiteralString, p.strip()) for p in parts if p.strip()]


def latest_version(migrations: list[Migration]) -> int:
    return max((m.version for m in migrations), default=0)
