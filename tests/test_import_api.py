"""POST /api/import: multipart upload, the summary, 400 and 413, one person's import
invisible to another, and embeddings and topics computed after the response."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from tests.app_client import ready_client
from tests.import_helpers import fixture_bytes
from threadgraph.config import Settings
from threadgraph.rules import new_id

FILE = "chatgpt_conversations.json"


def upload(client: TestClient, payload: bytes, name: str = FILE, **form: str) -> dict[str, object]:
    response = client.post(
        "/api/import", files={"file": (name, payload, "application/json")}, data=form
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


@pytest.fixture
def other_client(app_settings: Settings) -> Iterator[TestClient]:
    """The same server set-up acting as another person."""
    with ready_client(app_settings.model_copy(update={"local_user_id": new_id()})) as c:
        yield c


def test_upload_imports_and_enriches(
    client: TestClient, app_settings: Settings, driver: Driver
) -> None:
    body = upload(client, fixture_bytes(FILE))
    assert body["format"] == "chatgpt"
    assert (body["chats_imported"], body["chats_unchanged"], body["messages_imported"]) == (
        4,
        0,
        15,
    )
    skipped = body["skipped"]
    assert isinstance(skipped, list)
    assert [s["position"] for s in skipped] == [2, 3, 4]
    assert skipped[0]["title"] == "Archived without mapping"
    assert body["enrichment"] == "background"
    chat_ids = body["chat_ids"]
    assert isinstance(chat_ids, list)
    assert len(chat_ids) == 4
    tree = client.get(f"/api/chats/{chat_ids[0]}/tree").json()
    assert len(tree["messages"]) == 7
    detail = client.get(f"/api/chats/{chat_ids[0]}").json()
    assert detail["chat"]["title"] == "Graph databases"
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant"] * 2

    # The background pass ran after the response: every imported message has a vector,
    # and the imported exchanges have topics.
    records, _, _ = driver.execute_query(
        "MATCH (m:Message {user_id: $u}) RETURN count(m) AS all, count(m.embedding) AS embedded",
        u=app_settings.local_user_id,
    )
    assert records[0]["all"] == records[0]["embedded"] == 15
    assert client.get("/api/topics").json()

    again = upload(client, fixture_bytes(FILE), format="chatgpt")
    assert (again["chats_imported"], again["chats_unchanged"], again["messages_imported"]) == (
        0,
        4,
        0,
    )


def test_a_zip_upload(client: TestClient) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("conversations.json", fixture_bytes("claude_conversations.json"))
        archive.writestr("users.json", "[]")
    body = upload(client, buffer.getvalue(), name="claude-export.zip")
    assert (body["format"], body["chats_imported"]) == ("claude", 2)


@pytest.mark.parametrize(
    ("payload", "form", "message"),
    [
        (fixture_bytes("truncated_chatgpt.json"), {}, "not valid JSON"),
        (b'["\xc3\x28"]', {}, "not UTF-8"),
        (b"{}", {}, "not a ChatGPT, Claude, Open WebUI, LibreChat, Chatbot UI or threadgraph"),
        (fixture_bytes(FILE), {"format": "gemini"}, "format must be one of"),
    ],
)
def test_bad_files_are_400_with_a_message(
    client: TestClient, payload: bytes, form: dict[str, str], message: str
) -> None:
    response = client.post(
        "/api/import", files={"file": ("x.json", payload, "application/json")}, data=form
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert message in error["message"]


def test_no_file_is_400(client: TestClient) -> None:
    response = client.post("/api/import", data={"format": "auto"})
    assert response.status_code == 400
    assert "file" in response.json()["error"]["message"]


def test_too_large_is_413(app_settings: Settings) -> None:
    small = app_settings.model_copy(update={"import_max_bytes": 10_000})
    with ready_client(small) as client:
        response = client.post(
            "/api/import", files={"file": (FILE, fixture_bytes(FILE), "application/json")}
        )
        assert response.status_code == 413
        error = response.json()["error"]
        assert error["code"] == "too_large"
        assert "THREADGRAPH_IMPORT_MAX_BYTES" in error["message"]
        # A zip whose content is over the limit is refused too, however small it is.
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("conversations.json", b" " * 50_000 + b"[]")
        assert len(buffer.getvalue()) < 10_000
        response = client.post(
            "/api/import", files={"file": ("x.zip", buffer.getvalue(), "application/zip")}
        )
        assert response.status_code == 413


def test_one_persons_import_is_invisible_to_another(
    client: TestClient, other_client: TestClient
) -> None:
    mine = upload(client, fixture_bytes("librechat_flat.json"))
    theirs = upload(other_client, fixture_bytes("librechat_flat.json"))
    assert mine["messages_imported"] == theirs["messages_imported"] == 5
    my_ids, their_ids = mine["chat_ids"], theirs["chat_ids"]
    assert isinstance(my_ids, list)
    assert isinstance(their_ids, list)
    assert set(my_ids).isdisjoint(their_ids)
    assert client.get(f"/api/chats/{their_ids[0]}").status_code == 404
    assert other_client.get(f"/api/chats/{my_ids[0]}").status_code == 404
    listed = [c["id"] for c in client.get("/api/chats").json()["chats"]]
    assert listed == my_ids
