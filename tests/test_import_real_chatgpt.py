"""Real ChatGPT exports that other people made and published (tests/fixtures/import/real/,
with their origin and licence): every visible message, branch, the current node, titles and
times come through; browsing, tool and hidden nodes are left out and counted; a fragment
sharing a stored conversation's id stays apart; a zip of numbered conversation files is
read whole."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from typing import Any

from neo4j import Driver

from tests.import_helpers import fixture_bytes, fixture_json, imported_chat, what_came_in
from threadgraph.config import Settings
from threadgraph.models import User
from threadgraph.services.imports.service import Importer
from threadgraph.services.imports.tree import graph_id
from threadgraph.store import Neo4jStore


def test_chatgpt_export_with_two_branches_a_hidden_system_node_and_an_interrupted_reply(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    summary = Importer(store, settings).run(user.id, fixture_bytes("real/chatgpt-tree.json"))
    assert what_came_in(summary) == ("chatgpt", 1, 11)
    # The empty root node and the hidden system prompt are counted, not kept.
    assert summary.messages_skipped == {"no message": 1, "hidden": 1}
    assert (summary.skipped, summary.warnings) == ([], [])

    conversation = fixture_json("real/chatgpt-tree.json")[0]
    chat = imported_chat(driver, user.id, "chatgpt", conversation["id"])
    kept = {
        key: node
        for key, node in conversation["mapping"].items()
        if node["message"] and node["message"]["author"]["role"] in ("user", "assistant")
    }
    assert set(chat.messages) == set(kept)
    for key, node in kept.items():
        message = node["message"]
        stored = chat.messages[key]
        assert stored["content"] == "".join(message["content"]["parts"])
        assert stored["role"] == message["author"]["role"]
        assert stored["created_at"] == datetime.fromtimestamp(message["create_time"], UTC)
        # The first prompt hangs from the hidden system node, which is left out: a root.
        assert chat.parent[key] == (node["parent"] if node["parent"] in kept else None)
    # Both branches come through in sibling order: "so cool bro" / "hi again", two jokes.
    assert chat.children["bda8a275-886d-4f59-b38c-d7037144f0d5"] == [
        "aaa24023-b02f-4d49-b568-5856b41750c0",
        "aaa236a3-cdfc-4eb1-b5c5-790c6641f880",
    ]
    assert chat.children["aaa20127-b9e3-44f6-afbe-a2475838625a"] == [
        "d0d2a7df-d2fc-4df9-bf0a-1c5121e227ae",
        "f63b8e17-aa5c-4ca6-a1bf-d4d285e269b8",
    ]
    assert chat.head == conversation["current_node"]
    assert chat.chat["title"] == "Assist user with summary"
    assert chat.chat["created_at"] == datetime.fromtimestamp(conversation["create_time"], UTC)
    assert chat.chat["updated_at"] == datetime.fromtimestamp(conversation["update_time"], UTC)
    # The reply cut off mid-story ("status": "in_progress") is kept as far as it got.
    assert chat.messages["ada93f81-f59e-4b31-933d-1357efd68bfc"]["content"].endswith(
        "nestled between rolling"
    )


def _shown(conversation: dict[str, Any]) -> list[str]:
    """A ChatGPT conversation's visible text messages, in mapping order (one branch here)."""
    shown = []
    for key, node in conversation["mapping"].items():
        message = node["message"]
        if (
            message
            and message["author"]["role"] in ("user", "assistant")
            and message["content"]["content_type"] == "text"
            and message.get("recipient", "all") == "all"
            and not message["metadata"].get("is_visually_hidden_from_conversation")
        ):
            shown.append(key)
    return shown


