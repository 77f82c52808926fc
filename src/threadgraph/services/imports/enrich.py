"""After an import: embeddings and topics for what was written, in batches, with progress.

Both passes look for what is still missing (messages without a vector; imported replies
without ``topics_at``), so an interrupted pass is resumed by running it again, and
``threadgraph embeddings backfill`` finishes the embeddings too. Kept apart from the
graph write because it is the slow part (a model runs) and the history is usable first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from threadgraph.embeddings.message_text import text_to_embed
from threadgraph.models import ExchangeToTag, Unembedded
from threadgraph.ports import Embedder
from threadgraph.services.topics import (
    DUPLICATE_THRESHOLD,
    TopicCandidate,
    extract_topics_batch,
    links_for,
)
from threadgraph.store import Neo4jStore

log = logging.getLogger(__name__)

# Messages read, embedded and written at a time. The encoder sorts each batch's texts by
# length and pads them in groups of 16 (embeddings/local.py), so a bigger batch pads
# less: on 2,000 generated messages with 2 threads, 256 embedded in 26 s against 31 s
# for 64 (bench/import_throughput.py).
BATCH = 256

Step = Callable[[int], object]  # how many more items are done (tqdm.update fits)


def embed_missing(
    store: Neo4jStore,
    embedder: Embedder,
    user_id: str | None,
    batch: int = BATCH,
    step: Step | None = None,
) -> int:
    """Embed complete messages without a vector (one person's, or everyone's with None)."""
    done = 0
    while True:
        rows = store.messages_missing_embeddings(batch, user_id)
        if not rows:
            return done
        _write_vectors(store, embedder, rows)
        done += len(rows)
        if step is not None:
            step(len(rows))


def embed_again(
    store: Neo4jStore,
    embedder: Embedder,
    user_id: str | None,
    batch: int = BATCH,
    step: Step | None = None,
) -> int:
    """Make every complete message's vector again, in id order (one person's, or
    everyone's with None): for a store written before vectors were made of a message and
    the turn it answers. Search and memory keep working meanwhile (each vector is
    replaced, never removed)."""
    done, after = 0, ""
    while rows := store.messages_to_embed_again(after, batch, user_id):
        _write_vectors(store, embedder, rows)
        done, after = done + len(rows), rows[-1].id
        if step is not None:
            step(len(rows))
    return done


def _write_vectors(store: Neo4jStore, embedder: Embedder, rows: list[Unembedded]) -> None:
    vectors = embedder.embed([text_to_embed(row.content, row.answered) for row in rows])
    store.set_embeddings([(row.id, v) for row, v in zip(rows, vectors, strict=True)])


def _link_topics(
    store: Neo4jStore, user_id: str, found: list[tuple[ExchangeToTag, list[TopicCandidate]]]
) -> None:
    """A batch's topics in one write; when it fails, exchange by exchange, so that one
    odd exchange costs only its own topics."""
    every = [link for row, topics in found for link in links_for(topics, _ids(row))]
    try:
        store.link_topics(user_id, every, DUPLICATE_THRESHOLD)
        return
    except Exception:
        log.warning("topics of %d imported replies: one write failed", len(found), exc_info=True)
    for row, topics in found:
        try:
            store.link_topics(user_id, links_for(topics, _ids(row)), DUPLICATE_THRESHOLD)
        except Exception:  # topics are a bonus: one odd exchange must not stop the rest
            log.warning("topics of imported reply %s failed", row.reply_id, exc_info=True)


def _ids(row: ExchangeToTag) -> list[str]:
    return [row.prompt_id, row.reply_id]


def topics_for_imported(
    store: Neo4jStore, embedder: Embedder, user_id: str, batch: int = 128, step: Step | None = None
) -> int:
    """Topics of imported exchanges (a prompt and its reply), as a live reply gets them.
    A batch's candidate phrases are embedded once however many exchanges share them: on
    LoCoMo's dev conversations 128 exchanges a batch took 14.5 s against 18.9 s for 32."""
    done = 0
    while rows := store.imported_exchanges_without_topics(user_id, batch):
        try:
            found = extract_topics_batch(
                embedder,
                [(row.prompt, row.reply) for row in rows],
                [row.reply_embedding for row in rows],
            )
        except Exception:  # topics are a bonus: a failed batch must not stop the import
            log.warning("topics of %d imported replies failed", len(rows), exc_info=True)
            found = [[] for _ in rows]
        _link_topics(store, user_id, list(zip(rows, found, strict=True)))
        store.mark_topics_done(user_id, [row.reply_id for row in rows])
        done += len(rows)
        if step is not None:
            step(len(rows))
    return done
