"""Import tree planning without Neo4j: links checked, skipped nodes bridged, ids stable,
sibling order and HEAD (services/imports/tree.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from threadgraph.errors import MalformedChat
from threadgraph.models import ImportChat, ImportMessage
from threadgraph.services.imports.records import SourceChat, SourceMessage
from threadgraph.services.imports.tree import (
    TICK,
    Limits,
    message_graph_id,
    plan,
    variant_of,
)

LIMITS = Limits(max_message_chars=1000, max_title_chars=20)
NOW = datetime(2025, 1, 1, tzinfo=UTC)
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def msg(
    source_id: str, parent: str | None, role: str = "user", text: str = "hi", **extra: object
) -> SourceMessage:
    return SourceMessage(source_id, parent, role, text, T0, **extra)  # type: ignore[arg-type]


def chat(*messages: SourceMessage, head: str | None = None, title: str = "A chat") -> SourceChat:
    return SourceChat("conv-1", title, T0, None, list(messages), head_id=head)


def by_source(planned: ImportChat) -> dict[str, ImportMessage]:
    return {m.properties["source_id"]: m for m in planned.messages}


def test_a_skipped_node_is_bridged_and_counted() -> None:
    planned = plan(
        chat(
            msg("m0", None),
            msg("m1", "m0", role="tool", text="{}"),
            msg("m2", "m1", role="assistant", text="answer"),
            msg("m3", "m2", text="   "),
        ),
        "u1",
        "chatgpt",
        LIMITS,
        now=NOW,
    )
    kept = by_source(planned.chat)
    assert list(kept) == ["m0", "m2"]
    assert kept["m2"].parent_id == kept["m0"].id
    assert planned.skipped == {"role 'tool'": 1, "empty": 1}
    assert planned.chat.head_id == kept["m2"].id  # the newest leaf


def test_ids_are_stable_and_scoped_by_person_and_conversation() -> None:
    source = chat(msg("m0", None), msg("m1", "m0", role="assistant"))
    first = plan(source, "u1", "chatgpt", LIMITS, now=NOW)
    again = plan(source, "u1", "chatgpt", LIMITS, now=NOW)
    other_person = plan(source, "u2", "chatgpt", LIMITS, now=NOW)
    assert [m.id for m in first.chat.messages] == [m.id for m in again.chat.messages]
    assert first.chat.id == again.chat.id
    assert first.chat.messages[0].id != other_person.chat.messages[0].id
    assert first.chat.messages[0].id == message_graph_id("u1", "chatgpt", "conv-1", "m0")
    kept = plan(source, "u1", "threadgraph", LIMITS, keep_ids=True, now=NOW)
    assert [m.id for m in kept.chat.messages] == ["m0", "m1"]


def test_a_dangling_parent_makes_a_root_with_a_warning() -> None:
    planned = plan(chat(msg("m0", "gone")), "u1", "chatgpt", LIMITS, now=NOW)
    assert planned.chat.messages[0].parent_id is None
    assert planned.warnings == ["message m0: parent gone is not in the export"]


@pytest.mark.parametrize(
    ("messages", "reason"),
    [
        ((msg("a", "b"), msg("b", "a")), "parent links form a cycle: a -> b -> a"),
        ((msg("a", None), msg("a", None)), "message id 'a' appears twice"),
        ((msg("a", None, text="x" * 1001),), "message a has 1,001 characters"),
        ((msg("a", None, text="nul\x00"),), "message a contains a NUL character"),
    ],
)
def test_malformed_conversations_are_refused(
    messages: tuple[SourceMessage, ...], reason: str
) -> None:
    with pytest.raises(MalformedChat, match=reason.replace("(", r"\(")):
        plan(chat(*messages), "u1", "chatgpt", LIMITS, now=NOW)


def test_ties_keep_the_export_order_and_head_follows_the_export() -> None:
    planned = plan(
        chat(
            msg("root", None),
            msg("second", "root", role="assistant"),
            msg("first", "root", role="assistant"),
            head="second",
            title="  a   very long title that goes on  ",
        ),
        "u1",
        "chatgpt",
        LIMITS,
        now=NOW,
    )
    kept = by_source(planned.chat)
    times = {k: m.properties["created_at"] for k, m in kept.items()}
    # The export gives all three the same time: siblings keep the export's order, 1 µs apart.
    assert times["root"] == times["second"] == T0
    assert times["first"] == T0 + TICK
    assert planned.chat.head_id == kept["second"].id
    assert planned.chat.properties["title"] == "a very long title th"


def test_a_variant_depends_on_the_message_ids_only() -> None:
    one = chat(msg("a", None), msg("b", "a"))
    same = chat(msg("b", "a", text="other"), msg("a", None))
    assert variant_of(one) == variant_of(same)
    assert variant_of(one) != variant_of(chat(msg("c", None)))
