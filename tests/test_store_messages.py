"""Appending messages: placement, HEAD, the active branch, the tree, bad input."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from neo4j import Driver

from tests.graph_helpers import count_nodes_of_user, rows
from threadgraph.config import Settings
from threadgraph.errors import Conflict, InvalidInput, NotFound, TooLarge
from threadgraph.models import NewMessage, Role, Status, User
from threadgraph.rules import new_id
from threadgraph.store import Neo4jStore


def test_append_under_head_builds_a_branch(store: Neo4jStore, user: User) -> None:
    chat = store.create_chat(user.id, "branch")
    root = store.append_message(user.id, chat.id, NewMessage(Role.SYSTEM, "be brief")).message
    prompt = store.append_message(user.id, chat.id, NewMessage(Role.USER, "hi")).message
    reply = store.append_message(
        user.id, chat.id, NewMessage(Role.ASSISTANT, "hello", model="m1", tokens=2)
    ).message
    assert root.parent_id is None
    assert prompt.parent_id == root.id
    assert reply.parent_id == prompt.id
    assert (reply.model, reply.tokens, reply.status) == ("m1", 2, Status.COMPLETE)
    assert store.get_chat(user.id, chat.id).head_id == reply.id

    branch = store.active_branch(user.id, chat.id)
    assert [m.id for m in branch] == [root.id, prompt.id, reply.id]
    assert [m.parent_id for m in branch] == [None, root.id, prompt.id]
    assert all(m.chat_id == chat.id for m in branch)
    assert store.get_message(user.id, reply.id) == reply


def test_append_under_an_explicit_parent_branches_and_moves_head(
    store: Neo4jStore, user: User
) -> None:
    chat = store.create_chat(user.id, "tree")
    first = store.append_message(user.id, chat.id, NewMessage(Role.USER, "q")).message
    a = store.append_message(user.id, chat.id, NewMessage(Role.ASSISTANT, "a")).message
    b = store.append_message(
        user.id, chat.id, NewMessage(Role.ASSISTANT, "b"), parent_id=first.id
    ).message
    assert b.parent_id == first.id
    assert store.get_chat(user.id, chat.id).head_id == b.id
    assert [m.id for m in store.active_branch(user.id, chat.id)] == [first.id, b.id]

    tree = store.chat_tree(user.id, chat.id)
    assert tree.head_id == b.id
    assert [m.id for m in tree.messages] == [first.id, a.id, b.id]
    assert {m.id: m.parent_id for m in tree.messages} == {
        first.id: None,
        a.id: first.id,
        b.id: first.id,
    }


def test_empty_chat_has_an_empty_branch_and_tree(store: Neo4jStore, user: User) -> None:
    chat = store.create_chat(user.id, "empty")
    assert store.active_branch(user.id, chat.id) == []
    tree = store.chat_tree(user.id, chat.id)
    assert (tree.head_id, tree.messages) == (None, [])


def test_head_is_always_exactly_one_edge(
    store: Neo4jStore, user: User, driver: Driver, settings: Settings
) -> None:
    chat = store.create_chat(user.id, "head")
    for i in range(5):
        store.append_message(user.id, chat.id, NewMessage(Role.USER, f"m{i}"))
    found = rows(
        driver,
        settings.neo4j_database,
        "MATCH (:Chat {id: $id})-[h:HEAD]->(m) RETURN count(h) AS n",
        id=chat.id,
    )
    assert found == [{"n": 1}]


def test_client_given_id_retried_yields_one_message(store: Neo4jStore, user: User) -> None:
    chat = store.create_chat(user.id, "retry")
    message_id = new_id()
    results = [
        store.append_message(user.id, chat.id, NewMessage(Role.USER, "once", id=message_id))
        for _ in range(20)
    ]
    assert [r.created for r in results] == [True] + [False] * 19
    assert {r.message for r in results} == {results[0].message}
    assert len(store.chat_tree(user.id, chat.id).messages) == 1


def test_reused_id_for_a_different_message_is_a_conflict(store: Neo4jStore, user: User) -> None:
    chat = store.create_chat(user.id, "conflict")
    other = store.create_chat(user.id, "other")
    message_id = new_id()
    store.append_message(user.id, chat.id, NewMessage(Role.USER, "original", id=message_id))
    with pytest.raises(Conflict):
        store.append_message(user.id, chat.id, NewMessage(Role.USER, "changed", id=message_id))
    with pytest.raises(Conflict):
        store.append_message(user.id, other.id, NewMessage(Role.USER, "original", id=message_id))
    assert store.get_message(user.id, message_id).content == "original"


@pytest.mark.parametrize(
    ("content", "error"),
    [("", InvalidInput), ("  \n\t ", InvalidInput), ("nul\x00byte", InvalidInput)],
)
def test_bad_content_is_refused_and_writes_nothing(
    store: Neo4jStore,
    user: User,
    driver: Driver,
    settings: Settings,
    content: str,
    error: type[Exception],
) -> None:
    chat = store.create_chat(user.id, "bad")
    before = count_nodes_of_user(driver, settings.neo4j_database, user.id)
    with pytest.raises(error):
        store.append_message(user.id, chat.id, NewMessage(Role.USER, content))
    assert count_nodes_of_user(driver, settings.neo4j_database, user.id) == before


def test_oversized_message_is_refused_and_writes_nothing(
    store: Neo4jStore, user: User, driver: Driver, settings: Settings
) -> None:
    chat = store.create_chat(user.id, "big")
    huge = "x" * (settings.max_message_chars + 1)
    with pytest.raises(TooLarge, match="limit"):
        store.append_message(user.id, chat.id, NewMessage(Role.USER, huge))
    at_limit = store.append_message(
        user.id, chat.id, NewMessage(Role.USER, "y" * settings.max_message_chars)
    )
    assert len(at_limit.message.content) == settings.max_message_chars
    assert count_nodes_of_user(driver, settings.neo4j_database, user.id)["messages"] == 1


def test_unknown_parent_or_parent_from_another_chat_is_refused(
    store: Neo4jStore, user: User, driver: Driver, settings: Settings
) -> None:
    chat = store.create_chat(user.id, "here")
    elsewhere = store.create_chat(user.id, "elsewhere")
    foreign = store.append_message(user.id, elsewhere.id, NewMessage(Role.USER, "there")).message
    store.append_message(user.id, chat.id, NewMessage(Role.USER, "here"))
    before = count_nodes_of_user(driver, settings.neo4j_database, user.id)
    head_before = store.get_chat(user.id, chat.id).head_id

    for parent in (new_id(), foreign.id):
        with pytest.raises(InvalidInput, match="not a message of this chat"):
            store.append_message(user.id, chat.id, NewMessage(Role.USER, "x"), parent_id=parent)
    with pytest.raises(InvalidInput, match="not a UUID"):
        store.append_message(user.id, chat.id, NewMessage(Role.USER, "x"), parent_id="nope")

    assert count_nodes_of_user(driver, settings.neo4j_database, user.id) == before
    assert store.get_chat(user.id, chat.id).head_id == head_before


def test_append_to_unknown_chat_is_not_found(store: Neo4jStore, user: User) -> None:
    with pytest.raises(NotFound):
        store.append_message(user.id, new_id(), NewMessage(Role.USER, "x"))


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.text(min_size=1, max_size=2000).filter(lambda s: s.strip() and "\x00" not in s))
def test_any_text_is_stored_exactly(store: Neo4jStore, user: User, content: str) -> None:
    chat = store.create_chat(user.id, "unicode")
    stored = store.append_message(user.id, chat.id, NewMessage(Role.USER, content)).message
    assert store.get_message(user.id, stored.id).content == content
