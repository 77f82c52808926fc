"""Import throughput: a generated ChatGPT export of 10,000 messages with branches.

    .venv/bin/python -m bench.import_throughput [--messages 10000] [--per-chat 25] [--threads 1]
        [--locomo PATH/locomo.json]   # real conversations' text instead of generated

Each conversation is a chain of exchanges with an edited prompt and a regenerated reply
every few turns, plus the hidden system root ChatGPT writes. Times (for a fresh person
each run): parsing and writing the graph (one transaction per conversation), importing
the same file again (nothing new), the embedding pass for the imported messages, and
the topic pass for the imported exchanges (what ``threadgraph import`` runs after the
graph).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Any

from bench.harness import bench_neo4j
from bench.locomo_eval import chatgpt_export
from threadgraph.embeddings.local import shared_embedder
from threadgraph.rules import new_id
from threadgraph.services.imports.enrich import embed_missing, topics_for_imported
from threadgraph.services.imports.service import Importer
from threadgraph.store import Neo4jStore

WORDS = [
    "graph",
    "node",
    "edge",
    "query",
    "index",
    "vector",
    "tomato",
    "garden",
    "kyoto",
    "travel",
    "recipe",
    "python",
    "neo4j",
    "branch",
    "memory",
    "topic",
    "search",
    "export",
    "import",
    "history",
    "model",
    "reply",
    "prompt",
    "cluster",
]


def generate(messages: int, per_chat: int, seed: int = 7) -> list[dict[str, Any]]:
    """ChatGPT-shaped conversations holding ``messages`` kept messages in all."""
    rng = random.Random(seed)
    conversations = []
    made = 0
    t = 1_700_000_000.0
    while made < messages:
        mapping: dict[str, Any] = {}
        root = new_id()
        mapping[root] = {"id": root, "message": None, "parent": None, "children": []}
        parent, count = root, 0
        want = min(per_chat, messages - made)
        while count < want:
            # A prompt, its reply; now and then an edited prompt or a regenerated reply
            # as a sibling (a branch), the main line continuing from the first version.
            prompt = _node(mapping, parent, "user", rng, t)
            reply = _node(mapping, prompt, "assistant", rng, t + 5)
            count += 2
            if count < want and rng.random() < 0.3:
                _node(mapping, prompt, "assistant", rng, t + 8)  # regenerated
                count += 1
            if count + 1 < want and rng.random() < 0.2:
                edit = _node(mapping, parent, "user", rng, t + 9)  # edited prompt
                _node(mapping, edit, "assistant", rng, t + 12)
                count += 2
            parent, t = reply, t + 30
        conversations.append(
            {
                "title": " ".join(rng.choices(WORDS, k=4)),
                "create_time": t,
                "update_time": t,
                "mapping": mapping,
                "current_node": parent,
                "conversation_id": new_id(),
                "id": new_id(),
            }
        )
        made += count
    return conversations


def _node(mapping: dict[str, Any], parent: str, role: str, rng: random.Random, t: float) -> str:
    key = new_id()
    text = " ".join(rng.choices(WORDS, k=rng.randint(8, 60)))
    mapping[key] = {
        "id": key,
        "parent": parent,
        "children": [],
        "message": {
            "id": key,
            "author": {"role": role},
            "create_time": t,
            "content": {"content_type": "text", "parts": [text]},
            "metadata": {"model_slug": "gpt-4o"} if role == "assistant" else {},
            "recipient": "all",
        },
    }
    mapping[parent]["children"].append(key)
    return key


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--per-chat", type=int, default=25)
    parser.add_argument("--no-embeddings", action="store_true", help="time the graph only")
    parser.add_argument(
        "--threads", type=int, default=1, help="torch threads for the embedding passes"
    )
    parser.add_argument(
        "--locomo",
        type=Path,
        help="import LoCoMo's conversations (real text; bench/locomo_eval.py) instead",
    )
    args = parser.parse_args()
    if args.locomo:
        samples = json.loads(args.locomo.read_text())
        chats = [c for s in samples for c in chatgpt_export(s["conversation"], s["sample_id"])]
    else:
        chats = generate(args.messages, args.per_chat)
    payload = json.dumps(chats).encode()
    with bench_neo4j() as settings:
        store = Neo4jStore.connect(settings)
        store.migrate()
        importer = Importer(store, settings)
        # Neo4j was just started: its first queries compile and the JVM warms up. A small
        # import for another person first, so the figures below are the steady state.
        warm = json.dumps(generate(1000, args.per_chat, seed=1)).encode()
        started = time.perf_counter()
        importer.run(store.ensure_user(new_id(), "warm-up").id, warm)
        rate = 1000 / (time.perf_counter() - started)
        print(f"warm-up (1,000 messages, cold Neo4j): {rate:.0f} messages/s")
        user = store.ensure_user(new_id(), "importer").id

        started = time.perf_counter()
        summary = importer.run(user, payload)
        graph_s = time.perf_counter() - started
        n = summary.messages_imported
        print(
            f"{len(payload) / 1e6:.1f} MB, {summary.chats_imported} conversations, {n} messages "
            f"({sum(summary.messages_skipped.values())} left out: hidden roots)"
        )
        print(f"graph:            {graph_s:6.1f} s   {n / graph_s:7.0f} messages/s")

        started = time.perf_counter()
        again = importer.run(user, payload)
        again_s = time.perf_counter() - started
        assert again.messages_imported == 0
        print(f"same file again:  {again_s:6.1f} s   {n / again_s:7.0f} messages/s (nothing new)")

        if args.no_embeddings:
            store.close()
            return
        embedder = shared_embedder(args.threads)
        embedder.embed(["warm up"])
        started = time.perf_counter()
        embedded = embed_missing(store, embedder, user)
        embed_s = time.perf_counter() - started
        print(f"embeddings:       {embed_s:6.1f} s   {embedded / embed_s:7.0f} messages/s")
        total = graph_s + embed_s
        print(f"graph+embeddings: {total:6.1f} s   {n / total:7.0f} messages/s")
        started = time.perf_counter()
        exchanges = topics_for_imported(store, embedder, user)
        topics_s = time.perf_counter() - started
        print(f"topics:           {topics_s:6.1f} s   {exchanges / topics_s:7.0f} exchanges/s")
        total += topics_s
        print(f"graph+embeddings+topics: {total:6.1f} s   {n / total:7.0f} messages/s")
        store.close()


if __name__ == "__main__":
    main()
