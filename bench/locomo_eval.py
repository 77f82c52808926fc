"""Memory retrieval on real multi-session conversations: LoCoMo (Maharana et al., ACL
2024), turn-level evidence recall through the product's own import and context assembly.

    .venv/bin/python -m bench.locomo_eval PATH/locomo.json
        [--variant keyword_weight=1,candidates=40 ...]   # each measured after the defaults

PATH is LoCoMo's data (snap-research/LoCoMo, ``data/locomo10.json``, or a split of it
with the same structure; $THREADGRAPH_LOCOMO when no path is given). It is read at run
time and never copied into this repository: it is CC BY-NC 4.0, for evaluation only.

How it is measured:
- Each LoCoMo conversation is one person: it is turned into a ChatGPT export (one chat
  per session, turns alternating user/assistant from the session's first speaker, each
  turn's text "Name: text", a shared photo's caption appended as "[photo: ...]", times
  from the session's date) and imported through the real importer, then embedded as
  ``threadgraph import`` does.
- Each question is asked as a draft in a new, empty chat of that person, through the
  real ContextAssembler (settings' defaults unless a variant changes them; k and the
  memory budget raised so 50 turns can come back). The memories' turns are counted in
  rank order (an exchange's prompt, then its reply; a message memory is one turn), and
  recall at N is the share of the question's evidence turns among the first N (a
  question without evidence counts 1), averaged over questions: the paper's measure
  (its DRAGON retriever over turns, all 10 conversations: R@5/10/25/50 =
  56.7/66.2/76.7/82.7).
- Every run starts on an empty bench store (``bench_neo4j(fresh=True)``): the full-text
  index's word statistics, and so the keyword scores, would otherwise depend on what
  earlier runs left there. The variants of one run share its store.
- Latency is of ``assemble`` alone (the question's embedding is made beforehand), on a
  small store: see bench/context_assembly.py for the 100k-message figures.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.harness import bench_neo4j, parse_variant, percentiles
from threadgraph.config import Settings
from threadgraph.context_knobs import ContextOptions
from threadgraph.embeddings.local import shared_counter, shared_embedder
from threadgraph.models import Message, Role, Status
from threadgraph.rules import new_id
from threadgraph.services.context import AssembledContext, ContextAssembler
from threadgraph.services.imports.enrich import embed_missing
from threadgraph.services.imports.service import Importer
from threadgraph.services.imports.tree import message_graph_id
from threadgraph.store import Neo4jStore

BUDGETS = (5, 10, 25, 50)
CATEGORIES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop", 5: "adversarial"}


@dataclass(frozen=True)
class Question:
    user_id: str
    text: str
    evidence: frozenset[str]  # dialog ids, "D<session>:<turn>"
    category: int


def session_time(text: str) -> datetime:
    """LoCoMo's "1:56 pm on 8 May, 2023"."""
    return datetime.strptime(text.strip(), "%I:%M %p on %d %B, %Y").replace(tzinfo=UTC)


def chatgpt_export(conversation: dict[str, Any], sample_id: str) -> list[dict[str, Any]]:
    """One ChatGPT conversation per session; node ids are LoCoMo's dialog ids."""
    chats = []
    sessions = sorted(
        (int(key.split("_")[1]), turns)
        for key, turns in conversation.items()
        if key.startswith("session_") and not key.endswith("date_time") and turns
    )
    for number, turns in sessions:
        start = session_time(conversation[f"session_{number}_date_time"]).timestamp()
        first = turns[0]["speaker"]
        nodes: dict[str, Any] = {}
        parent = None
        for position, turn in enumerate(turns):
            text = f"{turn['speaker']}: {turn['text']}"
            if turn.get("blip_caption"):
                text += f" [photo: {turn['blip_caption']}]"
            node_id = turn["dia_id"]
            nodes[node_id] = {
                "id": node_id,
                "parent": parent,
                "children": [],
                "message": {
                    "author": {"role": "user" if turn["speaker"] == first else "assistant"},
                    "content": {"content_type": "text", "parts": [text]},
                    "create_time": start + position,
                },
            }
            if parent is not None:
                nodes[parent]["children"].append(node_id)
            parent = node_id
        others = [s for s in (conversation["speaker_a"], conversation["speaker_b"]) if s != first]
        chats.append(
            {
                "conversation_id": f"{sample_id}-session-{number}",
                "title": f"{first} and {others[0] if others else first}, session {number}",
                "create_time": start,
                "update_time": start + len(turns),
                "current_node": parent,
                "mapping": nodes,
            }
        )
    return chats


