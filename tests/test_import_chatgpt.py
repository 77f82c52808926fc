"""ChatGPT's conversations.json: every branch, HEAD, order, times and what is left out,
checked against the fixture exactly; importing again adds nothing; a later export adds
only what is new."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from neo4j import Driver

from tests.import_helpers import (
    count_nodes,
    fixture_bytes,
    fixture_json,
    imported_chat,
    what_came_in,
)
from threadgraph.config import Settings
from threadgraph.errors import InvalidInput, TooLarge
from threadgraph.models import User
from threadgraph.services.imports import files
from threadgraph.services.imports.service import Importer
from threadgraph.services.imports.tree import graph_id, message_graph_id
from threadgraph.store import Neo4jStore

T = 1700000000.0
FILE = "chatgpt_conversations.json"


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def test_every_branch_head_and_order_are_kept(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    summary = Importer(store, settings).run(user.id, fixture_bytes(FILE))

    assert summary.format == "chatgpt"
    assert (summary.chats_imported, summary.chats_unchanged) == (4, 0)
    assert summary.messages_imported == 7 + 5 + 2 + 1
    assert summary.messages_skipped == {
        "no message": 1,
        "hidden": 1,
        "empty": 1,
        "tool call": 1,
        "tool message": 1,
        "content type 'some_future_type'": 1,
    }
    skipped = {s.position: (s.title, s.reason) for s in summary.skipped}
    assert sorted(skipped) == [2, 3, 4]
    assert skipped[2] == ("Archived without mapping", skipped[2][1])
    assert "no mapping" in skipped[2][1]
    assert "cycle" in skipped[3][1]
    assert "mapping is a list" in skipped[4][1]
    notes = [(w.position, w.reason) for w in summary.warnings]
    # A time that does not parse is an optional field: the message is kept, time unknown.
    assert (
        6,
        "node g-u1 create_time 'yesterday' is not an ISO 8601 time: left unknown",
    ) in notes
    assert (5, "message f-u1: parent f-ghost is not in the export") in notes
    assert (1, "non-text parts left out (images, files, audio): image_asset_pointer x1") in notes

    a = imported_chat(driver, user.id, "chatgpt", "conv-a")
    assert a.parent == {
        "a-u1": None,
        "a-a1": "a-u1",
        "a-u2": "a-a1",
        "a-a2": "a-u2",
        "a-a2r": "a-u2",
        "a-u2e": "a-a1",
        "a-a3": "a-u2e",  # under the edited prompt: the tool call and output left out
    }
    assert a.head == "a-a3"
    assert a.children["a-a1"] == ["a-u2", "a-u2e"]  # the edit comes second
    assert a.children["a-u2"] == ["a-a2", "a-a2r"]  # the regenerated reply second
    assert a.messages["a-u2e"]["content"] == "Give two examples — ünïcödé 日本語 🎉"
    assert a.messages["a-a3"]["content"] == "Neo4j and Memgraph.\n\n```\ncode\n```"
    assert a.messages["a-a1"]["created_at"] == at(T + 10)
    assert a.messages["a-u1"]["created_at"] == at(T + 0.5)
    assert [a.messages[s].get("model") for s in ("a-a1", "a-a2r", "a-u1")] == [
        "gpt-4",
        "gpt-4o",
        None,
    ]
    assert {m["role"] for m in a.messages.values()} == {"user", "assistant"}
    assert all(m["status"] == "complete" and m["user_id"] == user.id for m in a.messages.values())
    assert a.chat["title"] == "Graph databases"
    assert a.chat["model"] == "gpt-4o"
    assert (a.chat["created_at"], a.chat["updated_at"]) == (at(T), at(T + 60))

    # The store's own branch reads agree: siblings in order, the active branch to HEAD.
    regenerated = message_graph_id(user.id, "chatgpt", "conv-a", "a-a2r")
    siblings = store.siblings(user.id, regenerated)
    assert (len(siblings.messages), siblings.position) == (2, 1)
    chat_id = graph_id(user.id, "chatgpt", "chat", "conv-a")
    branch = [m.content for m in store.active_branch(user.id, chat_id)]
    assert branch == [
        "What is a graph database?",
        "A graph database stores nodes and relationships.",
        "Give two examples — ünïcödé 日本語 🎉",
        "Neo4j and Memgraph.\n\n```\ncode\n```",
    ]

    b = imported_chat(driver, user.id, "chatgpt", "conv-b")
    assert b.parent == {
        "b-sys": None,
        "b-u1": "b-sys",
        "b-a1": "b-u1",
        "b-root2": None,
        "b-a2": "b-root2",
    }
    assert b.children[None] == ["b-sys", "b-root2"]  # two roots in the same second
    assert b.messages["b-sys"]["role"] == "system"
    assert b.messages["b-root2"]["created_at"] == at(T + 1000) + timedelta(microseconds=1)
    assert b.messages["b-u1"]["content"] == "What is in this picture?"
    long_text = fixture_json(FILE)[1]["mapping"]["b-a1"]["message"]["content"]["parts"][0]
    assert len(long_text) > 100_000
    assert b.messages["b-a1"]["content"] == long_text
    assert b.head == "b-a1"

    f = imported_chat(driver, user.id, "chatgpt", "conv-f")
    assert f.parent == {"f-u1": None, "f-a1": "f-u1"}
    assert f.head == "f-a1"

    # Nothing of a skipped conversation was written.
    for source_id in ("conv-c", "conv-d", "conv-e"):
        records, _, _ = driver.execute_query(
            "MATCH (c:Chat {source_id: $s}) RETURN count(c) AS n", s=source_id
        )
        assert records[0]["n"] == 0


def test_importing_again_adds_nothing_and_a_later_export_only_the_new(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    importer = Importer(store, settings)
    importer.run(user.id, fixture_bytes(FILE))
    before = count_nodes(driver, user.id)

    again = importer.run(user.id, fixture_bytes(FILE))
    assert (again.chats_imported, again.chats_unchanged, again.messages_imported) == (0, 4, 0)
    assert count_nodes(driver, user.id) == before

    later = copy.deepcopy(fixture_json(FILE))
    mapping = later[0]["mapping"]
    mapping["a-a3"]["children"] = ["a-u3"]
    for key, parent, role, text, t in (
        ("a-u3", "a-a3", "user", "Which one is older?", T + 100),
        ("a-a4", "a-u3", "assistant", "Neo4j (2007).", T + 110),
    ):
        mapping[key] = {
            "id": key,
            "parent": parent,
            "children": ["a-a4"] if key == "a-u3" else [],
            "message": {
                "id": key,
                "author": {"role": role},
                "create_time": t,
                "content": {"content_type": "text", "parts": [text]},
                "metadata": {},
            },
        }
    later[0]["current_node"] = "a-a4"
    grown = importer.run(user.id, json.dumps(later).encode())
    assert (grown.chats_imported, grown.chats_unchanged, grown.messages_imported) == (1, 3, 2)
    chats, messages, _ = count_nodes(driver, user.id)
    assert (chats, messages) == (before[0], before[1] + 2)
    a = imported_chat(driver, user.id, "chatgpt", "conv-a")
    assert (a.parent["a-u3"], a.parent["a-a4"], a.head) == ("a-a3", "a-u3", "a-a4")


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_is_read_like_its_conversations_json(
    store: Neo4jStore, settings: Settings, user: User
) -> None:
    payload = _zip(
        {"chat.html": b"<html></html>", "export/conversations.json": fixture_bytes(FILE)}
    )
    summary = Importer(store, settings).run(user.id, payload)
    assert what_came_in(summary) == ("chatgpt", 4, 15)


def test_numbered_conversation_files_are_read_in_their_order_and_within_the_limit() -> None:
    shards = {
        "conversations-010.json": b'[{"id": "c"}]',
        "conversations-002.json": b'[{"id": "b"}]',
        "conversations-000.json": b'[{"id": "a"}]',
        "user.json": b"{}",
    }
    assert files.decode(_zip(shards), 1000) == [{"id": "a"}, {"id": "b"}, {"id": "c"}]
    # Each is under the limit, together they are not (the zip itself is small).
    large = {f"conversations-00{i}.json": b'["' + b"x" * 5000 + b'"]' for i in range(3)}
    with pytest.raises(TooLarge, match=r"conversations-002\.json with the files before it is"):
        files.decode(_zip(large), 12_000)
    assert len(files.decode(_zip(large), 16_000)) == 3
    with pytest.raises(InvalidInput, match=r"conversations-001\.json in the zip is not a list"):
        files.decode(_zip({**shards, "conversations-001.json": b"{}"}), 1000)
    with pytest.raises(InvalidInput, match=r"conversations-001\.json in the zip is not valid JSON"):
        files.decode(_zip({**shards, "conversations-001.json": b"[{"}), 1000)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (fixture_bytes("truncated_chatgpt.json"), "not valid JSON"),
        (b"", "empty"),
        (b"42", "not a ChatGPT, Claude, Open WebUI, LibreChat, Chatbot UI or threadgraph"),
        (b'{"foo": [1, 2]}', "not a ChatGPT"),
        (b"PK\x03\x04 not really a zip", "cannot be opened"),
        (b"[]", "not a ChatGPT"),
    ],
)
def test_files_that_are_not_exports_are_refused_whole(
    store: Neo4jStore, settings: Settings, user: User, payload: bytes, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        Importer(store, settings).run(user.id, payload)
    assert store.count_user_messages(user.id) == 0


def test_a_named_format_that_does_not_fit_skips_each_conversation(
    store: Neo4jStore, settings: Settings, user: User
) -> None:
    summary = Importer(store, settings).run(
        user.id, fixture_bytes("claude_conversations.json"), "chatgpt"
    )
    assert summary.chats_imported == 0
    assert [s.reason for s in summary.skipped] == [
        "the conversation has no mapping (no messages in the export)"
    ] * 4


def test_a_message_over_the_limit_skips_its_conversation_only(
    store: Neo4jStore, settings: Settings, user: User
) -> None:
    strict = settings.model_copy(update={"max_message_chars": 50_000})
    summary = Importer(store, strict).run(user.id, fixture_bytes(FILE))
    reasons = {s.position: s.reason for s in summary.skipped}
    assert "message b-a1 has 131,999 characters; the limit is 50,000" in reasons[1]
    assert "THREADGRAPH_MAX_MESSAGE_CHARS" in reasons[1]
    assert summary.chats_imported == 3


def test_a_voice_conversation_keeps_what_was_said(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    # Voice mode as ChatGPT exports it (the shape other importers document; made by hand):
    # each message is the transcription beside the recording, no text part.
    said = "How long do I cook frozen chicken?"
    answer = "About 25 minutes at 200 degrees, until it is no longer pink inside."
    recording = {"content_type": "audio_asset_pointer", "asset_pointer": "sediment://file_1"}
    parts = {
        "u": [
            {
                "content_type": "real_time_user_audio_video_asset_pointer",
                "audio_asset_pointer": recording,
            },
            {"content_type": "audio_transcription", "text": said, "direction": "in"},
        ],
        "a": [
            {"content_type": "audio_transcription", "text": answer, "direction": "out"},
            {**recording, "asset_pointer": "sediment://file_2"},
        ],
    }
    mapping: dict[str, Any] = {"root": {"id": "root", "message": None, "children": ["u"]}}
    for key, parent, role in (("u", "root", "user"), ("a", "u", "assistant")):
        mapping[key] = {
            "id": key,
            "parent": parent,
            "children": ["a"] if key == "u" else [],
            "message": {
                "id": key,
                "author": {"role": role},
                "create_time": 1767225600 + len(mapping),
                "content": {"content_type": "multimodal_text", "parts": parts[key]},
                "metadata": {"voice_mode_message": True},
            },
        }
    conversation = {"id": "voice-1", "title": "Chicken", "mapping": mapping, "current_node": "a"}

    summary = Importer(store, settings).run(user.id, json.dumps([conversation]).encode())
    assert (summary.chats_imported, summary.messages_imported) == (1, 2)
    assert summary.messages_skipped == {"no message": 1}
    assert [w.reason for w in summary.warnings] == [
        "non-text parts left out (images, files, audio): audio_asset_pointer x1, "
        "real_time_user_audio_video_asset_pointer x1"
    ]
    chat = imported_chat(driver, user.id, "chatgpt", "voice-1")
    assert chat.parent == {"u": None, "a": "u"}
    assert (chat.messages["u"]["content"], chat.messages["a"]["content"]) == (said, answer)
    assert chat.head == "a"
