"""Search latency, export time and topic extraction time.

    .venv/bin/python -m bench.search_export_topics [--user USER_ID] [--searches 100]
        [--import-person 100000]

Uses the benchmark Neo4j as it is (run bench.context_assembly first to fill it), or,
with --import-person N, first imports one new person with N messages (a generated
ChatGPT export with edits and regenerations, see bench.import_throughput). The person
with the most messages is searched and exported. Topic extraction is timed on sample
exchanges with the offline embedding model. THREADGRAPH_BENCH_HOME keeps such a store
apart from the context benchmark's.
"""

from __future__ import annotations

import argparse
import json
import random
import time

from bench import store_extras
from bench.context_assembly import unit_vector
from bench.harness import bench_neo4j, percentiles
from bench.import_throughput import generate
from threadgraph.config import Settings
from threadgraph.embeddings.local import shared_embedder
from threadgraph.rules import new_id
from threadgraph.services.export import Exporter
from threadgraph.services.imports.service import Importer
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
    parser.add_argument("--import-person", type=int, default=0, metavar="N")
    args = parser.parse_args()
    with bench_neo4j() as settings:
        store = Neo4jStore.connect(settings)
        store.migrate()
        if args.import_person:
            import_person(store, settings, args.import_person)
        user = args.user or store_extras.busiest_user(store)
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


def import_person(store: Neo4jStore, settings: Settings, count: int) -> None:
    """A new person with ``count`` messages, brought in through the importer (a generated
    ChatGPT export with branches), then given random unit vectors in batches: search and
    export cost the same whatever the vectors mean, and embedding 100k messages with the
    real model would take most of an hour here."""
    person = store.ensure_user(new_id(), "heavy user").id
    payload = json.dumps(generate(count, per_chat=25, seed=11)).encode()
    started = time.perf_counter()
    summary = Importer(store, settings).run(person, payload)
    print(
        f"imported {summary.messages_imported} messages in {summary.chats_imported} chats "
        f"in {time.perf_counter() - started:.0f} s"
    )
    rng = random.Random(11)
    started = time.perf_counter()
    while batch := store.messages_missing_embeddings(2000):
        store.set_embeddings([(row.id, unit_vector(rng)) for row in batch])
    store.await_indexes()
    print(f"random vectors set and indexed in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
