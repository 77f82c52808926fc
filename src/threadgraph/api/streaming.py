"""Server-sent events for a reply being written.

Events, each ``event: <kind>`` with a JSON ``data:`` line:
  start  {prompt, reply, local_model}   the stored prompt and the empty reply
  delta  {text}                          the next piece of the reply
  done   {status, tokens, prompt_tokens, reply}   the reply ended (complete / incomplete)
  error  {message, reply}                the model failed; the reply is kept as failed
A reader that goes away does not stop the reply: it is written by a background task.
While nothing happens (a model that thinks before its first token, a write that retries
while Neo4j is away) a comment line ``: keep-alive`` goes out every few seconds, so that
proxies and clients with read timeouts do not hang up; SSE readers ignore comments.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi.responses import StreamingResponse

from threadgraph.models import Message, Status
from threadgraph.services.chat_turns import message_json
from threadgraph.services.live_replies import LiveReply


def sse(kind: str, data: dict[str, Any]) -> str:
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


KEEP_ALIVE = ": keep-alive\n\n"


def stream_live(live: LiveReply, heartbeat_seconds: float) -> StreamingResponse:
    async def events() -> AsyncIterator[str]:
        backlog, queue = live.subscribe()
        try:
            for event in backlog:
                yield sse(event.kind, event.data)
                if event.terminal:
                    return
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), heartbeat_seconds)
                except TimeoutError:
                    yield KEEP_ALIVE
                    continue
                yield sse(event.kind, event.data)
                if event.terminal:
                    return
        finally:
            live.unsubscribe(queue)

    return _response(events())


def stream_ended(prompt: Message | None, reply: Message) -> StreamingResponse:
    """The events of a reply that has already ended (a retried prompt id, a re-attach)."""

    async def events() -> AsyncIterator[str]:
        if prompt is not None:
            yield sse("start", {"prompt": message_json(prompt), "reply": message_json(reply)})
        if reply.content:
            yield sse("delta", {"text": reply.content})
        yield sse(*_end_event(reply))

    return _response(events())


def _end_event(reply: Message) -> tuple[str, dict[str, Any]]:
    kind = "error" if reply.status is Status.FAILED else "done"
    return kind, {
        "status": reply.status.value,
        "tokens": reply.tokens,
        "prompt_tokens": reply.prompt_tokens,
        "message": reply.error,
        "reply": message_json(reply),
    }


def _response(events: AsyncIterator[str]) -> StreamingResponse:
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
