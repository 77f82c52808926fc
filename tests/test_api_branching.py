"""Branching through the API: edit, regenerate, switch, siblings, tree, fork, prune."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from neo4j import Driver

from tests.api_helpers import turn
from tests.app_client import ready_client
from tests.graph_helpers import count_nodes_of_user
from threadgraph.config import Settings
from threadgraph.rules import new_id
from threadgraph.store import Neo4jStore


def branch_contents(client: TestClient, chat_id: str) -> list[str]:
    return [m["content"] for m in client.get(f"/api/chats/{chat_id}").json()["messages"]]


def test_edit_regenerate_switch_and_siblings(client: TestClient) -> None:
    chat = client.post("/api/chats", json={}).json()["id"]
    first = turn(client, chat, "one")
    second = turn(client, chat, "two")

    edited = client.post(
        f"/api/messages/{second['prompt']['id']}/edit",
        json={"content": "two, better", "stream": False},
    )
    assert edited.status_code == 200
    new = edited.json()
    assert new["prompt"]["parent_id"] == first["reply"]["id"]
    assert branch_contents(client, chat) == ["one", "Echo: one", "two, better", "Echo: two, better"]
    # The original is untouched.
    original = client.get(f"/api/messages/{second['prompt']['id']}").json()
    assert original["content"] == "two"

    siblings = client.get(f"/api/messages/{new['prompt']['id']}/siblings").json()
    assert [m["id"] for m in siblings["messages"]] == [second["prompt"]["id"], new["prompt"]["id"]]
    assert (siblings["position"], siblings["count"]) == (2, 2)

    regenerated = client.post(
        f"/api/messages/{new['reply']['id']}/regenerate", json={"stream": False}
    ).json()
    assert regenerated["reply"]["parent_id"] == new["prompt"]["id"]
    reply_siblings = client.get(f"/api/messages/{regenerated['reply']['id']}/siblings").json()
    assert (reply_siblings["position"], reply_siblings["count"]) == (2, 2)

    # Switch back to the first version of the prompt: HEAD follows it down to its reply.
    switched = client.patch(f"/api/chats/{chat}", json={"head_id": second["prompt"]["id"]})
    assert switched.status_code == 200
    assert switched.json()["head_id"] == second["reply"]["id"]
    assert branch_contents(client, chat) == ["one", "Echo: one", "two", "Echo: two"]
    # Switching to an inner message follows the newest child to a leaf.
    down = client.patch(f"/api/chats/{chat}", json={"head_id": first["reply"]["id"]}).json()
    assert down["head_id"] == regenerated["reply"]["id"]

    tree = client.get(f"/api/chats/{chat}/tree").json()
    assert tree["head_id"] == regenerated["reply"]["id"]
    assert len(tree["messages"]) == 7
    assert {(e["child"], e["parent"]) for e in tree["edges"]} == {
        (m["id"], m["parent_id"]) for m in tree["messages"] if m["parent_id"]
    }
    assert all(len(m["preview"]) <= 120 for m in tree["messages"])


def test_branching_bad_input(client: TestClient, app_settings: Settings) -> None:
    chat = client.post("/api/chats", json={}).json()["id"]
    other_chat = client.post("/api/chats", json={}).json()["id"]
    done = turn(client, chat, "hello")
    elsewhere = turn(client, other_chat, "there")

    assert (
        client.post(f"/api/messages/{done['reply']['id']}/edit", json={"content": "x"}).status_code
        == 400
    )
    assert (
        client.post(f"/api/messages/{done['prompt']['id']}/regenerate", json={}).status_code == 400
    )
    assert (
        client.post(f"/api/messages/{done['prompt']['id']}/edit", json={"content": " "}).status_code
        == 400
    )
    assert (
        client.patch(f"/api/chats/{chat}", json={"head_id": elsewhere["reply"]["id"]}).status_code
        == 400
    )
    assert client.patch(f"/api/chats/{chat}", json={"head_id": "nope"}).status_code == 400
    assert client.get(f"/api/messages/{new_id()}/siblings").status_code == 404

    other = app_settings.model_copy(update={"local_user_id": new_id()})
    with ready_client(other) as theirs:
        calls: list[Callable[[], Any]] = [
            lambda: theirs.post(
                f"/api/messages/{done['prompt']['id']}/edit", json={"content": "x"}
            ),
            lambda: theirs.post(f"/api/messages/{done['reply']['id']}/regenerate", json={}),
            lambda: theirs.post(f"/api/messages/{done['reply']['id']}/fork", json={}),
            lambda: theirs.get(f"/api/messages/{done['reply']['id']}/siblings"),
            lambda: theirs.delete(f"/api/messages/{done['reply']['id']}"),
            lambda: theirs.get(f"/api/chats/{chat}/tree"),
            lambda: theirs.patch(f"/api/chats/{chat}", json={"head_id": done["prompt"]["id"]}),
        ]
        for call in calls:
            response = call()
            assert response.status_code == 404, response.text
    assert branch_contents(client, chat) == ["hello", "Echo: hello"]


def test_fork_shares_history_and_survives_deleting_the_original(
    client: TestClient, driver: Driver, app_settings: Settings
) -> None:
    chat = client.post("/api/chats", json={"title": "Origin"}).json()["id"]
    first = turn(client, chat, "alpha")
    turn(client, chat, "beta")

    forked = client.post(f"/api/messages/{first['reply']['id']}/fork", json={})
    assert forked.status_code == 201
    fork = forked.json()
    assert fork["chat"]["title"] == "Origin (fork)"
    assert fork["chat"]["forked_from_id"] == first["reply"]["id"]
    assert [m["content"] for m in fork["messages"]] == ["alpha", "Echo: alpha"]

    in_fork = turn(client, fork["chat"]["id"], "gamma")
    assert in_fork["prompt"]["parent_id"] == first["reply"]["id"]
    assert in_fork["prompt"]["chat_id"] == fork["chat"]["id"]
    assert branch_contents(client, fork["chat"]["id"]) == [
        "alpha",
        "Echo: alpha",
        "gamma",
        "Echo: gamma",
    ]
    assert branch_contents(client, chat) == ["alpha", "Echo: alpha", "beta", "Echo: beta"]
    tree = client.get(f"/api/chats/{fork['chat']['id']}/tree").json()
    assert tree["forked_from_id"] == first["reply"]["id"]
    assert {
        "child": in_fork["prompt"]["id"],
        "parent": first["reply"]["id"],
        "type": "FOLLOWS",
    } in tree["edges"]

    # A branch a fork continues from cannot be pruned...
    refused = client.delete(f"/api/messages/{first['prompt']['id']}")
    assert refused.status_code == 409
    assert "fork" in refused.json()["error"]["message"]

    # ...but the original chat can be deleted: the fork keeps its whole history.
    assert client.delete(f"/api/chats/{chat}").status_code == 204
    assert client.get(f"/api/chats/{chat}").status_code == 404
    assert [c["id"] for c in client.get("/api/chats").json()["chats"]] == [fork["chat"]["id"]]
    assert branch_contents(client, fork["chat"]["id"]) == [
        "alpha",
        "Echo: alpha",
        "gamma",
        "Echo: gamma",
    ]
    user = app_settings.local_user_id
    db = app_settings.neo4j_database
    assert count_nodes_of_user(driver, db, user)["messages"] == 4  # "beta" and its reply went

    # Deleting the fork releases what was kept for it.
    assert client.delete(f"/api/chats/{fork['chat']['id']}").status_code == 204
    assert count_nodes_of_user(driver, db, user) == {"chats": 0, "messages": 0}


def test_prune_moves_head_to_what_remains(client: TestClient) -> None:
    chat = client.post("/api/chats", json={}).json()["id"]
    first = turn(client, chat, "one")
    second = turn(client, chat, "two")
    alt = client.post(
        f"/api/messages/{second['prompt']['id']}/edit",
        json={"content": "two again", "stream": False},
    ).json()

    pruned = client.delete(f"/api/messages/{alt['prompt']['id']}")
    assert pruned.status_code == 200
    assert pruned.json() == {"deleted": 2, "head_id": second["reply"]["id"]}
    assert branch_contents(client, chat) == ["one", "Echo: one", "two", "Echo: two"]

    # Pruning something off the active branch leaves HEAD alone.
    side = client.post(
        f"/api/messages/{first['reply']['id']}/regenerate", json={"stream": False}
    ).json()
    client.patch(f"/api/chats/{chat}", json={"head_id": second["reply"]["id"]})
    kept = client.delete(f"/api/messages/{side['reply']['id']}").json()
    assert kept == {"deleted": 1, "head_id": second["reply"]["id"]}

    # Pruning the root empties the chat.
    gone = client.delete(f"/api/messages/{first['prompt']['id']}").json()
    assert gone == {"deleted": 4, "head_id": None}
    assert branch_contents(client, chat) == []
    assert client.get(f"/api/messages/{first['prompt']['id']}").status_code == 404


def test_two_edits_at_the_same_moment_make_two_siblings(store: Neo4jStore, user: Any) -> None:
    from threadgraph.models import NewMessage, Role

    chat = store.create_chat(user.id, "race")
    prompt = store.append_message(user.id, chat.id, NewMessage(Role.USER, "original")).message

    def edit(i: int) -> str:
        return store.begin_edit(user.id, prompt.id, f"edit {i}", "m").prompt.id

    with ThreadPoolExecutor(max_workers=2) as pool:
        ids = list(pool.map(edit, range(2)))
    siblings = store.siblings(user.id, prompt.id)
    assert {m.id for m in siblings.messages} == {prompt.id, *ids}
    head = store.get_chat(user.id, chat.id).head_id
    assert head is not None
    assert store.get_message(user.id, head).parent_id in ids