def load(
    store: Neo4jStore, settings: Settings, path: Path
) -> tuple[list[Question], dict[str, str]]:
    """Every conversation imported as its own person; the questions, and each imported
    message's dialog id."""
    importer = Importer(store, settings)
    embedder = shared_embedder()
    questions: list[Question] = []
    dialog_of: dict[str, str] = {}
    for sample in json.loads(path.read_text()):
        user_id = store.ensure_user(new_id(), sample["sample_id"]).id
        export = chatgpt_export(sample["conversation"], sample["sample_id"])
        summary = importer.run(user_id, json.dumps(export).encode(), "chatgpt")
        if summary.skipped:
            raise SystemExit(f"import skipped conversations: {summary.skipped}")
        embed_missing(store, embedder, user_id)
        for chat in export:
            for node_id in chat["mapping"]:
                key = chat["conversation_id"]
                dialog_of[message_graph_id(user_id, "chatgpt", key, node_id)] = node_id
        for qa in sample["qa"]:
            evidence = {
                part.strip()
                for item in qa.get("evidence", [])
                for part in str(item).replace(",", ";").split(";")
                if part.strip()
            }
            questions.append(Question(user_id, qa["question"], frozenset(evidence), qa["category"]))
    return questions, dialog_of


def turns_in_order(context: AssembledContext) -> list[str]:
    """The memories' message ids in rank order, each once."""
    seen: list[str] = []
    for source in context.sources:
        if source.via != "branch" and source.message_id not in seen:
            seen.append(source.message_id)
    return seen


def recall(evidence: frozenset[str], retrieved: list[str], budget: int) -> float:
    if not evidence:
        return 1.0
    return len(evidence & set(retrieved[:budget])) / len(evidence)


def evaluate(
    store: Neo4jStore,
    assembler: ContextAssembler,
    questions: list[Question],
    vectors: list[list[float]],
    dialog_of: dict[str, str],
    options: ContextOptions,
) -> tuple[dict[str, dict[int, float]], list[float]]:
    sums: dict[str, dict[int, float]] = defaultdict(lambda: dict.fromkeys(BUDGETS, 0.0))
    counts: dict[str, int] = defaultdict(int)
    latencies: list[float] = []
    asking: dict[str, str] = {}
    for question, vector in zip(questions, vectors, strict=True):
        if question.user_id not in asking:
            asking[question.user_id] = store.create_chat(question.user_id, "question").id
        chat_id = asking[question.user_id]
        draft = Message(
            id="draft",
            chat_id=chat_id,
            parent_id=None,
            user_id=question.user_id,
            role=Role.USER,
            content=question.text,
            status=Status.COMPLETE,
            model=None,
            created_at=datetime.now(UTC),
        )
        started = time.perf_counter()
        context = assembler.assemble(
            question.user_id, chat_id, None, question.text, vector, options, draft=draft
        )
        latencies.append((time.perf_counter() - started) * 1000)
        retrieved = [dialog_of.get(i, i) for i in turns_in_order(context)]
        for group in ("all", CATEGORIES[question.category]):
            counts[group] += 1
            for budget in BUDGETS:
                sums[group][budget] += recall(question.evidence, retrieved, budget)
    for user_id, chat_id in asking.items():
        store.delete_chat(user_id, chat_id)
    rates = {g: {b: 100 * s / counts[g] for b, s in by.items()} for g, by in sums.items()}
    for group in rates:
        rates[group][0] = counts[group]  # the number of questions, under budget 0
    return rates, latencies


def table(rates: dict[str, dict[int, float]]) -> str:
    lines = [f"{'':<12} {'n':>4}  " + "  ".join(f"R@{b:<4}" for b in BUDGETS)]
    for group in ["all", *CATEGORIES.values()]:
        if group in rates:
            figures = "  ".join(f"{rates[group][b]:6.1f}" for b in BUDGETS)
            lines.append(f"{group:<12} {int(rates[group][0]):>4}  {figures}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", nargs="?", type=Path, default=os.environ.get("THREADGRAPH_LOCOMO"))
    parser.add_argument("--variant", action="append", default=[], help="key=value,...")
    args = parser.parse_args()
    if args.path is None or not Path(args.path).is_file():
        raise SystemExit(f"{args.path} not found: give the path of LoCoMo's JSON")
    with bench_neo4j(fresh=True) as settings:
        store = Neo4jStore.connect(settings)
        store.migrate()
        started = time.perf_counter()
        questions, dialog_of = load(store, settings, args.path)
        print(
            f"{len(dialog_of)} turns imported and embedded, {len(questions)} questions "
            f"({time.perf_counter() - started:.0f} s)"
        )
        vectors = shared_embedder().embed([q.text for q in questions])
        assembler = ContextAssembler(store, shared_counter(), settings)
        # Room for 50 turns whatever their length: 50 memories (the most a request may
        # ask), of two turns each with the unit "exchange", of one with "message".
        room = {"k": 50, "memory_budget_tokens": 1_000_000}
        base = assembler.defaults.with_overrides(**room)
        assembler.assemble(questions[0].user_id, new_id(), None, "warm", vectors[0], base)
        for variant in ["", *args.variant]:
            options = base.with_overrides(**parse_variant(variant))
            rates, latencies = evaluate(store, assembler, questions, vectors, dialog_of, options)
            print(f"\n{variant or 'defaults'}  ({options})")
            print(table(rates))
            print(f"assembly  {percentiles(latencies)}")
        store.close()


if __name__ == "__main__":
    main()
