"""Context assembly latency with 1k, 10k and 100k messages in the store.

    .venv/bin/python -m bench.context_assembly [--sizes 1000 10000 100000] [--reads 100]
        [--warm-up N]   # the server's start-up warm-up first (default: as configured)
    .venv/bin/python -m bench.context_assembly --again   # the last store, nothing written

The asking person owns 10% of the messages (imported conversations of 20 messages, with
edits and regenerations), the rest belong to others; the asking chat's branch is 50
messages deep. Vectors are random unit vectors (quality is bench/retrieval_eval's
business; the index does the same work). The prompt's
embedding is timed on its own; assembly is timed with the embedding already made.

Before timing, the same warm-up a starting server runs (services/warm_up.py: the newest
prompt's context, assembled N times; here another person's) is run and timed;
``--warm-up 0`` shows the cold start instead.
"""

from __future__ import annotations

import argparse
import json
import random
import time

from bench import store_extras
from bench.harness import bench_neo4j, percentiles
from bench.import_throughput import generate
from threadgraph.config import Settings
from threadgraph.embeddings.local import shared_counter, shared_embedder
from threadgraph.models import NewMessage, Role
from threadgraph.rules import new_id
from threadgraph.services.context import ContextAssembler
from threadgraph.services.imports.service import Importer
from threadgraph.services.warm_up import warm_context
from threadgraph.store import Neo4jStore

WORDS = [
    "graph",
    "neo4j",
    "chat",
    "branch",
    "memory",
    "vector",
    "index",
    "garden",
    "tomato",
    "cat",
    "travel",
    "recipe",
    "code",
]


def unit_vector(rng: random.Random) -> list[float]:
    v = [rng.gauss(0, 1) for _ in range(384)]
    norm = sum(x * x for x in v) ** 0.5
    return [x / norm for x in v]


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(20))


def grow(
    store: Neo4jStore,
    settings: Settings,
    users: list[str],
    asker: str,
    count: int,
    rng: random.Random,
) -> None:
    """``count`` more messages, a tenth the asker's and the rest shared by the others, as
    imported ChatGPT conversations of 20 messages (with edits and regenerations: see
    bench.import_throughput), one transaction per conversation; then random vectors.
    Writing them one message per transaction took over 30 minutes for 100k here."""
    importer = Importer(store, settings)
    owners = [asker, *users]
    share = count // len(owners)
    for index, owner in enumerate(owners):
        want = share if index else count - share * (len(owners) - 1)
        export = generate(want, per_chat=20, seed=rng.randrange(1 << 30))
        summary = importer.run(owner, json.dumps(export).encode(), "chatgpt")
        if summary.skipped:
            raise SystemExit(f"import skipped conversations: {summary.skipped}")
    while batch := store.messages_missing_embeddings(2000):
        store.set_embeddings([(row.id, unit_vector(rng)) for row in batch])
    store.await_indexes()


def time_assembly(
    assembler: ContextAssembler, asker: str, chat_id: str, head: str, reads: int, warm_up: int
) -> None:
    question = "how do I keep my tomato garden and graph memory in order"
    embedding = shared_embedder().embed([question])[0]
    started = time.perf_counter()
    done = warm_context(assembler.store, assembler, warm_up)
    print(f"  warm-up: {done} assemblies in {time.perf_counter() - started:.1f} s")
    # The first reads after writing or a restart pay for compiling the query and paging
    # the indexes in: they are reported apart from the steady state.
    for label in ("first reads", "steady state"):
        samples = []
        for _ in range(reads):
            t = time.perf_counter()
            context = assembler.assemble(asker, chat_id, head, question, embedding)
            samples.append((time.perf_counter() - t) * 1000)
        print(f"  assembly, {label:12} ({len(context.memories)} memories): {percentiles(samples)}")


def again(store: Neo4jStore, settings: Settings, reads: int, warm_up: int) -> None:
    asker, chat_id, head = store_extras.asker(store)
    print(
        f"{store.count_user_messages(None)} messages in the store, "
        f"{store.count_user_messages(asker)} the asker's"
    )
    assembler = ContextAssembler(store, shared_counter(), settings)
    time_assembly(assembler, asker, chat_id, head, reads, warm_up)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--reads", type=int, default=100)
    parser.add_argument("--warm-up", type=int, default=Settings().warm_up_reads)
    parser.add_argument(
        "--again", action="store_true", help="time the last run's asker again, writing nothing"
    )
    args = parser.parse_args()
    rng = random.Random(7)
    with bench_neo4j() as settings:
        store = Neo4jStore.connect(settings)
        store.migrate()
        if args.again:
            again(store, settings, args.reads, args.warm_up)
            return
        users = [store.ensure_user(new_id(), f"other {i}").id for i in range(9)]
        asker = store.ensure_user(new_id(), "asker").id
        asking = store.create_chat(asker, "asking")
        head = ""
        for i in range(50):
            role = Role.USER if i % 2 == 0 else Role.ASSISTANT
            new = NewMessage(role, sentence(rng), embedding=unit_vector(rng))
            head = store.append_message(asker, asking.id, new).message.id
        assembler = ContextAssembler(store, shared_counter(), settings)
        embedder = shared_embedder()
        embedder.embed(["warm up"])
        total = 50
        for size in sorted(args.sizes):
            started = time.perf_counter()
            grow(store, settings, users, asker, size - total, rng)
            total = size
            print(f"{size:>7} messages (written in {time.perf_counter() - started:.0f} s)")
            time_assembly(assembler, asker, asking.id, head, args.reads, args.warm_up)
        embeds = []
        for i in range(args.reads):
            t = time.perf_counter()
            embedder.embed([f"question {i}: how do I keep my tomato garden in order"])
            embeds.append((time.perf_counter() - t) * 1000)
        print(f"prompt embedding alone: {percentiles(embeds)}")
        store.close()


if __name__ == "__main__":
    main()
