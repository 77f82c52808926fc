"""Active-branch reads at depths 10, 100, 1,000 and 10,000.

    .venv/bin/python -m bench.branch_reads [--reads 50]

Two reads per depth: the whole branch (root .. HEAD, what GET /api/chats/{id} shows) and
the read that feeds a model (the newest messages within a 24,000-character budget,
paged 64 messages per round trip). Messages are ~200 characters, written through the
store one by one, as a chat would grow.
"""

from __future__ import annotations

import argparse
import time

from bench.harness import bench_neo4j, percentiles
from threadgraph.models import NewMessage, Role
from threadgraph.rules import new_id
from threadgraph.store import Neo4jStore

DEPTHS = (10, 100, 1_000, 10_000)
TEXT = ("The quick brown fox jumps over the lazy dog while the graph keeps every turn. " * 3)[:200]


def build_chain(store: Neo4jStore, user_id: str, depth: int) -> tuple[str, str]:
    chat = store.create_chat(user_id, f"depth {depth}")
    head = ""
    for i in range(depth):
        role = Role.USER if i % 2 == 0 else Role.ASSISTANT
        head = store.append_message(user_id, chat.id, NewMessage(role, f"{i} {TEXT}")).message.id
    return chat.id, head


def timed(reads: int, call: object) -> list[float]:
    assert callable(call)
    samples = []
    for _ in range(reads):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reads", type=int, default=50)
    args = parser.parse_args()
    with bench_neo4j() as settings:
        store = Neo4jStore.connect(settings)
        store.migrate()
        user = store.ensure_user(new_id(), "bench").id
        budget = 24_000  # characters, about the default 3,000-token context budget
        p95_model_read: dict[int, float] = {}
        for depth in DEPTHS:
            started = time.perf_counter()
            chat_id, head = build_chain(store, user, depth)
            print(f"depth {depth:>6}: built in {time.perf_counter() - started:6.1f} s")
            for _ in range(3):  # warm the page cache and the query plans
                store.active_branch(user, chat_id)
                store.recent_branch(user, head, budget)
            whole = timed(args.reads, lambda c=chat_id: store.active_branch(user, c))
            kept = len(store.recent_branch(user, head, budget))
            fed = timed(args.reads, lambda h=head: store.recent_branch(user, h, budget))
            p95_model_read[depth] = sorted(fed)[round(0.95 * (len(fed) - 1))]
            print(f"  whole branch ({depth} messages):        {percentiles(whole)}")
            print(f"  model read ({kept} messages, {budget} chars): {percentiles(fed)}")
        ratio = p95_model_read[10_000] / p95_model_read[100]
        print(f"model read p95 at depth 10,000 / depth 100: {ratio:.2f}x (target <= 1.5x)")
        store.close()


if __name__ == "__main__":
    main()
