"""Retrieval quality: recall@1/5/10 of the right earlier exchange, by the vector index
alone, the full-text index alone, and the fused memories of the real assembly.

    .venv/bin/python -m bench.retrieval_eval [--people 5] [--facts 8] [--distractors 300]
        [--keyword-weights 1 0.5 0.25 0] [--topics --topic-weights 0 0.25 0.5 1]
        [--variant fusion=score,candidates=40 ...]   # other ContextOptions, each measured

With --topics every seeded exchange gets its topics extracted (as the server does after
a reply), and the fusion is measured with each topic weight.
"""

from __future__ import annotations

import argparse

from tests.retrieval_eval import Recall, evaluate, seed_person

from bench.harness import bench_neo4j, parse_variant
from threadgraph.embeddings.local import shared_counter, shared_embedder
from threadgraph.services.context import ContextAssembler
from threadgraph.store import Neo4jStore


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5)
    parser.add_argument("--facts", type=int, default=8)
    parser.add_argument("--distractors", type=int, default=300)
    parser.add_argument("--keyword-weights", type=float, nargs="+", default=[1.0, 0.5, 0.25, 0.0])
    parser.add_argument("--topics", action="store_true", help="extract topics while seeding")
    parser.add_argument("--topic-weights", type=float, nargs="+", default=[0.0])
    parser.add_argument("--variant", action="append", default=[], help="key=value,...")
    args = parser.parse_args()
    with bench_neo4j(fresh=True) as settings:
        store = Neo4jStore.connect(settings)
        store.migrate()
        embedder = shared_embedder()
        assembler = ContextAssembler(store, shared_counter(), settings)
        people = [
            seed_person(store, embedder, seed, args.facts, args.distractors, args.topics)
            for seed in range(100, 100 + args.people)
        ]
        for variant in args.variant or [""]:
            for weight in args.keyword_weights:
                for topic_weight in args.topic_weights:
                    recall = Recall()
                    for user, questions in people:
                        evaluate(
                            store,
                            embedder,
                            assembler,
                            user,
                            questions,
                            recall,
                            weight,
                            topic_weight,
                            parse_variant(variant),
                        )
                    print(
                        f"{args.people} people, {args.facts} facts and {args.distractors} "
                        f"distractor chats each, {recall.questions} questions; keyword weight "
                        f"{weight}, topic weight {topic_weight} {variant}"
                    )
                    print(recall.table())
        store.close()


if __name__ == "__main__":
    main()
