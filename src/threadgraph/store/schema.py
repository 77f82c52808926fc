"""The schema: numbered migrations applied at startup, indexes, and what they hold."""

from __future__ import annotations

from functools import partial

from threadgraph.store import records
from threadgraph.store.migrations import latest_version, load_migrations
from threadgraph.store.session import Database, Tx, translated


def migrate(db: Database, index_timeout_seconds: int = 300) -> int:
    """Apply the migrations not yet recorded; returns the schema version."""
    migrations = load_migrations()
    queries = db.queries
    with translated(), db.session() as session:
        session.run(queries["schema.ensure_migration_constraint"].text).consume()
        applied = {row["version"] for row in session.run(queries["schema.applied_migrations"].text)}
        for migration in migrations:
            if migration.version in applied:
                continue
            # Schema commands cannot share a transaction with writes: each runs in its
            # own auto-commit transaction, then the version is recorded.
            for statement in migration.statements:
                session.run(statement).consume()
            db.write(partial(_record, version=migration.version, name=migration.name))
    await_indexes(db, index_timeout_seconds)
    return latest_version(migrations)


def await_indexes(db: Database, timeout_seconds: int = 300) -> None:
    """Wait until every index is online and has caught up with what was written."""
    query = db.queries["schema.await_indexes"]
    query.check({"timeout_seconds"})
    with translated(), db.session() as session:
        session.run(query.text, timeout_seconds=timeout_seconds).consume()


def version(tx: Tx) -> int:
    return max((row["version"] for row in tx.rows("schema.applied_migrations")), default=0)


def vector_index_dimension(tx: Tx) -> int | None:
    row = tx.one("schema.vector_index_dimension")
    return int(row["dimension"]) if row is not None else None


def _record(tx: Tx, version: int, name: str) -> None:
    tx.run("schema.record_migration", version=version, name=name, now=records.now())
