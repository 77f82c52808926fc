"""A memory said on a date the question names comes first (ContextOptions.date_weight):
two chats with the same words, imported with their original times, told apart by the
date in the question."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from threadgraph.config import Settings
from threadgraph.context_knobs import ContextOptions
from threadgraph.embeddings.local import shared_counter
from threadgraph.rules import new_id
from threadgraph.services.context import ContextAssembler
from threadgraph.services.imports.service import Importer
from threadgraph.services.question_dates import NamedDate, dates_named
from threadgraph.store import Neo4jStore


def chat(key: str, when: datetime, *turns: str) -> dict[str, Any]:
    """A ChatGPT export conversation of alternating turns, said at ``when``."""
    start = when.timestamp()
    nodes: dict[str, Any] = {}
    parent = None
    for i, text in enumerate(turns):
        node = f"{key}-{i}"
        nodes[node] = {
            "id": node,
            "parent": parent,
            "children": [],
            "message": {
                "author": {"role": ("user", "assistant")[i % 2]},
                "content": {"content_type": "text", "parts": [text]},
                "create_time": start + i,
            },
        }
        if parent:
            nodes[parent]["children"].append(node)
        parent = node
    return {
        "conversation_id": key,
        "title": key,
        "create_time": start,
        "update_time": start + len(turns),
        "current_node": parent,
        "mapping": nodes,
    }


def test_the_dates_a_question_names() -> None:
    assert dates_named("What setback did Melanie face in October 2023?") == [NamedDate(10, 2023)]
    assert dates_named("Who came on May 3, 2023?") == [NamedDate(5, 2023, 3)]
    assert dates_named("What did Gina find on 1 February, 2023?") == [NamedDate(2, 2023, 1)]
    assert dates_named("Did she go in August?") == [NamedDate(8)]
    # A year alone says too little; "may" and "march" are also verbs.
    assert dates_named("How often in 2023? May I ask? We march on.") == []


def test_a_memory_from_the_named_month_comes_first(store: Neo4jStore, settings: Settings) -> None:
    me = store.ensure_user(new_id(), "me").id
    # As many words each, the same ones matching (a quote already in the block would be
    # left out, so not the very same text).
    export = [
        chat(
            "spring",
            datetime(2023, 4, 2, 10, tzinfo=UTC),
            "Maria: The shelter plans changed again.",
            "John: Oh no, why?",
        ),
        chat(
            "autumn",
            datetime(2023, 10, 5, 10, tzinfo=UTC),
            "Maria: The shelter plans changed twice.",
            "John: Oh no, how?",
        ),
    ]
    Importer(store, settings).run(me, json.dumps(export).encode(), "chatgpt")
    asking = store.create_chat(me, "asking")
    assembler = ContextAssembler(store, shared_counter(), settings)
    question = "What changed at the shelter in October 2023?"

    def months(date_weight: float) -> tuple[list[int], list[float]]:
        options = ContextOptions(
            unit="message", neighbour_candidates=False, date_weight=date_weight
        )
        context = assembler.assemble(me, asking.id, None, question, None, options)
        return [m.hit.created_at.month for m in context.memories], [
            m.score for m in context.memories
        ]

    found, scores = months(0.0)
    assert sorted(found) == [4, 10]
    assert scores[0] == scores[1]
    found, scores = months(0.5)
    assert found == [10, 4]
    assert scores[0] == scores[1] + 0.5