def test_librechat_chatgpt_export_then_its_citations_fragment(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    importer = Importer(store, settings)
    summary = importer.run(user.id, fixture_bytes("real/chatgpt-export.json"))
    assert what_came_in(summary) == ("chatgpt", 2, 10)
    # Browsing: the searches and clicks (recipient "browser") and the pages they brought.
    assert summary.messages_skipped == {
        "no message": 2,
        "hidden": 2,
        "tool call": 4,
        "tool message": 5,
    }
    assert (summary.skipped, summary.warnings) == ([], [])
    for conversation in fixture_json("real/chatgpt-export.json"):
        chat = imported_chat(driver, user.id, "chatgpt", conversation["id"])
        shown = _shown(conversation)
        # Every reply follows its prompt, across the browsing nodes left out between them.
        assert chat.parent == dict(zip(shown, [None, *shown[:-1]], strict=True))
        for key in shown:
            message = conversation["mapping"][key]["message"]
            assert chat.messages[key]["content"] == "".join(message["content"]["parts"])
            assert chat.messages[key]["created_at"] == datetime.fromtimestamp(
                message["create_time"], UTC
            )
        assert chat.head == conversation["current_node"] == shown[-1]
        assert chat.chat["title"] == conversation["title"]
        assert chat.chat["updated_at"] == datetime.fromtimestamp(conversation["update_time"], UTC)
    web = fixture_json("real/chatgpt-export.json")[0]
    before = imported_chat(driver, user.id, "chatgpt", web["id"])
    assert len(before.messages) == 6

    # The citations file is a fragment of the same conversation id (d6523d1e): a browsing
    # result and the reply citing it, under a parent the file does not hold.
    fragment = importer.run(user.id, fixture_bytes("real/chatgpt-citations.json"))
    assert (fragment.chats_imported, fragment.messages_imported, fragment.skipped) == (1, 1, [])
    assert fragment.messages_skipped == {"tool message": 1}
    assert (
        f"a stored chat has the conversation id {web['id']} but none of these messages: "
        "imported as a separate chat"
    ) in [w.reason for w in fragment.warnings]
    stored = graph_id(user.id, "chatgpt", "chat", web["id"])
    assert imported_chat(driver, user.id, "chatgpt", web["id"], stored) == before
    records, _, _ = driver.execute_query(
        """
        MATCH (c:Chat {source_id: $sid})-[:BELONGS_TO]->(:User {id: $u})
        WHERE c.id <> $stored
        MATCH (m:Message)-[:BELONGS_TO]->(c)
        RETURN c.title AS title, collect(m.content) AS contents
        """,
        sid=web["id"],
        u=user.id,
        stored=stored,
    )
    assert [r["title"] for r in records] == ["Citation Convo"]
    [[reply]] = [r["contents"] for r in records]
    assert reply.startswith("Signal Sciences is a web application security company")


def test_chatgpt_conversation_with_custom_instructions(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    summary = Importer(store, settings).run(
        user.id, fixture_bytes("real/chatgpt-custom-instructions.json")
    )
    assert (summary.chats_imported, summary.messages_imported) == (1, 10)
    # The hidden system prompt and the custom instructions (user_editable_context).
    assert summary.messages_skipped == {"no message": 1, "hidden": 2}
    [conversation] = fixture_json("real/chatgpt-custom-instructions.json")
    chat = imported_chat(driver, user.id, "chatgpt", conversation["conversation_id"])
    shown = _shown(conversation)
    assert len(shown) == 10
    assert chat.parent == dict(zip(shown, [None, *shown[:-1]], strict=True))
    assert chat.head == conversation["current_node"]
    assert chat.messages[shown[0]]["content"] == (
        "Can you explain how photosynthesis works in simple terms?"
    )
    assert chat.chat["model"] == "gpt-4o"
    assert chat.chat["created_at"] == datetime.fromtimestamp(conversation["create_time"], UTC)


def test_a_chatgpt_export_zip_whose_conversations_are_split_into_numbered_files(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    # ChatGPT's exports since 2026 hold conversations-000.json, conversations-001.json...
    # beside export_manifest.json, user.json and user_settings.json, and no
    # conversations.json (reported to convoviz, chatgpt2md and LibreChat). Real
    # conversations in that layout:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("chat.html", "<html></html>")
        archive.writestr("conversations-000.json", fixture_bytes("real/chatgpt-export.json"))
        archive.writestr(
            "conversations-001.json", fixture_bytes("real/chatgpt-custom-instructions.json")
        )
        archive.writestr("export_manifest.json", "{}")
        archive.writestr("user.json", '{"id": "user-1"}')
        archive.writestr("user_settings.json", "{}")
    summary = Importer(store, settings).run(user.id, buffer.getvalue())
    assert what_came_in(summary) == ("chatgpt", 3, 20)
    assert summary.skipped == []
    [later] = fixture_json("real/chatgpt-custom-instructions.json")
    assert len(imported_chat(driver, user.id, "chatgpt", later["id"]).messages) == 10
