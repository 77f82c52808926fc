"""The retrieval evaluation, shared by its test (small) and bench/retrieval_eval (large).

For each synthetic person: every fact and every distractor is its own chat (a prompt and
a reply, embedded as the server would), then each question is asked in a new chat
through the real context assembly, and we record where the fact's exchange ranked:
by the vector index alone, the full-text index alone, shared topics alone (when the
history was seeded with topics, as the server extracts them after each reply) and the
fused memories.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from tests.synthetic_history import ACK, person_history
from threadgraph.context_knobs import ContextOptions
from threadgraph.embeddings.message_text import text_to_embed
from threadgraph.models import NewMessage, Role
from threadgraph.ports import Embedder
from threadgraph.rules import new_id
from threadgraph.services.context import ContextAssembler, keyword_query
from threadgraph.services.fusion import fuse
from threadgraph.services.topics import DUPLICATE_THRESHOLD, extract_topics, links_for
from threadgraph.store import Neo4jStore

KS = (1, 5, 10)
METHODS = ("vector", "keyword", "topic", "fused")


@dataclass
class Recall:
    hits: dict[str, dict[int, int]] = field(
        default_factory=lambda: {m: dict.fromkeys(KS, 0) for m in METHODS}
    )
    questions: int = 0

    def add(self, method: str, rank: int | None) -> None:
        for k in KS:
            if rank is not None and rank <= k:
                self.hits[method][k] += 1

    def rate(self, method: str, k: int) -> float:
        return self.hits[method][k] / max(self.questions, 1)

    def table(self) -> str:
        lines = ["method    " + "  ".join(f"recall@{k:<2}" for k in KS)]
        for method in METHODS:
            lines.append(f"{method:<9} " + "  ".join(f"{self.rate(method, k):9.2f}" for k in KS))
        return "\n".join(lines)


def seed_person(
    store: Neo4jStore,
    embedder: Embedder,
    seed: int,
    facts: int,
    distractors: int,
    topics: bool = False,
) -> tuple[str, list[tuple[str, str]]]:
    """A person with their history written (with topics extracted from each exchange if
    asked); returns the user id and (question, fact prompt id) pairs."""
    user = store.ensure_user(new_id(), f"person {seed}").id
    known, noise = person_history(seed, facts, distractors)
    texts = [f.statement for f in known] + noise
    # Written in a shuffled order: every reply is the same ACK, and indexes break score
    # ties by insertion order, so facts written first would win ties they did not earn.
    order = list(range(len(texts)))
    random.Random(seed).shuffle(order)
    vectors = embedder.embed(texts)
    # Each reply's vector is made as the product makes it: the reply, then the prompt it
    # answers (embeddings/message_text.py). Each chat's prompt answers nothing.
    reply_vectors = embedder.embed([text_to_embed(ACK, text) for text in texts])
    answers = []
    for i in order:
        text = texts[i]
        chat = store.create_chat(user, text[:40])
        prompt = store.append_message(
            user, chat.id, NewMessage(Role.USER, text, embedding=vectors[i])
        ).message
        reply = store.append_message(
            user, chat.id, NewMessage(Role.ASSISTANT, ACK, embedding=reply_vectors[i])
        ).message
        if topics:
            links = links_for(extract_topics(embedder, text, ACK), [prompt.id, reply.id])
            store.link_topics(user, links, DUPLICATE_THRESHOLD)
        if i < len(known):
            answers.append((known[i].question, prompt.id))
    return user, answers


def evaluate(
    store: Neo4jStore,
    embedder: Embedder,
    assembler: ContextAssembler,
    user: str,
    questions: list[tuple[str, str]],
    recall: Recall,
    keyword_weight: float = 0.1,
    topic_weight: float = 0.0,
    variant: dict[str, object] | None = None,
) -> None:
    options = ContextOptions(
        k=max(KS),
        memory_budget_tokens=100_000,
        vector_floor=0.0,
        keyword_weight=keyword_weight,
        topic_weight=topic_weight,
    ).with_overrides(**(variant or {}))
    for question, answer in questions:
        chat = store.create_chat(user, "question")
        embedding = embedder.embed([question])[0]
        hits = store.memory_candidates(
            user,
            chat.id,
            embedding,
            keyword_query(question),
            [],
            40,
            40,
            options.vector_floor,
            topic_limit=40,
            topic_floor=options.topic_floor,
        )
        for method in ("vector", "keyword", "topic"):
            alone = [h for h in hits if h.via == method]
            ranked = [m.hit.prompt_id for m in fuse(alone, keyword_weight=1.0, topic_weight=1.0)]
            recall.add(method, ranked.index(answer) + 1 if answer in ranked else None)
        context = assembler.assemble(user, chat.id, None, question, embedding, options)
        # The fact's prompt among the memories, whether a memory is its exchange or the
        # message itself (ContextOptions.unit).
        fused = [answer in m.message_ids for m in context.memories]
        recall.add("fused", fused.index(True) + 1 if True in fused else None)
        recall.questions += 1
        store.delete_chat(user, chat.id)
