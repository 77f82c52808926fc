"""Topic quality and speed on LoCoMo's annotated sessions.

    .venv/bin/python -m bench.topic_quality --locomo DIR [--sessions 20]

DIR holds ``locomo-dev.json`` (LoCoMo, CC BY-NC 4.0: evaluation only; it is read at run
time and never shipped). Each session's turns are paired into exchanges (one speaker's
turn, the other's answer) and given topics by the offline extractor. A topic counts as
*recognised* when every word of it (lower case, plural -s dropped) appears in the
session's summary or event annotations, and as *close* when its embedding has cosine
>= 0.5 with one of the annotation sentences. Printed: topics per exchange, both shares,
a sample of topics, and exchanges/s and topics/s (wall clock: noisy on a shared machine).
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import time
from pathlib import Path
from typing import Any

from threadgraph.embeddings.local import shared_embedder
from threadgraph.embeddings.message_text import text_to_embed
from threadgraph.services.topics import dot, extract_topics_batch, normalize

CLOSE = 0.5


def sessions(locomo: Path, limit: int) -> list[tuple[list[tuple[str, str]], list[str]]]:
    """(exchanges, annotation sentences) per session, in file order."""
    out: list[tuple[list[tuple[str, str]], list[str]]] = []
    for entry in json.loads((locomo / "locomo-dev.json").read_text()):
        conversation = entry["conversation"]
        summaries = _loaded(entry["session_summary"])
        events = _loaded(entry["event_summary"])
        n = 1
        while f"session_{n}" in conversation and len(out) < limit:
            turns = [t["text"] for t in conversation[f"session_{n}"]]
            exchanges = [(turns[i], turns[i + 1]) for i in range(0, len(turns) - 1, 2)]
            notes = [summaries.get(f"session_{n}_summary", "")]
            for who, said in events.get(f"events_session_{n}", {}).items():
                if who != "date":
                    notes.extend(said)
            sentences = [s for note in notes for s in re.split(r"(?<=[.!?])\s+", note) if s]
            out.append((exchanges, sentences))
            n += 1
    return out


def _loaded(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    parsed = ast.literal_eval(value)  # stored as Python-literal text in this split
    return parsed if isinstance(parsed, dict) else {}


def words(text: str) -> set[str]:
    return set(normalize(text).split())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--locomo", type=Path, required=True, help="folder of locomo-dev.json")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument(
        "--reply-vectors",
        action="store_true",
        help="as an import does: the reply's stored vector (read with its prompt) stands "
        "for the exchange (made beforehand, not timed: the embedding pass makes it)",
    )
    args = parser.parse_args()
    embedder = shared_embedder()
    embedder.embed(["warm up"])
    data = sessions(args.locomo, args.sessions)
    exchanges = topics = recognised = close = 0
    sample: list[str] = []
    elapsed = 0.0
    for pairs, sentences in data:
        known = set().union(*(words(s) for s in sentences)) if sentences else set()
        sentence_vectors = embedder.embed(sentences) if sentences else []
        for prompt, reply in pairs:
            given: list[list[float] | None] | None = None
            if args.reply_vectors:
                given = [embedder.embed([text_to_embed(reply, prompt)])[0]]
            started = time.perf_counter()
            found = extract_topics_batch(embedder, [(prompt, reply)], given)[0]
            elapsed += time.perf_counter() - started
            exchanges += 1
            for topic in found:
                topics += 1
                recognised += words(topic.name) <= known
                best = max((dot(topic.embedding, v) for v in sentence_vectors), default=0.0)
                close += best >= CLOSE
                if len(sample) < 40:
                    sample.append(topic.name)
    print(f"sessions {len(data)}, exchanges {exchanges}, topics {topics}")
    print(f"topics per exchange        {topics / max(exchanges, 1):.2f}")
    print(f"recognised (words in notes) {recognised / max(topics, 1):.1%}")
    print(f"close (cosine >= {CLOSE})       {close / max(topics, 1):.1%}")
    print(f"exchanges/s {exchanges / elapsed:.1f}, topics/s {topics / elapsed:.1f} (wall clock)")
    print("sample:", "; ".join(sample))


if __name__ == "__main__":
    main()
