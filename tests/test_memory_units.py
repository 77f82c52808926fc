"""What one memory is (ContextOptions.unit) and how a message's neighbours lift it
(neighbour_weight), through the real memory query on Neo4j. Keyword retrieval only
(no embedding), so every score comes from the full-text index and can be reasoned about."""

from __future__ import annotations

from threadgraph.config import Settings
from threadgraph.context_knobs import ContextOptions
from threadgraph.embeddings.local import shared_counter
from threadgraph.models import Message, NewMessage, Role
from threadgraph.rules import new_id
from threadgraph.services.context import ContextAssembler
from threadgraph.store import Neo4jStore


def said(store: Neo4jStore, user_id: str, title: str, *turns: str) -> list[Message]:
    """One chat of alternating turns (user first); the stored messages in order."""
    chat = store.create_chat(user_id, title)
    roles = (Role.USER, Role.ASSISTANT)
    return [
        store.append_message(user_id, chat.id, NewMessage(roles[i % 2], text)).message
        for i, text in enumerate(turns)
    ]


def ask(
    store: Neo4jStore, settings: Settings, user_id: str, question: str, **knobs: object
) -> tuple[list[tuple[str, ...]], list[float], str]:
    """The memories' turns in rank order, their scores and the memory block's text."""
    asking = store.create_chat(user_id, "asking")
    assembler = ContextAssembler(store, shared_counter(), settings)
    # Each knob of this file off unless asked for, whatever the defaults.
    options = ContextOptions(
        k=10,
        memory_budget_tokens=10_000,
        unit="exchange",
        neighbour_weight=0.0,
        neighbour_candidates=False,
        date_weight=0.0,
    ).with_overrides(**knobs)
    context = assembler.assemble(user_id, asking.id, None, question, None, options)
    block = context.messages[0].content if context.memories else ""
    return [m.message_ids for m in context.memories], [m.score for m in context.memories], block


def test_a_message_alone_or_its_exchange(store: Neo4jStore, settings: Settings) -> None:
    me = store.ensure_user(new_id(), "me").id
    prompt, reply, after = said(
        store,
        me,
        "trip",
        "Caroline: How was your weekend?",
        "Melanie: We camped by the lake and saw a heron.",
        "Caroline: That sounds peaceful.",
    )
    exchanges, _, block = ask(store, settings, me, "Where did Melanie see a heron?")
    assert exchanges == [(prompt.id, reply.id)]
    assert "User: Caroline: How was your weekend?" in block
    assert "Assistant: Melanie: We camped by the lake" in block

    messages, _, block = ask(store, settings, me, "Where did Melanie see a heron?", unit="message")
    assert messages == [(reply.id,)]
    assert "Assistant: Melanie: We camped by the lake" in block
    assert "How was your weekend" not in block
    assert after.id not in {i for ids in messages for i in ids}


def test_a_neighbour_of_a_strong_hit_rises_above_an_equal_hit(
    store: Neo4jStore, settings: Settings
) -> None:
    me = store.ensure_user(new_id(), "me").id
    # Two turns with the same one word of the question (equal keyword scores); only the
    # first has a neighbour that matches the question better than either.
    beside, strong = said(
        store,
        me,
        "garden",
        "Note: tomatoes again.",
        "Tomatoes and basil grow well in the greenhouse by the basil.",
    )
    # (Not the very same words: a quote already in the block is left out.)
    alone, _ = said(store, me, "market", "Note: tomatoes twice.", "Noted.")
    question = "greenhouse basil tomatoes"

    order, scores, _ = ask(store, settings, me, question, unit="message")
    by_id = dict(zip([ids[0] for ids in order], scores, strict=True))
    assert order[0] == (strong.id,)
    assert by_id[beside.id] == by_id[alone.id]  # as many words, one matching: one score

    order, scores, _ = ask(store, settings, me, question, unit="message", neighbour_weight=0.5)
    lifted = dict(zip([ids[0] for ids in order], scores, strict=True))
    assert [ids[0] for ids in order] == [strong.id, beside.id, alone.id]
    assert lifted[beside.id] == by_id[beside.id] + 0.5 * by_id[strong.id]
    assert lifted[alone.id] == by_id[alone.id]


def test_the_turns_beside_a_hit_can_be_memories_too(store: Neo4jStore, settings: Settings) -> None:
    me = store.ensure_user(new_id(), "me").id
    question, answer, thanks = said(
        store,
        me,
        "pets",
        "Jon: What did you call him?",
        "Gina: We called the puppy Biscuit.",
        "Jon: Cute!",
    )
    said(store, me, "other", "Gina: No puppy for us yet.", "Jon: Maybe next year.")
    ask_about = "What is the name of Gina's puppy Biscuit?"

    order, _, _ = ask(store, settings, me, ask_about, unit="message", neighbour_weight=0.5)
    assert question.id not in {ids[0] for ids in order}  # no word of the question in it

    order, scores, block = ask(
        store,
        settings,
        me,
        ask_about,
        unit="message",
        neighbour_weight=0.5,
        neighbour_candidates=True,
    )
    by_id = dict(zip([ids[0] for ids in order], scores, strict=True))
    assert order[0] == (answer.id,)
    # Both turns beside the best hit come in with half its score, each quoted alone.
    assert by_id[question.id] == by_id[thanks.id] == 0.5 * by_id[answer.id]
    assert "User: Jon: What did you call him?" in block
    assert "User: Jon: Cute!" in block
