"""Keeping this process's replies leased, and ending the replies of dead processes.

Every ``interval`` seconds one write renews the leases of the replies this process is
writing (store/leases.py), saves the text each has streamed since the last round (their
checkpoints: 200 replies streaming cost one write a round, not 200 a second), and hands
back the ones to stop: a stop asked on another
replica, or a reply another replica has ended. Every half lease, replies whose lease has
run out (their writer died) are marked ``incomplete`` with the text they have. Several
replicas may do this at once: each reply is ended once, by whichever comes first.
"""

from __future__ import annotations

import logging
import threading
import time

from threadgraph.errors import ThreadgraphError
from threadgraph.services.live_replies import LiveReplies
from threadgraph.store import Neo4jStore

log = logging.getLogger(__name__)


class LeaseKeeper:
    def __init__(self, store: Neo4jStore, live: LiveReplies, checkpoint_seconds: float) -> None:
        self.store = store
        self.live = live
        lease = store.lease.seconds
        # Renewals a few times per lease, so one slow write does not lose it; at least once
        # a second, which is also how soon a stop asked elsewhere arrives; and as often as
        # replies are checkpointed, so a checkpoint waits at most that long.
        self.interval = min(1.0, lease / 5, checkpoint_seconds)
        self.sweep_every = lease / 2
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        # The starting server has just swept (wiring.prepare): the first round waits.
        self._next_sweep = time.monotonic() + self.sweep_every

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="reply-leases", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def tick(self) -> None:
        """One round: renew, pass stops on, and (when due) end the dead's replies."""
        writing = self.live.all()
        if writing:
            texts = {live.reply_id: text for live in writing if (text := live.take_unsaved())}
            for reply_id in self.store.renew_leases([live.reply_id for live in writing], texts):
                live = self.live.get(reply_id)
                if live is not None:
                    live.stop_requested.set()
        if time.monotonic() >= self._next_sweep:
            self._next_sweep = time.monotonic() + self.sweep_every
            marked = self.store.mark_interrupted_replies()
            if marked:
                log.warning("marked %d reply(ies) whose writer stopped as incomplete", marked)

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            try:
                self.tick()
            except ThreadgraphError as error:  # Neo4j away: the next round tries again
                log.warning("renewing reply leases failed: %s", error.message)
            except Exception:  # the keeper must outlive any one failure
                log.exception("renewing reply leases failed")
