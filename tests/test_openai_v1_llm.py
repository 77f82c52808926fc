"""A third-party client, simonw's ``llm`` (from PyPI), talks to /v1 as to any
OpenAI-compatible model: a conversation continued with ``llm -c`` is one branch of one
chat in the graph. It runs as its own process against a served threadgraph."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from neo4j import Driver

from tests.graph_helpers import rows
from tests.server_process import ServerProcess
from threadgraph.config import Settings

LLM = Path(sys.executable).parent / "llm"


def ask(home: Path, *args: str) -> str:
    done = subprocess.run(
        [str(LLM), *args],
        env={**os.environ, "LLM_USER_PATH": str(home)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_llm_continues_one_recorded_branch(
    app_settings: Settings, driver: Driver, tmp_path: Path
) -> None:
    server = ServerProcess(app_settings, tmp_path / "server.log").start()
    try:
        home = tmp_path / "llm"
        home.mkdir()
        (home / "extra-openai-models.yaml").write_text(
            f"- model_id: threadgraph\n  model_name: fake-echo\n  api_base: {server.url}/v1\n"
        )
        first = ask(home, "-m", "threadgraph", "Which trees keep their leaves in winter?")
        assert first == "Echo: Which trees keep their leaves in winter?"
        second = ask(home, "-c", "And which lose them?")
        assert second == "Echo: And which lose them?"
    finally:
        server.stop()
    chain = rows(
        driver,
        app_settings.neo4j_database,
        """
        MATCH (last:Message {content: 'Echo: And which lose them?'})
        MATCH path = (last)-[:FOLLOWS*]->(root:Message)
        WHERE NOT (root)-[:FOLLOWS]->()
        UNWIND nodes(path) AS m
        MATCH (m)-[:BELONGS_TO]->(c:Chat)
        RETURN m.role AS role, m.content AS content, c.id AS chat
        """,
    )
    assert [(m["role"], m["content"]) for m in reversed(chain)] == [
        ("user", "Which trees keep their leaves in winter?"),
        ("assistant", "Echo: Which trees keep their leaves in winter?"),
        ("user", "And which lose them?"),
        ("assistant", "Echo: And which lose them?"),
    ]
    assert len({m["chat"] for m in chain}) == 1
