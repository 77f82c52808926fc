"""Real exports that other people made and published (tests/fixtures/import/real/, with
their origin and licence): every message, branch, the active leaf, titles and times come
through; what threadgraph does not keep is counted."""

from __future__ import annotations

from datetime import UTC, datetime

from neo4j import Driver

from tests.import_helpers import fixture_bytes, fixture_json, imported_chat, what_came_in
from threadgraph.config import Settings
from threadgraph.models import User
from threadgraph.services.imports.service import Importer
from threadgraph.store import Neo4jStore


def iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_librechat_tree_export_with_a_time_of_day_export_at(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    summary = Importer(store, settings).run(user.id, fixture_bytes("real/librechat-export.json"))
    assert what_came_in(summary) == ("librechat", 1, 6)
    assert (summary.skipped, summary.warnings) == ([], [])

    chat = imported_chat(driver, user.id, "librechat", "af1ea676-f525-444f-a9ed-7c8dbf062733")
    order = [
        "b123942f-ca1a-4b16-9e1f-ea4af5171168",
        "549a4f45-cf93-4e3b-ae62-1abf02afbfc8",
        "880e5357-3e0c-4218-b351-fd3fc184adef",
        "e9796d11-3bdf-4e25-9f0e-4802bbbb8c6d",
        "04408c06-62dc-4961-8ef5-4336b68e7a0a",
        "645b925b-ef14-451f-9be3-814de55a5ae4",
    ]
    assert chat.parent == dict(zip(order, [None, *order[:-1]], strict=True))
    assert chat.head == order[-1]
    assert chat.chat["title"] == "Conversation 1. Web Search"
    # No chat times in the export (exportAt is only a time of day): the messages' own.
    assert chat.chat["created_at"] == iso("2024-04-09T14:32:05.230Z")
    assert chat.chat["updated_at"] == iso("2024-04-09T14:32:05.266Z")
    raw = fixture_json("real/librechat-export.json")["messagesTree"][0]
    assert chat.messages[order[0]]["content"] == raw["text"]
    assert chat.messages[order[0]]["content"].startswith("What is the fuel consumption of vw  ")
    assert [chat.messages[s]["role"] for s in order] == ["user", "assistant"] * 3


def test_librechat_flat_export_with_two_roots_and_two_replies(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    summary = Importer(store, settings).run(
        user.id, fixture_bytes("real/librechat-opts-nonr-branches.json")
    )
    assert (summary.chats_imported, summary.messages_imported, summary.skipped) == (1, 5, [])

    chat = imported_chat(driver, user.id, "librechat", "27b593be-9500-479c-94cb-050cab8f5033")
    first, second = "115a6247-8fb0-4937-a536-12956669098d", "599e1908-8c52-4a73-ba6b-f6dffbd79ba0"
    assert chat.children[None] == [first, second]  # the edited first prompt: a second root
    assert chat.children[first] == [
        "069b9c22-7649-45a9-b90b-fc050533ea21",
        "303e4c2c-f03e-4e0a-8551-c96ec73be5fe",  # the regenerated reply, second
    ]
    assert chat.children[second] == ["de9a4e7c-020d-4856-a5a6-ce6794efef99"]
    assert chat.head == "de9a4e7c-020d-4856-a5a6-ce6794efef99"  # the newest leaf
    assert chat.messages["de9a4e7c-020d-4856-a5a6-ce6794efef99"]["content"].startswith(
        "Of course! Here\u2019s a detailed"
    )
    assert chat.messages["069b9c22-7649-45a9-b90b-fc050533ea21"]["model"] == "gpt-4o"
    assert chat.chat["title"] == "Original"
    assert chat.chat["created_at"] == iso("2024-05-28T18:08:55.014Z")
    assert chat.chat["updated_at"] == iso("2024-05-28T18:14:08.403Z")


def test_open_webui_export_reasoning_and_tool_calls_counted(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    summary = Importer(store, settings).run(user.id, fixture_bytes("real/openwebui-export.json"))
    assert what_came_in(summary) == ("openwebui", 3, 6)
    notes = {w.title: w.reason for w in summary.warnings}
    assert notes == {
        "Chat with reasoning": "parts left out: reasoning x1",
        "Chat with tool call": "parts left out: tool calls x1",
    }
    reasoning = imported_chat(driver, user.id, "openwebui", "reasoning-chat")
    assert reasoning.messages["ra2"]["content"] == "255"
    assert reasoning.head == "ra2"
    assert reasoning.messages["ra2"]["model"] == "deepseek-r1"
    tool = imported_chat(driver, user.id, "openwebui", "tool-chat")
    assert tool.messages["ta2"]["content"] == "The weather in Paris is 18C with rain."
    assert tool.messages["ta1"]["content"] == "What's the weather in Paris?"
    simple = imported_chat(driver, user.id, "openwebui", "simple-chat")
    assert simple.parent == {"sa1": None, "sa2": "sa1"}
    assert simple.chat["title"] == "Simple linear chat"
    assert simple.chat["created_at"] == datetime.fromtimestamp(1700002000, UTC)
    assert simple.chat["updated_at"] == datetime.fromtimestamp(1700002005, UTC)


def test_chatbot_ui_version_4_export(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    importer = Importer(store, settings)
    summary = importer.run(user.id, fixture_bytes("real/chatbotui-export.json"))
    assert what_came_in(summary) == ("chatbotui", 2, 6)
    assert (summary.skipped, summary.warnings) == ([], [])
    history = fixture_json("real/chatbotui-export.json")["history"]

    first = imported_chat(driver, user.id, "chatbotui", history[0]["id"])
    assert first.parent == {"0": None, "1": "0", "2": "1", "3": "2"}
    assert first.head == "3"
    assert [first.messages[str(i)]["content"] for i in range(4)] == [
        m["content"] for m in history[0]["messages"]
    ]
    assert [first.messages[str(i)]["role"] for i in range(4)] == ["user", "assistant"] * 2
    assert first.chat["title"] == "Hello what are you able to do?"
    assert first.chat["model"] == "gpt-4-1106-preview"
    # No times in the export: the order stands, one microsecond apart.
    times = [first.messages[str(i)]["created_at"] for i in range(4)]
    assert times == sorted(times)
    assert len(set(times)) == 4

    second = imported_chat(driver, user.id, "chatbotui", history[1]["id"])
    assert second.messages["1"]["content"] == history[1]["messages"][1]["content"]

    again = importer.run(user.id, fixture_bytes("real/chatbotui-export.json"))
    assert (again.chats_imported, again.chats_unchanged, again.messages_imported) == (0, 2, 0)


def test_librechat_tree_with_a_prompt_answered_twice_and_a_linear_export(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    importer = Importer(store, settings)
    summary = importer.run(user.id, fixture_bytes("real/librechat-tree.json"))
    assert (summary.chats_imported, summary.messages_imported) == (1, 9)
    assert (summary.skipped, summary.warnings, summary.messages_skipped) == ([], [], {})
    chat = imported_chat(driver, user.id, "librechat", "4a86c40e-e627-4454-b158-889680e23ad3")
    reply = "4c395510-fdfd-4556-b034-f9440f025e91"
    assert chat.parent[reply] == "9501f99d-9bbb-40cb-bbb2-16d79aeceb72"
    # Two prompts after the first reply ("thanks", "lol"), and "thanks" answered twice.
    thanks, lol = "6e4c95ca-fcb1-4869-adc3-b4bcec83a270", "d3e12088-962e-42ce-900d-edd6816acae5"
    assert chat.children[reply] == [thanks, lol]
    assert chat.children[thanks] == [
        "5da2cdce-87f7-46b4-87c5-e8224e5d5125",
        "64ed7568-bdcf-42a9-b34a-73386d4d99dc",
    ]
    assert chat.children[lol] == ["1f062c99-ff0a-4cf4-a1cf-7150261a24e2"]
    assert chat.head == "ad7b6ec6-aaa4-434c-9188-def6aadbb2bf"  # the deepest, newest leaf
    assert chat.messages[thanks]["content"] == "thanks"
    assert chat.messages[reply]["model"] == "gpt-4-turbo"
    assert chat.chat["created_at"] == iso("2024-05-01T16:35:11.530Z")

    linear = importer.run(user.id, fixture_bytes("real/librechat-linear.json"))
    assert (linear.chats_imported, linear.messages_imported, linear.warnings) == (1, 2, [])
    chat = imported_chat(driver, user.id, "librechat", "4c9e1402-f746-479d-8a18-2dfab1bf750f")
    assert chat.parent == {
        "ed3fdaaa-e174-4d70-89a9-b06e70939723": None,
        "113b8336-4b19-4f91-8eed-741b3dc2940e": "ed3fdaaa-e174-4d70-89a9-b06e70939723",
    }
    assert chat.messages["113b8336-4b19-4f91-8eed-741b3dc2940e"]["model"] == "gpt-4o"
    assert chat.chat["title"] == "Adventure Across Time and Space"


def test_open_webui_chat_object_as_stored_in_its_database(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    importer = Importer(store, settings)
    summary = importer.run(user.id, fixture_bytes("real/openwebui-chat-object.json"))
    assert what_came_in(summary) == ("openwebui", 1, 2)
    [note] = [w.reason for w in summary.warnings]
    derived = note.split(": ")[1].split(",")[0]
    assert note == f"the chat has no id of its own: {derived}, from its first message"
    raw = fixture_json("real/openwebui-chat-object.json")
    chat = imported_chat(driver, user.id, "openwebui", derived)
    prompt, reply = "5ae90291-abf9-453f-9f7d-78f3753af40c", "a9436447-add3-4bd8-a25f-6ce54b73903c"
    assert chat.parent == {prompt: None, reply: prompt}
    assert chat.head == raw["history"]["currentId"] == reply
    assert chat.messages[reply]["content"] == raw["history"]["messages"][reply]["content"]
    assert chat.messages[reply]["model"] == "deepseek/deepseek-chat:free"
    assert chat.chat["title"] == "\U0001f9e0 Goldwater Rule Ethics"
    # The chat's time is in milliseconds (…557127), its messages' in seconds (…557): the
    # chat was last updated no earlier than it was created.
    assert chat.chat["created_at"] == datetime.fromtimestamp(1744577557.127, UTC)
    assert chat.chat["updated_at"] == chat.chat["created_at"]

    again = importer.run(user.id, fixture_bytes("real/openwebui-chat-object.json"))
    assert (again.chats_imported, again.chats_unchanged, again.messages_imported) == (0, 1, 0)


def test_claude_reply_with_a_thinking_block(
    store: Neo4jStore, settings: Settings, driver: Driver, user: User
) -> None:
    summary = Importer(store, settings).run(user.id, fixture_bytes("real/claude-thinking.json"))
    assert what_came_in(summary) == ("claude", 1, 2)
    assert [w.reason for w in summary.warnings] == ["content blocks left out: thinking x1"]
    chat = imported_chat(driver, user.id, "claude", "11111111-2222-3333-4444-555555555555")
    reply = "ffffffff-1111-2222-3333-444444444444"
    assert chat.messages[reply]["content"] == "Hello there! It's great to hear from you."
    assert chat.head == reply
    assert chat.chat["title"] == "Thinking Demo"
