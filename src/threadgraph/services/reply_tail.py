"""Following a reply that another replica is writing, by reading it from Neo4j.

The writer checkpoints the text as it streams (every ``checkpoint_seconds``) and writes
the end once. A reader on any other replica re-reads the stored reply every
``poll_seconds`` and sends what was added, then how it ended: the same events a reader
on the writer's replica gets, in pieces of a checkpoint instead of a token. Nothing but
Neo4j is shared, so one process needs nothing new to install.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

from threadgraph.errors import Unavailable
from threadgraph.models import Message, Status
from threadgraph.services.reply_events import Delta, ReplyEvent, Started, outcome


async def tail(
    read: Callable[[], Message],
    started: Started,
    poll_seconds: float,
    heartbeat_seconds: float,
) -> AsyncIterator[ReplyEvent | None]:
    """The reply's events from its start; None after ``heartbeat_seconds`` of quiet."""
    yield started
    sent = ""
    quiet_since = time.monotonic()
    while True:
        try:
            reply = await asyncio.to_thread(read)
        except Unavailable:  # Neo4j away for a moment: keep the reader, try again
            reply = None
        if reply is not None:
            # The stored text only grows while the reply streams, and the end keeps it.
            if len(reply.content) > len(sent) and reply.content.startswith(sent):
                yield Delta(reply.content[len(sent) :])
                sent, quiet_since = reply.content, time.monotonic()
            if reply.status is not Status.STREAMING:
                yield outcome(reply.status, reply.tokens, reply.prompt_tokens, reply.error, reply)
                return
        if time.monotonic() - quiet_since >= heartbeat_seconds:
            yield None
            quiet_since = time.monotonic()
        await asyncio.sleep(poll_seconds)
