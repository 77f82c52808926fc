"""Server-sent events for a reply: the one place its events become JSON.

Events, each ``event: <kind>`` with a JSON ``data:`` line:
  start  {prompt, reply, local_model}   the stored prompt and the empty reply
  delta  {text}                          the next piece of the reply
  done   {status, tokens, prompt_tokens, message, reply}   the reply ended (complete /
                                         incomplete; message says why it ended early)
  error  {status, tokens, prompt_tokens, message, reply}   the model failed (message is
                                         why); the reply is kept as failed
Messages have the shape of the REST API's (``MessagePublic``). A reader who comes late
(a retried prompt id, ``GET /api/messages/{id}/stream``) reads the same events, with the
text of a reply that has ended in one ``delta``.
A reader that goes away does not stop the reply: it is written by a background task.
While nothing happens (a model that thinks before its first token, a write that retries
while Neo4j is away) a comment line ``: keep-alive`` goes out every few seconds, so that
proxies and clients with read timeouts do not hang up; SSE readers ignore comments.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

from fastapi.responses import StreamingResponse

from threadgraph.api.schemas import message_json
from threadgraph.services.live_replies import LiveReply
from threadgraph.services.reply_events import (
    Delta,
    Failed,
    Outcome,
    ReplyEvent,
    Started,
    is_terminal,
)

KEEP_ALIVE = ": keep-alive\n\n"


def event_json(event: ReplyEvent) -> tuple[str, dict[str, Any]]:
    """An event's SSE name and JSON body."""
    if isinstance(event, Started):
        return "start", {
            "prompt": message_json(event.prompt),
            "reply": message_json(event.reply),
            "local_model": event.local_model,
        }
    if isinstance(event, Delta):
        return "delta", {"text": event.text}
    return _outcome_json(event)


def _outcome_json(event: Outcome) -> tuple[str, dict[str, Any]]:
    kind = "error" if isinstance(event, Failed) else "done"
    return kind, {
        "status": event.status.value,
        "tokens": event.tokens,
        "prompt_tokens": event.prompt_tokens,
        "message": event.message,
        "reply": message_json(event.reply) if event.reply is not None else None,
    }


def sse(event: ReplyEvent) -> str:
    kind, data = event_json(event)
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def stream_reply(
    source: LiveReply | Sequence[ReplyEvent] | AsyncIterator[ReplyEvent | None],
    heartbeat_seconds: float,
) -> StreamingResponse:
    """A reply as server-sent events: live (what was published so far, then each new
    event as it comes), followed from the store as another replica writes it (None is
    a quiet spell), or, for a reply that has ended, its replayed events."""
    if isinstance(source, LiveReply):
        return _response(_sse(follow_events(source, heartbeat_seconds)))
    if isinstance(source, Sequence):
        return _response(_replay(source))
    return _response(_sse(source))


async def follow_events(
    live: LiveReply, heartbeat_seconds: float
) -> AsyncIterator[ReplyEvent | None]:
    """A live reply's events, from the first; None after ``heartbeat_seconds`` of quiet."""
    backlog, queue = live.subscribe()
    try:
        for event in backlog:
            yield event
            if is_terminal(event):
                return
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), heartbeat_seconds)
            except TimeoutError:
                yield None
                continue
            yield event
            if is_terminal(event):
                return
    finally:
        live.unsubscribe(queue)


async def _sse(events: AsyncIterator[ReplyEvent | None]) -> AsyncIterator[str]:
    async for event in events:
        yield KEEP_ALIVE if event is None else sse(event)


async def _replay(events: Sequence[ReplyEvent]) -> AsyncIterator[str]:
    for event in events:
        yield sse(event)


def _response(events: AsyncIterator[str]) -> StreamingResponse:
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
