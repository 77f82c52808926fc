"""A reply's text saved as it is written, and its end: written once, retried while Neo4j
is away, and told to its readers as it is stored.

The end a reader is told is the stored one. Usually that is the end just written; when
another replica had already ended the reply (its writer's lease ran out while this
process was cut off from Neo4j), it is that replica's end, which is also what every
reader finds from then on (services/reply_leases.py).
"""

from __future__ import annotations

import contextlib
import logging
import time

from threadgraph.errors import ThreadgraphError
from threadgraph.models import Message, ReplyEnd, Status
from threadgraph.services.reply_events import ReplyEvent, outcome
from threadgraph.store import Neo4jStore

log = logging.getLogger(__name__)

ATTEMPTS = 5  # 0.5 s, then twice as long each time: about 15 s in all


class ReplyEnds:
    def __init__(self, store: Neo4jStore) -> None:
        self.store = store

    def checkpoint(self, reply_id: str, text: str) -> bool:
        """Save the text so far; True when the reply should stop."""
        try:
            return self.store.checkpoint_reply(reply_id, text)
        except ThreadgraphError as error:  # the end write will try again
            log.warning("checkpoint of reply %s failed: %s", reply_id, error.message)
            return False

    def write(self, reply_id: str, end: ReplyEnd) -> Message | None:
        """The reply as ended; None when it had already ended, or could not be written
        (the lease keeper of a live replica then ends it as ``incomplete``)."""
        for attempt in range(ATTEMPTS):
            try:
                return self.store.finish_reply(reply_id, end)
            except ThreadgraphError as error:
                log.warning("writing the end of reply %s failed: %s", reply_id, error.message)
                time.sleep(0.5 * 2**attempt)
        log.error("reply %s could not be saved; it will be marked incomplete", reply_id)
        return None

    def told(
        self, user_id: str, reply_id: str, end: ReplyEnd, written: Message | None
    ) -> ReplyEvent:
        """The end to tell the reply's readers (``written``: what ``write`` returned)."""
        told = written
        if written is None:
            with contextlib.suppress(ThreadgraphError):  # Neo4j away: the end computed here
                stored = self.store.get_message(user_id, reply_id)
                told = stored if stored.status is not Status.STREAMING else None
        if told is None:
            return outcome(end.status, end.tokens, end.prompt_tokens, end.error, None)
        return outcome(told.status, told.tokens, told.prompt_tokens, told.error, told)
