"""A chat of user A is invisible to user B through every store call."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from neo4j import Driver

from tests.graph_helpers import count_nodes_of_user
from threadgraph.config import Settings
from threadgraph.errors import InvalidInput, NotFound
from threadgraph.models import NewMessage, Role, User
from threadgraph.store import Neo4jStore


def test_another_users_chat_is_not_found_everywhere(
    store: Neo4jStore, user: User, other_user: User, driver: Driver, settings: Settings
) -> None:
    a, b = user.id, other_user.id
    chat = store.create_chat(a, "private")
    prompt = store.append_message(a, chat.id, NewMessage(Role.USER, "secret")).message
    before = count_nodes_of_user(driver, settings.neo4j_database, a)

    assert store.list_chats(b).chats == []
    calls: dict[str, Callable[[], object]] = {
        "get_chat": lambda: store.get_chat(b, chat.id),
        "rename_chat": lambda: store.update_chat(b, chat.id, title="mine now"),
        "delete_chat": lambda: store.delete_chat(b, chat.id),
        "append_message": lambda: store.append_message(b, chat.id, NewMessage(Role.USER, "hi")),
        "get_message": lambda: store.get_message(b, prompt.id),
        "active_branch": lambda: store.active_branch(b, chat.id),
        "chat_tree": lambda: store.chat_tree(b, chat.id),
    }
    for name, call in calls.items():
        with pytest.raises(NotFound):
            call()
        assert count_nodes_of_user(driver, settings.neo4j_database, a) == before, name

    # B's own chat cannot hang a message under A's message either.
    own = store.create_chat(b, "own")
    with pytest.raises(InvalidInput):
        store.append_message(b, own.id, NewMessage(Role.USER, "x"), parent_id=prompt.id)

    assert store.get_chat(a, chat.id).title == "private"
    assert [m.content for m in store.active_branch(a, chat.id)] == ["secret"]
