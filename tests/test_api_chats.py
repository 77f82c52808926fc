"""The chats API: create, list, read, rename, delete, with the error shape for bad input."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.app_client import ready_client
from threadgraph.rules import new_id


def test_create_list_get_rename_delete(client: TestClient) -> None:
    created = client.post("/api/chats", json={"title": "Plans", "model": "fake-echo"})
    assert created.status_code == 201
    chat = created.json()
    assert (chat["title"], chat["model"], chat["head_id"]) == ("Plans", "fake-echo", None)

    untitled = client.post("/api/chats", json={}).json()
    assert untitled["title"] == "New chat"

    listed = client.get("/api/chats").json()
    assert [c["id"] for c in listed["chats"]] == [untitled["id"], chat["id"]]
    assert listed["next_cursor"] is None
    first_page = client.get("/api/chats", params={"limit": 1}).json()
    assert len(first_page["chats"]) == 1
    second_page = client.get(
        "/api/chats", params={"limit": 1, "cursor": first_page["next_cursor"]}
    ).json()
    assert [c["id"] for c in second_page["chats"]] == [chat["id"]]

    detail = client.get(f"/api/chats/{chat['id']}").json()
    assert detail["chat"]["id"] == chat["id"]
    assert detail["messages"] == []

    renamed = client.patch(f"/api/chats/{chat['id']}", json={"title": "Better plans"})
    assert renamed.status_code == 200
    assert renamed.json()["title"] == "Better plans"

    assert client.delete(f"/api/chats/{chat['id']}").status_code == 204
    missing = client.get(f"/api/chats/{chat['id']}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_bad_input_gets_clear_errors(client: TestClient) -> None:
    chat = client.post("/api/chats", json={}).json()
    cases = [
        (client.post("/api/chats", json={"title": "  "}), 400),
        (client.post("/api/chats", json={"nonsense": 1}), 400),
        (client.get("/api/chats", params={"limit": 0}), 400),
        (client.get("/api/chats", params={"cursor": "zzz"}), 400),
        (client.post(f"/api/chats/{chat['id']}/messages", json={"content": ""}), 400),
        (client.post(f"/api/chats/{chat['id']}/messages", json={}), 400),
        (client.post(f"/api/chats/{chat['id']}/messages", json={"content": "x" * 200_001}), 413),
        (client.post(f"/api/chats/{new_id()}/messages", json={"content": "hi"}), 404),
        (client.post("/api/chats/not-an-id/messages", json={"content": "hi"}), 404),
        (
            client.post(
                f"/api/chats/{chat['id']}/messages", json={"content": "hi", "parent_id": new_id()}
            ),
            400,
        ),
    ]
    for response, status in cases:
        assert response.status_code == status, response.text
        error = response.json()["error"]
        assert error["code"]
        assert error["message"]
    assert client.get(f"/api/chats/{chat['id']}").json()["messages"] == []


def test_another_users_chat_is_not_found(client: TestClient, app_settings: object) -> None:
    from threadgraph.config import Settings

    assert isinstance(app_settings, Settings)
    mine = client.post("/api/chats", json={"title": "mine"}).json()
    other = app_settings.model_copy(update={"local_user_id": new_id()})
    with ready_client(other) as theirs:
        assert theirs.get(f"/api/chats/{mine['id']}").status_code == 404
        assert theirs.patch(f"/api/chats/{mine['id']}", json={"title": "x"}).status_code == 404
        assert theirs.delete(f"/api/chats/{mine['id']}").status_code == 404
        sent = theirs.post(f"/api/chats/{mine['id']}/messages", json={"content": "hi"})
        assert sent.status_code == 404
        assert theirs.get("/api/chats").json()["chats"] == []
    assert client.get(f"/api/chats/{mine['id']}").json()["chat"]["title"] == "mine"


def test_openapi_describes_the_chat_routes(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/chats",
        "/api/chats/{chat_id}",
        "/api/chats/{chat_id}/messages",
        "/api/messages/{message_id}/regenerate",
        "/api/models",
        "/health",
    ):
        assert path in spec["paths"], path
    assert client.get("/docs").status_code == 200
