"""Search latency, export time and topic extraction time.

    .venv/bin/python -m bench.search_export_topics [--user USER_ID] [--searches 100]
        [--grow-person 100000]

Uses the benchmark Neo4j as it is (run bench.context_assembly first to fill it), or,
with --grow-person N, first writes one new person with N messages (chats of 20, every
fifth with a regenerated reply as a second branch). The person with the most messages
is searched and exported. Topic extraction is timed on sample exchanges with the
offline embedding model. THREADGRAPH_BENCH_HOME keeps such a store apart from the
context benchmark's.
"""

from __future__ import annotations

import argparse
import random
import time

from bench.context_assembly import sentence, unit_vector
from bench.harness import bench_neo4j, percentiles
from threadgraph.embeddings.local import shared_embedder
from threadgraph.models import NewMessage, Role
from threadgraph.rules import new_id
from threadgraph.services.export import Exporter
from threadgraph.services.search import Search
from threadgraph.services.topics import extract_topics
from threadgraph.store import Neo4jStore

QUERIES = ["tomato garden", "graph memory index", "how do I cook a recipe", "travel code", "cat"]
EXCHANGES = [
    ("How do I build a vector index in Neo4j?", "Use CREATE VECTOR INDEX with 384 dimensions."),
    ("My tomatoes have blossom end rot.", "Water evenly and add calcium; mulch helps."),
    ("Plan three days in Kyoto in April.", "Day one: Fushimi Inari early, then Gion at dusk."),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--user", help="whose history (default: the one with most messages)")
    parser.add_argument("--searches", type=int, default=100)
    parser.add_argument("--grow-person", type=int, default=0, metavar="N")
    args = parser.parse_args()
    with bench_neo4j() as settings:
        store = Neo4jStore.connect(settings)
        store.migrate()
        if args.grow_person:
            started = time.perf_counter()
            grow_person(store, args.grow_person, random.Random(11))
            print(f"wrote {args.grow_person} messages in {time.perf_counter() - started:.0f} s")
        user = args.user or store.busiest_user()
        owned = store.count_user_messages(user)
        total = store.count_user_messages(None)
        print(f"person {user}: {owned} of {total} messages")
        embedder = shared_embedder()
        embedder.embed(["warm up"])
        search = Search(store, embedder)
        samples = []
        for i in range(args.searches):
            started = time.perf_counter()
            search.search(user, QUERIES[i % len(QUERIES)], limit=20)
            samples.append((time.perf_counter() - started) * 1000)
        print(f"search (embedding included):  {percentiles(samples)}")

        exporter = Exporter(store)
        for fmt in ("json", "graphml", "cypher"):
            started = time.perf_counter()
            graph = exporter.graph(user, "all", None)
            built = time.perf_counter()
            text = exporter.render(graph, fmt)
            done = time.perf_counter()
            print(
                f"export all as {fmt:<7}: read+graph {built - started:5.1f} s, render "
                f"{done - built:5.1f} s, {len(text) / 1e6:6.1f} MB, "
                f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} relationships"
            )

        topic_ms = []
        for _ in range(10):
            for prompt, reply in EXCHANGES:
                started = time.perf_counter()
                extract_topics(embedder, prompt, reply)
                topic_ms.append((time.perf_counter() - started) * 1000)
        print(f"topic extraction per exchange: {percentiles(topic_ms)}")
        store.close()


def grow_person(store: Neo4jStore, count: int, rng: random.Random) -> None:
    person = store.ensure_user(new_id(), "heavy user").id
    written, chats = 0, 0
    while written < count:
        chat = store.create_chat(person, sentence(rng)[:40])
        chats += 1
        parent = None
        for i in range(20):
            role = Role.USER if i % 2 == 0 else Role.ASSISTANT
            new = NewMessage(role, sentence(rng), embedding=unit_vector(rng))
            message = store.append_message(person, chat.id, new, parent_id=parent).message
            written += 1
            if chats % 5 == 0 and i == 1:
                # a regenerated first reply: a sibling branch under the same prompt
                again = NewMessage(role, sentence(rng), embedding=unit_vector(rng))
                store.append_message(person, chat.id, again, parent_id=parent)
                written += 1
            parent = message.id


if __name__ == "__main__":
    main()
