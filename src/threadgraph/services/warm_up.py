"""Warming up after a start, in the background, so the first people to ask are not the
ones who pay for it.

Two things are cold when the server starts: the embedding model (loaded on first use)
and Neo4j's read path for context assembly. The second is the JVM compiling the vector
and full-text search code and the query plans, which takes several hundred reads: on
this project's benchmark (bench/context_assembly.py, 100k messages) the first 300
assemblies after a start ran at p95 30-39 ms against 17-19 ms afterwards. So after the
model is loaded, the context of the store's most recent prompt is assembled ``reads``
times, exactly as a reply would, and thrown away. It only reads; nothing is written.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from threadgraph.ports import Embedder
from threadgraph.services.context import ContextAssembler
from threadgraph.store import Neo4jStore

log = logging.getLogger(__name__)


@dataclass
class WarmUp:
    """What the background warm-up did; ``finished`` is set when it ends, however."""

    reads_done: int = 0
    seconds: float = 0.0
    finished: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)


def warm_context(
    store: Neo4jStore, assembler: ContextAssembler, reads: int, stop: threading.Event | None = None
) -> int:
    """Assemble the context of the most recent prompt ``reads`` times (fewer if ``stop``
    is set); returns how many were done, 0 when the store has no embedded prompt yet."""
    if reads <= 0:
        return 0
    subject = store.warm_up_subject()
    if subject is None:
        return 0
    done = 0
    while done < reads and not (stop is not None and stop.is_set()):
        assembler.assemble(
            subject.user_id, subject.chat_id, subject.message_id, subject.content, subject.embedding
        )
        done += 1
    return done


def start_warm_up(
    embedder: Embedder, store: Neo4jStore, assembler: ContextAssembler, reads: int
) -> WarmUp:
    """Load the embedding model, then warm context assembly, in a daemon thread. A
    failure is logged and ends the warm-up; the server is unaffected."""
    state = WarmUp()

    def run() -> None:
        try:
            embedder.embed(["warm up"])
        except Exception:
            log.warning("the embedding model could not be loaded", exc_info=True)
        started = time.perf_counter()
        try:
            state.reads_done = warm_context(store, assembler, reads, state.stop)
            state.seconds = time.perf_counter() - started
            if state.reads_done:
                log.info(
                    "context assembly warmed up: %d reads in %.1f s",
                    state.reads_done,
                    state.seconds,
                )
        except Exception:
            if not state.stop.is_set():  # a store closed under us at shutdown is no news
                log.warning("the warm-up stopped early", exc_info=True)
        finally:
            state.finished.set()

    threading.Thread(target=run, name="warm-up", daemon=True).start()
    return state
