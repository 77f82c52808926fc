"""The named-query loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from threadgraph.config import Settings
from threadgraph.store.queries import Queries, parse


def test_parse_splits_named_queries() -> None:
    source = "// file comment\n\n// name: one\nRETURN 1\n\n// name: two\n// why\nRETURN 2\n"
    assert parse(source) == [("one", "RETURN 1"), ("two", "// why\nRETURN 2")]


def test_empty_query_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        parse("// name: nothing\n\n")


def test_duplicate_names_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.cypher").write_text("// name: same\nRETURN 1\n")
    (tmp_path / "b.cypher").write_text("// name: same\nRETURN 2\n")
    with pytest.raises(ValueError, match="defined twice"):
        Queries.load(tmp_path)


def test_repository_queries_load_and_take_parameters_only(settings: Settings) -> None:
    queries = Queries.load(settings.cypher_dir / "queries")
    for name in queries.names():
        text = queries[name]
        # Request data reaches a query only as $parameters: no format placeholders.
        for placeholder in ("{}", "%s", "{0}"):
            assert placeholder not in text, name
