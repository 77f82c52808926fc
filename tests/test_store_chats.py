"""Chats in the store: create, get, list newest first with paging, rename, delete."""

from __future__ import annotations

import pytest
from neo4j import Driver

from tests.graph_helpers import count_nodes_of_user
from threadgraph.config import Settings
from threadgraph.errors import Conflict, InvalidInput, NotFound, TooLarge
from threadgraph.models import NewMessage, Role, User
from threadgraph.rules import new_id
from threadgraph.store import Neo4jStore


def test_create_and_get_chat(store: Neo4jStore, user: User) -> None:
    chat = store.create_chat(user.id, "  First   chat ", model="gpt-x")
    assert chat.title == "First chat"  # whitespace is normalised
    assert chat.model == "gpt-x"
    assert chat.head_id is None
    assert chat.created_at == chat.updated_at
    assert store.get_chat(user.id, chat.id) == chat


def test_client_given_chat_id_is_idempotent(
    store: Neo4jStore, user: User, other_user: User
) -> None:
    chat_id = new_id()
    first = store.create_chat(user.id, "once", chat_id=chat_id)
    again = store.create_chat(user.id, "once", chat_id=chat_id)
    assert again == first
    assert [c.id for c in store.list_chats(user.id).chats] == [chat_id]
    with pytest.raises(Conflict):
        store.create_chat(other_user.id, "theirs", chat_id=chat_id)


def test_bad_titles_are_refused(store: Neo4jStore, user: User, settings: Settings) -> None:
    with pytest.raises(InvalidInput):
        store.create_chat(user.id, "   ")
    with pytest.raises(TooLarge):
        store.create_chat(user.id, "x" * (settings.max_title_chars + 1))
    with pytest.raises(InvalidInput):
        store.create_chat(user.id, "ok", chat_id="not-a-uuid")
    assert store.list_chats(user.id).chats == []


def test_list_is_newest_activity_first_and_pages_cover_everything_once(
    store: Neo4jStore, user: User
) -> None:
    chats = [store.create_chat(user.id, f"chat {i}") for i in range(7)]
    # Activity in the oldest chat brings it to the top.
    store.append_message(user.id, chats[0].id, NewMessage(Role.USER, "hello again"))
    expected = [chats[0].id] + [c.id for c in reversed(chats[1:])]

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = store.list_chats(user.id, limit=3, cursor=cursor)
        seen.extend(c.id for c in page.chats)
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == expected
    assert pages == 3


def test_list_rejects_bad_limit_and_cursor(store: Neo4jStore, user: User) -> None:
    with pytest.raises(InvalidInput):
        store.list_chats(user.id, limit=0)
    with pytest.raises(InvalidInput):
        store.list_chats(user.id, limit=10_000)
    with pytest.raises(InvalidInput, match="cursor"):
        store.list_chats(user.id, cursor="garbage!!")


def test_rename(store: Neo4jStore, user: User) -> None:
    chat = store.create_chat(user.id, "old")
    renamed = store.update_chat(user.id, chat.id, title="new name")
    assert renamed.title == "new name"
    assert store.get_chat(user.id, chat.id).title == "new name"


def test_delete_removes_chat_and_its_messages(
    store: Neo4jStore, user: User, driver: Driver, settings: Settings
) -> None:
    keep = store.create_chat(user.id, "keep")
    store.append_message(user.id, keep.id, NewMessage(Role.USER, "kept"))
    gone = store.create_chat(user.id, "gone")
    for text in ("a", "b", "c"):
        store.append_message(user.id, gone.id, NewMessage(Role.USER, text))
    assert store.delete_chat(user.id, gone.id) == 3
    with pytest.raises(NotFound):
        store.get_chat(user.id, gone.id)
    assert count_nodes_of_user(driver, settings.neo4j_database, user.id) == {
        "chats": 1,
        "messages": 1,
    }
    with pytest.raises(NotFound):
        store.delete_chat(user.id, gone.id)


def test_malformed_ids_are_simply_not_found(store: Neo4jStore, user: User) -> None:
    for bad in ("", "nope", "' OR 1=1 //", "00000000-0000-0000-0000-00000000000g"):
        with pytest.raises(NotFound):
            store.get_chat(user.id, bad)
        with pytest.raises(NotFound):
            store.get_message(user.id, bad)
