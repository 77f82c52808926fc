"""An installed (not editable) threadgraph serves the web app: every file under
src/threadgraph/web is declared as package data."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import PurePosixPath

from threadgraph.api.web import WEB_DIR
from threadgraph.config import SOURCE_ROOT


def declared(path: PurePosixPath, patterns: list[str]) -> bool:
    """setuptools' package-data globs: "*" does not cross a "/"."""
    for pattern in patterns:
        globs = pattern.split("/")
        if len(globs) == len(path.parts) and all(
            fnmatch(part, glob) for part, glob in zip(path.parts, globs, strict=True)
        ):
            return True
    return False


def test_every_web_file_is_package_data() -> None:
    pyproject = tomllib.loads((SOURCE_ROOT / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["threadgraph"]
    package = WEB_DIR.parent
    files = [PurePosixPath(p.relative_to(package)) for p in WEB_DIR.rglob("*") if p.is_file()]
    assert len(files) > 10
    assert [str(f) for f in files if not declared(f, patterns)] == []
    assert not declared(PurePosixPath("web/js/deeper/x.js"), patterns)
