"""What must never cost a conversation: optional fields that do not parse, node ids that
other conversations reuse, an Open WebUI chat object without its row id, a ChatGPT
fragment that shares a stored conversation's id, and another import of the same file
running at the same time."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from neo4j import Driver

from tests.import_helpers import count_nodes, imported_chat, what_came_in
from threadgraph.config import Settings
from threadgraph.models import User
from threadgraph.services.imports.service import Importer
from threadgraph.services.imports.tree import graph_id
from threadgraph.store import Neo4jStore

GARBLED_TIME = "13:18:04 GMT-0400 (Eastern Daylight Time)"


def chatgpt_conversation(
    conversation_id: str, nodes: list[tuple[str, str | None, str, str]]
) -> Any:
    """A ChatGPT conversation from (id, parent, role, text) nodes."""
    mapping = {
        key: {
            "id": key,
            "parent": parent,
            "children": [k for k, p, _, _ in nodes if p == key],
            "message": {
                "id": key,
                "author": {"role": role},
                "create_time": 1700000000 + index,
                "content": {"content_type": "text", "parts": [text]},
                "metadata": {},
            },
        }
        for index, (key, parent, role, text) in enumerate(nodes)
    }
    return {
        "title": f"Conversation {conversation_id}",
        "mapping": mapping,
        "current_node": nodes[-1][0],
        "conversation_id": conversation_id,
    }


GARBLED: dict[str, tuple[Any, str, str]] = {
    # format: (export, source id of the conversation, a message's source id)
    "chatgpt": (
        [
            {
                "title": ["not", "text"],
                "create_time": GARBLED_TIME,
                "update_time": {"when": "later"},
                "default_model_slug": 4,
                "current_node": {"id": "n2"},
                "conversation_id": "garbled-chatgpt",
                "mapping": {
                    "n1": {
                        "parent": None,
                        "children": ["n2"],
                        "message": {
                            "author": {"role": "user"},
                            "create_time": "yesterday",
                            "content": {"content_type": "text", "parts": ["question"]},
                            "metadata": {"model_slug": 5},
                        },
                    },
                    "n2": {
                        "parent": "n1",
                        "children": [],
                        "message": {
                            "author": {"role": "assistant"},
                            "create_time": True,
                            "content": {"content_type": "text", "parts": ["answer"]},
                            "metadata": {},
                        },
                    },
                },
            }
        ],
        "garbled-chatgpt",
        "n2",
    ),
    "claude": (
        [
            {
                "uuid": "garbled-claude",
                "name": 12,
                "created_at": GARBLED_TIME,
                "updated_at": [],
                "model": {"name": "claude"},
                "current_leaf_message_uuid": 3.5,
                "chat_messages": [
                    {"uuid": "c1", "sender": "human", "text": "question", "created_at": "soon"},
                    {"uuid": "c2", "sender": "assistant", "text": "answer", "created_at": -1e30},
                ],
            }
        ],
        "garbled-claude",
        "c2",
    ),
    "openwebui": (
        [
            {
                "id": "garbled-owui",
                "title": {"t": 1},
                "created_at": GARBLED_TIME,
                "updated_at": "never",
                "chat": {
                    "models": "not a list",
                    "history": {
                        "currentId": ["w2"],
                        "messages": {
                            "w1": {
                                "parentId": None,
                                "role": "user",
                                "content": "question",
                                "timestamp": "noon",
                            },
                            "w2": {
                                "parentId": "w1",
                                "role": "assistant",
                                "content": "answer",
                                "timestamp": {"s": 1},
                                "model": 7,
                            },
                        },
                    },
                },
            }
        ],
        "garbled-owui",
        "w2",
    ),
    "librechat": (
        {
            "conversationId": "garbled-librechat",
            "title": 99,
            "createdAt": GARBLED_TIME,
            "updatedAt": "Tuesday",
            "exportAt": GARBLED_TIME,
            "model": ["gpt"],
            "messages": [
                {
                    "messageId": "l1",
                    "parentMessageId": None,
                    "isCreatedByUser": True,
                    "text": "question",
                    "createdAt": "13:18:04",
                },
                {
                    "messageId": "l2",
                    "parentMessageId": "l1",
                    "isCreatedByUser": False,
                    "text": "answer",
                    "createdAt": [2024],
                    "model": {"m": 1},
                },
            ],
        },
        "garbled-librechat",
        "l2",
    ),
    "chatbotui": (
        {
            "version": 4,
            "history": [
                {
                    "id": "garbled-chatbotui",
                    "name": ["n"],
                    "model": {"id": 42},
                    "messages": [
                        {"role": "user", "content": "question"},
                        {"role": "assistant", "content": "answer"},
                    ],
                }
            ],
            "folders": "nope",
            "prompts": 3,
        },
        "garbled-chatbotui",
        "1",
    ),
}


@pytest.mark.parametrize("fmt", sorted(GARBLED))
def test_every_optional_field_garbled_still_imports_with_notes(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User, fmt: str
) -> None:
    export, chat_source_id, reply = GARBLED[fmt]
    summary = Importer(store, settings).run(user.id, json.dumps(export).encode())
    assert summary.format == fmt
    assert summary.skipped == []
    assert (summary.chats_imported, summary.messages_imported) == (1, 2)
    notes = [w.reason for w in summary.warnings]
    assert notes, "garbled fields are reported"
    assert all(("left unknown" in n or "left out" in n) for n in notes), notes

    chat = imported_chat(driver, user.id, fmt, chat_source_id)
    assert chat.head == reply  # a garbled current node: the newest leaf
    assert chat.messages[reply]["content"] == "answer"
    assert chat.chat["title"] == "Imported chat"
    # Unknown times: the messages stand in, in order.
    times = [m["created_at"] for m in chat.messages.values()]
    assert chat.chat["created_at"] == min(times)
    assert chat.chat["updated_at"] == max(times)


def test_conversations_that_reuse_node_ids_are_all_imported(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    export = [
        chatgpt_conversation(
            f"reuse-{n}", [("m0", None, "user", f"q{n}"), ("m1", "m0", "assistant", f"a{n}")]
        )
        for n in range(3)
    ]
    summary = Importer(store, settings).run(user.id, json.dumps(export).encode())
    assert (summary.chats_imported, summary.messages_imported, summary.skipped) == (3, 6, [])
    for n in range(3):
        chat = imported_chat(driver, user.id, "chatgpt", f"reuse-{n}")
        assert chat.parent == {"m0": None, "m1": "m0"}
        assert chat.messages["m1"]["content"] == f"a{n}"


def test_open_webui_chat_object_without_its_row_id(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    inner: dict[str, Any] = {
        "id": "",
        "title": "From the database",
        "history": {
            "currentId": "x2",
            "messages": {
                "x1": {
                    "id": "x1",
                    "parentId": None,
                    "childrenIds": ["x2"],
                    "role": "user",
                    "content": "hello",
                    "timestamp": 1700000000,
                },
                "x2": {
                    "id": "x2",
                    "parentId": "x1",
                    "childrenIds": [],
                    "role": "assistant",
                    "content": "hi",
                    "timestamp": 1700000005,
                },
            },
        },
    }
    importer = Importer(store, settings)
    summary = importer.run(user.id, json.dumps(inner).encode())
    assert what_came_in(summary) == ("openwebui", 1, 2)
    assert summary.skipped == []
    [note] = [w.reason for w in summary.warnings]
    assert note.startswith("the chat has no id of its own: derived-")
    derived = note.split(": ")[1].split(",")[0]
    chat = imported_chat(driver, user.id, "openwebui", derived)
    assert (chat.head, chat.chat["title"]) == ("x2", "From the database")

    # A later copy of the same chat, one exchange longer, extends it: the id is stable.
    inner["history"]["messages"]["x2"]["childrenIds"] = ["x3"]
    inner["history"]["messages"]["x3"] = {
        "id": "x3",
        "parentId": "x2",
        "role": "user",
        "content": "more",
        "timestamp": 1700000009,
    }
    inner["history"]["currentId"] = "x3"
    later = importer.run(user.id, json.dumps([{"chat": inner}]).encode())
    assert (later.chats_imported, later.messages_imported) == (1, 1)
    assert imported_chat(driver, user.id, "openwebui", derived).head == "x3"


def test_a_fragment_sharing_a_conversation_id_does_not_hijack_the_stored_chat(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    whole = chatgpt_conversation(
        "shared-id",
        [
            ("u1", None, "user", "first"),
            ("a1", "u1", "assistant", "reply"),
            ("u2", "a1", "user", "second"),
            ("a2", "u2", "assistant", "last reply"),
        ],
    )
    # A fragment: another reply whose parent is not in the file, and a current node that is.
    fragment = chatgpt_conversation("shared-id", [("f1", "elsewhere", "assistant", "fragment")])
    fragment["current_node"] = "a2"
    importer = Importer(store, settings)
    importer.run(user.id, json.dumps([whole]).encode())
    stored = graph_id(user.id, "chatgpt", "chat", "shared-id")
    before = imported_chat(driver, user.id, "chatgpt", "shared-id", stored)

    summary = importer.run(user.id, json.dumps([fragment]).encode())
    assert (summary.chats_imported, summary.messages_imported, summary.skipped) == (1, 1, [])
    notes = [w.reason for w in summary.warnings]
    assert (
        "a stored chat has the conversation id shared-id but none of these messages: "
        "imported as a separate chat"
    ) in notes
    after = imported_chat(driver, user.id, "chatgpt", "shared-id", stored)
    assert after == before  # the stored conversation: same messages, same HEAD
    records, _, _ = driver.execute_query(
        """
        MATCH (c:Chat {source_id: 'shared-id'})-[:BELONGS_TO]->(:User {id: $u})
        MATCH (m:Message)-[:BELONGS_TO]->(c)
        RETURN c.id AS chat, collect(m.source_id) AS messages
        """,
        u=user.id,
    )
    assert sorted(sorted(r["messages"]) for r in records) == [["a1", "a2", "u1", "u2"], ["f1"]]

    again = importer.run(user.id, json.dumps([fragment]).encode())
    assert (again.chats_imported, again.chats_unchanged, again.messages_imported) == (0, 1, 0)


def test_two_imports_of_the_same_file_at_once(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    export = [
        chatgpt_conversation(
            f"race-{n}",
            [
                (
                    f"r{n}-{i}",
                    None if i == 0 else f"r{n}-{i - 1}",
                    "user" if i % 2 == 0 else "assistant",
                    f"text {n} {i}",
                )
                for i in range(6)
            ],
        )
        for n in range(12)
    ]
    payload = json.dumps(export).encode()
    importer = Importer(store, settings)
    with ThreadPoolExecutor(2) as pool:
        one, two = pool.map(lambda _: importer.run(user.id, payload), range(2))
    for summary in (one, two):
        assert summary.skipped == []
        assert summary.chats_imported + summary.chats_unchanged == 12
    assert one.messages_imported + two.messages_imported == 72
    chats, messages, _ = count_nodes(driver, user.id)
    assert (chats, messages) == (12, 72)
