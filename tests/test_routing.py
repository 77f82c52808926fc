"""A routed connection (``neo4j://``, as to Aura or an Enterprise cluster): the driver
asks the server for its routing table and sends reads and writes where it says. The
local Neo4j answers for every role, so the whole path can be driven here."""

from __future__ import annotations

from collections.abc import Iterator

import neo4j
import pytest

from threadgraph.config import Settings
from threadgraph.models import NewMessage, Role, User
from threadgraph.store import Neo4jStore


@pytest.fixture
def routed(settings: Settings, store: Neo4jStore) -> Iterator[Neo4jStore]:
    host_port = settings.effective_neo4j_uri.split("://", 1)[1]
    routed = Neo4jStore.connect(settings.model_copy(update={"neo4j_uri": f"neo4j://{host_port}"}))
    try:
        yield routed
    finally:
        routed.close()


def test_a_routed_connection_reads_what_it_just_wrote(routed: Neo4jStore, user: User) -> None:
    assert isinstance(routed.db._driver, neo4j.Neo4jDriver)  # routing, not a direct bolt://
    chat = routed.create_chat(user.id, "routed")
    turn = routed.begin_turn(user.id, chat.id, NewMessage(Role.USER, "over routing"), "m")
    # Each read is its own session: the process's bookmarks make it see the write before.
    seen, branch = routed.chat_with_branch(user.id, chat.id)
    assert seen.title == "routed"
    assert [m.id for m in branch] == [turn.prompt.id, turn.reply.id]
    assert [c.id for c in routed.list_chats(user.id).chats] == [chat.id]
