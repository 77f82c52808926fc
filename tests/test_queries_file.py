"""The named-query loader, and every query the code runs checked against its file.

These need no Neo4j: the loader is pure, and the calls are read from the source."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from threadgraph.store.queries import Queries, QueryCallError, parameters_of, parse

ROOT = Path(__file__).resolve().parents[1]
CALLERS = [
    *sorted((ROOT / "src" / "threadgraph" / "store").glob("*.py")),
    ROOT / "bench" / "store_extras.py",
]
RUNNERS = {"one", "rows", "run"}


def test_parse_splits_named_queries() -> None:
    source = "// file comment\n\n// name: one\nRETURN 1\n\n// name: two\n// why\nRETURN 2\n"
    assert parse(source) == [
        ("name", "one", None, "RETURN 1"),
        ("name", "two", None, "// why\nRETURN 2"),
    ]


def test_empty_query_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        parse("// name: nothing\n\n")


def test_names_are_namespaced_by_file_and_unique_within_it(tmp_path: Path) -> None:
    (tmp_path / "a.cypher").write_text("// name: same\nRETURN 1\n")
    (tmp_path / "b.cypher").write_text("// name: same\nRETURN 2\n")
    assert Queries.load(tmp_path).names() == ["a.same", "b.same"]
    (tmp_path / "a.cypher").write_text("// name: same\nRETURN 1\n// name: same\nRETURN 3\n")
    with pytest.raises(ValueError, match="defined twice"):
        Queries.load(tmp_path)


def test_parameters_are_recorded_outside_comments_and_strings() -> None:
    text = "// uses $not_this\nMATCH (m {id: $id}) WHERE m.note <> '$nor_this' RETURN $limit"
    assert parameters_of(text) == {"id", "limit"}


def test_a_call_with_a_missing_or_unknown_parameter_fails_at_once(tmp_path: Path) -> None:
    (tmp_path / "q.cypher").write_text("// name: get\nMATCH (m {id: $id}) RETURN m\n")
    query = Queries.load(tmp_path)["q.get"]
    query.check({"id"})
    with pytest.raises(QueryCallError, match=r"missing \['id'\]"):
        query.check(set())
    with pytest.raises(QueryCallError, match=r"unknown \['ids'\]"):
        query.check({"id", "ids"})
    with pytest.raises(QueryCallError, match="no query named"):
        Queries.load(tmp_path)["q.nothing"]


def test_fragments_are_written_once_and_expanded_with_the_variable(tmp_path: Path) -> None:
    (tmp_path / "f.cypher").write_text(
        "// fragment: small(m)\nm {.id, of: [(m)-->(x) | x.id]}\n\n"
        "// name: get\nMATCH (r {id: $id}) RETURN @small(r) AS item\n"
    )
    query = Queries.load(tmp_path)["f.get"]
    assert query.text == "MATCH (r {id: $id}) RETURN r {.id, of: [(r)-->(x) | x.id]} AS item"
    (tmp_path / "f.cypher").write_text("// name: get\nRETURN @missing(r)\n")
    with pytest.raises(ValueError, match="unknown fragment"):
        Queries.load(tmp_path)


def test_package_queries_take_parameters_only() -> None:
    queries = Queries.load()
    for name in queries.names():
        code = re.sub(r"//[^\n]*", "", queries[name].text)
        # Request data reaches a query only as $parameters: no format placeholders, and
        # every fragment was expanded.
        for placeholder in ("{}", "%s", "{0}", "@"):
            assert placeholder not in code, name


def _calls() -> list[tuple[str, str, set[str] | None]]:
    """(where, query name, keyword names or None when **spread) of every tx.one/rows/run
    call with a literal query name in the store and the benchmarks' store extras."""
    found = []
    for path in CALLERS:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in RUNNERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and "." in node.args[0].value
            ):
                spread = any(k.arg is None for k in node.keywords)
                names = None if spread else {k.arg for k in node.keywords if k.arg}
                found.append((f"{path.name}:{node.lineno}", node.args[0].value, names))
    return found


def test_every_query_is_used_and_every_call_matches_its_parameters() -> None:
    queries = Queries.load()
    bench = Queries.load(ROOT / "bench" / "cypher")
    calls = _calls()
    assert calls, "no query calls found: the scan is broken"
    for where, name, given in calls:
        query = (bench if name.startswith("bench.") else queries)[name]
        assert given is not None, f"{where}: spread parameters cannot be checked"
        query.check(given)
    used = {name for _, name, _ in calls}
    # Schema bookkeeping runs on a plain session (schema commands cannot share a
    # transaction): store/schema.py names them through db.queries[...].
    schema_text = (ROOT / "src" / "threadgraph" / "store" / "schema.py").read_text()
    used |= {name for name in queries.names() if f'"{name}"' in schema_text}
    assert set(queries.names()) - used == set(), "queries nothing runs"
    assert set(bench.names()) - used == set(), "benchmark queries nothing runs"
