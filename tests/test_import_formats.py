"""Claude, Open WebUI and LibreChat exports: trees, HEAD, order and times checked
against the fixtures exactly; the format is detected from the content."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from neo4j import Driver

from tests.import_helpers import count_nodes, fixture_bytes, imported_chat
from threadgraph.config import Settings
from threadgraph.models import User
from threadgraph.services.imports.service import Importer
from threadgraph.store import Neo4jStore

S = 1710000000


def test_claude_branches_blocks_and_old_exports(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    summary = Importer(store, settings).run(user.id, fixture_bytes("claude_conversations.json"))
    assert summary.format == "claude"
    assert (summary.chats_imported, summary.messages_imported) == (2, 9)
    assert [(s.position, s.title, s.reason) for s in summary.skipped] == [
        (2, "Empty", "no messages to import"),
        (3, "Wrong types", "chat_messages is a str, not a list"),
    ]
    assert [(w.position, w.reason) for w in summary.warnings] == [
        (0, "content blocks left out: thinking x1, tool_use x1")
    ]

    one = imported_chat(driver, user.id, "claude", "claude-conv-1")
    assert one.parent == {
        "c1-m1": None,
        "c1-m2": "c1-m1",
        "c1-m3": "c1-m2",
        "c1-m4": "c1-m3",
        "c1-m3e": "c1-m2",
        "c1-m5": "c1-m3e",
    }
    assert one.children["c1-m2"] == ["c1-m3", "c1-m3e"]
    assert one.head == "c1-m5"
    assert one.messages["c1-m2"]["content"] == "Hi! How can I help?"
    assert one.messages["c1-m5"]["content"] == "I'd tell a pun about nodes,\n\nbut it has no edge."
    assert one.messages["c1-m3e"]["content"] == "Tell me a pun — s'il vous plaît"
    assert one.messages["c1-m1"]["created_at"] == datetime(2024, 5, 1, 10, 0, 0, 100000, UTC)
    assert [one.messages[s]["role"] for s in ("c1-m1", "c1-m2")] == ["user", "assistant"]
    assert one.chat["title"] == "Jokes with branches"

    two = imported_chat(driver, user.id, "claude", "claude-conv-2")
    assert two.parent == {"c2-m1": None, "c2-m2": "c2-m1", "c2-m3": "c2-m2"}
    assert two.head == "c2-m3"  # no current leaf in the export: the newest leaf


def test_open_webui_roots_seconds_and_milliseconds(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    summary = Importer(store, settings).run(user.id, fixture_bytes("openwebui_export.json"))
    assert summary.format == "openwebui"
    assert (summary.chats_imported, summary.messages_imported) == (2, 7)
    assert summary.messages_skipped == {"role 'tool'": 1}

    one = imported_chat(driver, user.id, "openwebui", "owui-1")
    assert one.parent == {
        "w-u1": None,
        "w-a1": "w-u1",
        "w-u1e": None,  # the edited first prompt is a second root
        "w-a2": "w-u1e",
        "w-a2r": "w-u1e",
    }
    assert one.children[None] == ["w-u1", "w-u1e"]
    assert one.children["w-u1e"] == ["w-a2", "w-a2r"]  # same second: export order kept
    assert one.head == "w-a2r"
    second = datetime.fromtimestamp(S + 11, UTC)
    assert one.messages["w-a2"]["created_at"] == second
    assert one.messages["w-a2r"]["created_at"] == second + timedelta(microseconds=1)
    # Milliseconds in the export are read as such.
    assert one.messages["w-u1e"]["created_at"] == datetime.fromtimestamp(S + 10, UTC)
    assert one.chat["created_at"] == datetime.fromtimestamp(S, UTC)
    assert (one.messages["w-a1"]["model"], one.messages["w-a2r"]["model"]) == (
        "llama3:8b",
        "qwen2:7b",
    )

    tool = imported_chat(driver, user.id, "openwebui", "owui-2")
    assert tool.parent == {"x-u1": None, "x-a1": "x-u1"}  # the tool output left out


def test_librechat_flat_and_tree_forms_are_one_conversation(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User, other_user: User
) -> None:
    importer = Importer(store, settings)
    flat = importer.run(user.id, fixture_bytes("librechat_flat.json"))
    assert (flat.format, flat.chats_imported, flat.messages_imported) == ("librechat", 1, 5)
    chat = imported_chat(driver, user.id, "librechat", "lc-1")
    expected_parents = {
        "l-u1": None,
        "l-a1": "l-u1",
        "l-a1r": "l-u1",
        "l-u2": "l-a1",
        "l-a2": "l-u2",
    }
    assert chat.parent == expected_parents
    assert chat.children["l-u1"] == ["l-a1", "l-a1r"]
    assert chat.head == "l-a2"  # LibreChat keeps no current node: the newest leaf
    assert chat.messages["l-a1r"]["content"] == "Regenerated: start at Kiyomizu-dera."
    assert chat.messages["l-a1"]["model"] == "gpt-4o"
    assert chat.messages["l-u1"]["created_at"] == datetime(2024, 3, 1, 9, 0, tzinfo=UTC)

    before = count_nodes(driver, user.id)
    tree = importer.run(user.id, fixture_bytes("librechat_tree.json"))
    assert (tree.chats_imported, tree.chats_unchanged, tree.messages_imported) == (0, 1, 0)
    assert count_nodes(driver, user.id) == before

    theirs = importer.run(other_user.id, fixture_bytes("librechat_tree.json"))
    assert theirs.messages_imported == 5
    other = imported_chat(driver, other_user.id, "librechat", "lc-1")
    assert (other.parent, other.head) == (expected_parents, "l-a2")
    assert other.chat["id"] != chat.chat["id"]  # the other person has a copy of their own


def test_claude_attachments_and_files_are_counted(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    # A pasted document becomes an attachment with its extracted text; an image a file
    # (made by hand in the shape of Claude's export).
    pasted = {"file_name": "utils.py", "file_type": "txt", "extracted_content": "def f(): ..."}
    conversation = {
        "uuid": "claude-uploads",
        "name": "Review",
        "chat_messages": [
            {
                "uuid": "u1",
                "sender": "human",
                "text": "Can you review this file?",
                "created_at": "2024-02-20T14:00:00Z",
                "attachments": [pasted],
                "files": [{"file_name": "screenshot.png"}],
                "files_v2": [{"file_name": "screenshot.png"}],
            },
            {
                "uuid": "a1",
                "sender": "assistant",
                "text": "It reads well.",
                "created_at": "2024-02-20T14:01:00Z",
                "attachments": [],
                "files": [],
            },
        ],
    }
    summary = Importer(store, settings).run(user.id, json.dumps([conversation]).encode())
    assert (summary.chats_imported, summary.messages_imported) == (1, 2)
    assert [w.reason for w in summary.warnings] == [
        "attachments and files left out: attachment x1, file x1"
    ]
    chat = imported_chat(driver, user.id, "claude", "claude-uploads")
    assert chat.messages["u1"]["content"] == "Can you review this file?"


def test_librechat_agent_parts_and_open_webui_files_are_counted(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    # Made by hand in the shapes the apps write: a LibreChat agent's reply keeps its text
    # in content parts beside its reasoning and tool calls; files ride on the prompt.
    librechat = {
        "conversationId": "lc-agent",
        "title": "Agent",
        "messages": [
            {
                "messageId": "u1",
                "parentMessageId": "00000000-0000-0000-0000-000000000000",
                "isCreatedByUser": True,
                "text": "What is 2 + 2?",
                "files": [{"file_id": "f1", "filename": "sum.png", "type": "image/png"}],
                "createdAt": "2025-03-01T10:00:00.000Z",
            },
            {
                "messageId": "a1",
                "parentMessageId": "u1",
                "isCreatedByUser": False,
                "text": "",
                "content": [
                    {"type": "think", "think": "Simple arithmetic."},
                    {"type": "tool_call", "tool_call": {"name": "calculator", "args": "2+2"}},
                    {"type": "text", "text": "It is 4."},
                ],
                "createdAt": "2025-03-01T10:00:05.000Z",
            },
        ],
    }
    summary = Importer(store, settings).run(user.id, json.dumps(librechat).encode())
    assert (summary.chats_imported, summary.messages_imported) == (1, 2)
    assert [w.reason for w in summary.warnings] == [
        "parts left out: file x1, think x1, tool_call x1"
    ]
    assert imported_chat(driver, user.id, "librechat", "lc-agent").messages["a1"]["content"] == (
        "It is 4."
    )

    prompt = {"id": "p1", "parentId": None, "childrenIds": ["r1"], "role": "user"}
    reply = {"id": "r1", "parentId": "p1", "childrenIds": [], "role": "assistant"}
    openwebui = [
        {
            "id": "owu-files",
            "title": "Picture",
            "chat": {
                "history": {
                    "currentId": "r1",
                    "messages": {
                        "p1": {
                            **prompt,
                            "content": "What is in this picture?",
                            "timestamp": 1700000000,
                            "files": [{"type": "image", "url": "data:image/png;base64,AAAA"}],
                        },
                        "r1": {**reply, "content": "A cat.", "timestamp": 1700000005},
                    },
                }
            },
        }
    ]
    summary = Importer(store, settings).run(user.id, json.dumps(openwebui).encode())
    assert (summary.chats_imported, summary.messages_imported) == (1, 2)
    assert [w.reason for w in summary.warnings] == ["parts left out: file x1"]


def test_a_conversation_without_times_or_text_is_skipped_with_its_reason(
    store: Neo4jStore, settings: Settings, user: User
) -> None:
    empty = {"conversationId": "lc-empty", "messages": [{"messageId": "m1", "text": ""}]}
    summary = Importer(store, settings).run(user.id, json.dumps(empty).encode())
    assert summary.chats_imported == 0
    assert [s.reason for s in summary.skipped] == ["no messages to import"]
