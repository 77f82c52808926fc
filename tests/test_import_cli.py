"""`threadgraph import FILE`: the summary printed, embeddings and topics computed after
the graph, and running it again changes nothing."""

from __future__ import annotations

import pytest
from neo4j import Driver

from tests.import_helpers import FIXTURES, count_nodes
from threadgraph.cli import main
from threadgraph.config import Settings
from threadgraph.models import User


def test_import_command(
    settings: Settings,
    driver: Driver,
    user: User,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The test Neo4j, named as an external server so the command starts nothing.
    monkeypatch.setenv("NEO4J_URI", settings.effective_neo4j_uri)
    path = str(FIXTURES / "openwebui_export.json")

    assert main(["import", path, "--user", user.id]) == 0
    out = capsys.readouterr().out
    assert "openwebui: 2 chat(s) imported, 0 unchanged, 7 message(s) written" in out
    assert "left out 1 message(s): role 'tool'" in out
    records, _, _ = driver.execute_query(
        """
        MATCH (m:Message {user_id: $u})
        RETURN count(m) AS all, count(m.embedding) AS embedded,
               count(CASE WHEN m.role = 'assistant' THEN m.topics_at END) AS topics_done
        """,
        u=user.id,
    )
    assert (records[0]["all"], records[0]["embedded"], records[0]["topics_done"]) == (7, 7, 4)

    before = count_nodes(driver, user.id)
    assert main(["import", path, "--user", user.id, "--format", "openwebui", "--no-enrich"]) == 0
    assert "0 chat(s) imported, 2 unchanged, 0 message(s) written" in capsys.readouterr().out
    assert count_nodes(driver, user.id) == before


def test_import_command_reports_a_bad_file(
    settings: Settings,
    user: User,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEO4J_URI", settings.effective_neo4j_uri)
    path = str(FIXTURES / "truncated_chatgpt.json")
    assert main(["import", path, "--user", user.id]) == 1
    assert "not valid JSON" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["no-such-export.json", ""])
def test_a_path_that_is_not_a_file_is_one_line(
    tmp_path: object, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    path = tmp_path / name  # "" names the directory itself
    assert main(["import", str(path)]) == 1
    captured = capsys.readouterr()
    what = "does not exist" if name else "is a directory, not a file"
    assert captured.err == f"threadgraph: {path} {what}\n"
    assert "Traceback" not in captured.err
