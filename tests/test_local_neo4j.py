"""The local Neo4j from Maven Central: start, status, stop, and data kept across restarts.

This starts a second local Neo4j on its own ports and home, beside the one the session
uses, so it runs whether or not NEO4J_URI points elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from threadgraph.config import Settings
from threadgraph.errors import LocalNeo4jError
from threadgraph.local_neo4j import LocalNeo4j

BOLT = int(os.environ.get("THREADGRAPH_TEST_RESTART_BOLT_PORT", "7689"))
HTTP = int(os.environ.get("THREADGRAPH_TEST_RESTART_HTTP_PORT", "7476"))


def _count_marks(port: int) -> int:
    with GraphDatabase.driver(f"bolt://127.0.0.1:{port}") as driver:
        records, _, _ = driver.execute_query(
            "MATCH (n:RestartMark) RETURN count(n) AS n", database_="neo4j"
        )
        return int(records[0]["n"])


def test_stop_and_start_keeps_the_data(tmp_path: Path) -> None:
    local = LocalNeo4j(
        Settings(local_neo4j_home=tmp_path, local_neo4j_bolt_port=BOLT, local_neo4j_http_port=HTTP)
    )
    assert not local.status().running
    try:
        status = local.start()
        assert status.running
        assert status.bolt_answers
        with GraphDatabase.driver(f"bolt://127.0.0.1:{BOLT}") as driver:
            driver.execute_query("CREATE (:RestartMark {at: datetime()})", database_="neo4j")
        assert local.stop() is True
        assert not local.status().running
        assert local.stop() is False

        local.start()
        assert _count_marks(BOLT) == 1
        assert (tmp_path / "data" / "databases" / "neo4j").is_dir()
    finally:
        local.stop()


def test_start_refuses_a_port_taken_by_another_program(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        local = LocalNeo4j(
            Settings(
                local_neo4j_home=tmp_path, local_neo4j_bolt_port=port, local_neo4j_http_port=HTTP
            )
        )
        with pytest.raises(LocalNeo4jError, match="already taken"):
            local.start()
