"""Warming up after a start, in the background, so the first people to ask are not the
ones who pay for it.

Two things are cold when the server starts. First the models a turn needs: the
embedding model (torch, its weights, and a first encode: about 5 s on a 2-core machine),
the tokenizer that counts context budgets, and the local chat model when it is the
default. They load first; until they have, the server answers but says it is not ready
(``GET /health/ready`` is 503), and a request that needs a model waits for it. Then
Neo4j's read path for context assembly. The second is the JVM compiling the vector
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

from threadgraph.llm.catalog import ModelCatalog
from threadgraph.ports import Embedder, TokenCounter
from threadgraph.services.context import ContextAssembler
from threadgraph.store import Neo4jStore

log = logging.getLogger(__name__)


@dataclass
class WarmUp:
    """What the background warm-up did. ``models_ready`` is set once the models are
    loaded (or failed to: ``models_error`` says why); ``finished`` when it all ends."""

    models_loaded: list[str] = field(default_factory=list)
    models_seconds: float | None = None
    models_error: str | None = None
    reads_done: int = 0
    seconds: float = 0.0
    models_ready: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def ready(self) -> bool:
        return self.models_ready.is_set() and self.models_error is None


def load_models(
    embedder: Embedder, counter: TokenCounter, catalog: ModelCatalog, state: WarmUp
) -> None:
    """Load every model a turn needs, recording what was loaded and how long it took."""
    started = time.perf_counter()
    try:
        embedder.load()
        state.models_loaded.append(embedder.name)
        counter.count("warm up")  # the tokenizer's first call builds its tables
        local = catalog.load_default()
        if local is not None:
            state.models_loaded.append(local)
    except Exception as error:  # the server keeps answering and says what is wrong
        state.models_error = f"{type(error).__name__}: {error}"
        log.error("a model could not be loaded: %s", state.models_error, exc_info=True)
    finally:
        state.models_seconds = time.perf_counter() - started
        state.models_ready.set()
    if state.models_error is None:
        log.info(
            "models loaded in %.1f s: %s", state.models_seconds, ", ".join(state.models_loaded)
        )


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
    embedder: Embedder,
    counter: TokenCounter,
    catalog: ModelCatalog,
    store: Neo4jStore,
    assembler: ContextAssembler,
    reads: int,
) -> WarmUp:
    """Load the models, then warm context assembly, in a daemon thread. A failed read
    is logged and ends the warm-up; the server is unaffected."""
    state = WarmUp()

    def run() -> None:
        load_models(embedder, counter, catalog, state)
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
