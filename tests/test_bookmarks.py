"""A person reads their own writes on any replica: a request that writes hands out its
bookmarks (header and cookie), and the next request, on another app instance over a
routed ``neo4j://`` connection, starts its transactions from them. The local Neo4j is
one member answering every role, so these tests show the bookmarks reach Neo4j (it
reads them, and refuses what is not its own), not replication lag itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.app_client import ready_client
from threadgraph.api.bookmarks import COOKIE, HEADER, decode, encode
from threadgraph.config import Settings
from threadgraph.models import User
from threadgraph.store import Neo4jStore
from threadgraph.store.request_bookmarks import carrying


def routed_settings(settings: Settings) -> Settings:
    host_port = settings.effective_neo4j_uri.split("://", 1)[1]
    return settings.model_copy(update={"neo4j_uri": f"neo4j://{host_port}"})


@pytest.fixture
def replicas(app_settings: Settings) -> Iterator[tuple[TestClient, TestClient]]:
    """Two app instances, each with its own driver, for the same local person."""
    routed = routed_settings(app_settings)
    with ready_client(routed) as a, ready_client(routed) as b:
        yield a, b


def test_a_write_hands_out_a_bookmark_and_a_read_does_not(
    replicas: tuple[TestClient, TestClient],
) -> None:
    a, _ = replicas
    made = a.post("/api/chats", json={"title": "bookmarked"})
    assert made.status_code == 201, made.text
    token = made.headers[HEADER]
    assert decode(token)
    assert all(b.startswith("FB:") for b in decode(token))
    cookie = made.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}={token};")
    assert "HttpOnly" in cookie
    listed = a.get("/api/chats", headers={HEADER: token})
    assert listed.status_code == 200
    assert HEADER not in listed.headers
    assert "set-cookie" not in listed.headers


def test_the_other_replica_reads_what_was_written_through_the_first(
    replicas: tuple[TestClient, TestClient],
) -> None:
    a, b = replicas
    made = a.post("/api/chats", json={"title": "written on a"})
    chat_id = made.json()["id"]
    # The header, as an API client sends it back...
    seen = b.get(f"/api/chats/{chat_id}", headers={HEADER: made.headers[HEADER]})
    assert seen.status_code == 200
    assert seen.json()["chat"]["title"] == "written on a"
    # ...and the cookie, as a browser does (TestClient keeps a's cookie for a only).
    b.cookies.set(COOKIE, made.headers[HEADER])
    listed = b.get("/api/chats")
    assert chat_id in [c["id"] for c in listed.json()["chats"]]


@pytest.mark.parametrize(
    "value",
    [
        "not base64 at all!",
        encode(["FB:not-a-neo4j-bookmark"]),  # well formed for us, refused by Neo4j
        encode(["x"] * 20),  # more than are ever handed out
    ],
)
def test_a_bookmark_that_is_not_this_database_s_is_ignored(
    replicas: tuple[TestClient, TestClient], value: str
) -> None:
    a, b = replicas
    chat_id = a.post("/api/chats", json={"title": "still readable"}).json()["id"]
    seen = b.get(f"/api/chats/{chat_id}", headers={HEADER: value})
    assert seen.status_code == 200
    assert seen.json()["chat"]["title"] == "still readable"


def test_the_store_waits_for_given_bookmarks_and_collects_its_writes(
    settings: Settings, store: Neo4jStore, user: User
) -> None:
    routed = Neo4jStore.connect(routed_settings(settings))
    try:
        with carrying([]) as writing:
            chat = routed.create_chat(user.id, "collected")
        assert writing.made
        assert not writing.refused
        with carrying(writing.made) as reading:
            assert routed.get_chat(user.id, chat.id).title == "collected"
        assert not reading.refused
        assert not reading.made
        # Neo4j itself reads what it is given: one it cannot parse is refused, and
        # the read runs again without it.
        with carrying(["FB:garbage"]) as refused:
            assert routed.get_chat(user.id, chat.id).title == "collected"
        assert refused.refused
    finally:
        routed.close()
