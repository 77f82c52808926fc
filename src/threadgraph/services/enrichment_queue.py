"""Enrichment off the reply's thread, and out of the way of turns starting.

A finished reply's topics and title (``services/enrichment.py``) are work no one waits
on, but they take the same two cores as the next turn's prompt write, embedding and
memory query: run inline after each reply, they slowed the call after it (a profile of
back-to-back /v1 calls had topic extraction busy about 40% of the time). Here one worker
thread does them in order, starting a round only once no reply has started for
``QUIET_SECONDS`` (or after ``PATIENCE_SECONDS``, so a busy server still gets its topics),
and taking every exchange waiting at that moment.
"""

from __future__ import annotations

import logging
import queue
import threading
import time

from threadgraph.services.enrichment import FinishedExchange, ReplyEnrichment
from threadgraph.services.live_replies import LiveReplies

log = logging.getLogger(__name__)

QUIET_SECONDS = 0.25
PATIENCE_SECONDS = 3.0
# On shutdown, what is still queued gets this long; the rest is left (topics are a bonus,
# and a title can be asked for again by renaming).
DRAIN_SECONDS = 5.0


class EnrichmentQueue:
    def __init__(self, enrichment: ReplyEnrichment, live: LiveReplies) -> None:
        self.enrichment = enrichment
        self.live = live
        self._waiting: queue.SimpleQueue[FinishedExchange | None] = queue.SimpleQueue()
        self._closing = threading.Event()
        self._pending = 0  # queued or being enriched
        self._settled = threading.Condition()
        self._worker = threading.Thread(target=self._run, name="enrichment", daemon=True)
        self._worker.start()

    def after_reply(self, done: FinishedExchange) -> None:
        """Queue a complete exchange's topics (and title, after a chat's first one)."""
        with self._settled:
            self._pending += 1
        self._waiting.put(done)

    def wait_until_done(self, timeout: float) -> bool:
        """Whether every exchange queued so far was enriched within ``timeout`` seconds
        (for whoever must see the graph settled: a test counting nodes, a shutdown)."""
        with self._settled:
            return self._settled.wait_for(lambda: self._pending == 0, timeout)

    def close(self) -> None:
        self._closing.set()
        self._waiting.put(None)
        self._worker.join(timeout=DRAIN_SECONDS)

    def _run(self) -> None:
        while True:
            first = self._waiting.get()
            if first is None:
                return
            self._wait_for_a_lull()
            batch: list[FinishedExchange | None] = [first]
            while not self._waiting.empty():
                batch.append(self._waiting.get())
            for exchange in batch:
                if exchange is None:
                    return
                self._enrich(exchange)

    def _wait_for_a_lull(self) -> None:
        deadline = time.monotonic() + PATIENCE_SECONDS
        while not self._closing.is_set() and time.monotonic() < deadline:
            quiet_for = self.live.seconds_since_last_start()
            if quiet_for >= QUIET_SECONDS:
                return
            self._closing.wait(QUIET_SECONDS - quiet_for)

    def _enrich(self, e: FinishedExchange) -> None:
        try:
            self.enrichment.after_reply(e)
        except Exception:  # the worker must outlive any one failure
            log.exception("enriching reply %s failed", e.reply_id)
        finally:
            with self._settled:
                self._pending -= 1
                self._settled.notify_all()
