"""/v1: an OpenAI-compatible endpoint that records every call into the graph and answers
with memory. Point any OpenAI client's base URL at ``http://host:8000/v1``.

``POST /v1/chat/completions`` (streamed as OpenAI's ``chat.completion.chunk`` events
ending with ``data: [DONE]``, or whole) and ``GET /v1/models``. Errors have OpenAI's shape,
``{"error": {"message", "type", "param", "code"}}``. threadgraph's own options: the
headers ``X-Threadgraph-Chat: <chat id>`` (record into this chat) and
``X-Threadgraph-Memory: off``, or the same in the body as ``"threadgraph": {"chat_id":
..., "memory": false}``. Responses say where the turn went in ``X-Threadgraph-Chat`` and
``X-Threadgraph-Reply``.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from threadgraph.api.deps import CatalogDep, ClientHistoryDep, SettingsDep, TurnsDep, UserIdDep
from threadgraph.api.errors import status_for
from threadgraph.api.streaming import KEEP_ALIVE, follow_events
from threadgraph.config import Settings
from threadgraph.errors import RateLimited, ThreadgraphError
from threadgraph.models import Message, Status
from threadgraph.services.live_replies import LiveReply
from threadgraph.services.reply_events import Delta, Failed, Outcome, ReplyEvent, Started

router = APIRouter(prefix="/v1", tags=["openai-compatible"])

ERROR_TYPES = {
    400: "invalid_request_error",
    404: "not_found_error",
    409: "conflict_error",
    429: "rate_limit_error",
}


class ChatMessageIn(BaseModel):
    model_config = ConfigDict(extra="allow")  # name, tool_calls...: accepted, not used
    role: str = Field(json_schema_extra={"enum": ["system", "user", "assistant"]})
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):  # content parts: the text ones, in order
            return "".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class ThreadgraphOptions(BaseModel):
    chat_id: str | None = None
    memory: bool = True


class ChatCompletionRequest(BaseModel):
    # OpenAI clients send many sampling fields (temperature, top_p, n, user...): accepted.
    model_config = ConfigDict(extra="allow")
    model: str = Field(description="A model from GET /v1/models")
    messages: list[ChatMessageIn] = Field(
        description="At least one; the last is the user's (it is what gets answered)",
        json_schema_extra={"minItems": 1},
    )
    stream: bool = False
    stream_options: dict[str, Any] | None = None
    threadgraph: ThreadgraphOptions = Field(default_factory=ThreadgraphOptions)


@router.get("/models")
def list_models(catalog: CatalogDep) -> dict[str, Any]:
    models, _ = catalog.list_models()
    return {
        "object": "list",
        "data": [
            {"id": m.id, "object": "model", "created": 0, "owned_by": m.provider} for m in models
        ],
    }


@router.post("/chat/completions", response_model=None)
def chat_completions(
    body: ChatCompletionRequest,
    history: ClientHistoryDep,
    turns: TurnsDep,
    settings: SettingsDep,
    user_id: UserIdDep,
    x_threadgraph_chat: str | None = Header(default=None),
    x_threadgraph_memory: str | None = Header(default=None),
) -> StreamingResponse | JSONResponse:
    """Record the call as a turn (continuing, branching or starting a chat) and answer it."""
    memory = body.threadgraph.memory and (x_threadgraph_memory or "").lower() not in ("off", "0")
    try:
        sent = history.send(
            user_id,
            [(m.role, m.text()) for m in body.messages],
            body.model,
            chat_id=x_threadgraph_chat or body.threadgraph.chat_id,
            memory=memory,
        )
    except ThreadgraphError as error:
        # Too many replies at once: say when to try again, as every 429 does.
        wait = {"Retry-After": str(error.retry_after)} if isinstance(error, RateLimited) else None
        return openai_error(status_for(error), error.message, error.code, wait)
    reply = sent.turn.reply
    headers = {"X-Threadgraph-Chat": reply.chat_id, "X-Threadgraph-Reply": reply.id}
    usage = bool((body.stream_options or {}).get("include_usage"))
    if body.stream:
        source = sent.live if sent.live is not None else turns.replay(sent.turn.prompt, reply)
        chunks = _chunks(source, body.model, settings.sse_heartbeat_seconds, usage, settings)
        return StreamingResponse(
            chunks,
            media_type="text/event-stream",
            headers={**headers, "Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    ended = turns.wait_for_reply(sent.turn, sent.live)
    if ended.status is Status.FAILED:
        return openai_error(502, ended.error or "the model failed", "model_error", headers)
    return JSONResponse(_completion(ended, body.model, settings.max_reply_tokens), headers=headers)


def openai_error(
    status: int, message: str, code: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    kind = ERROR_TYPES.get(status, "api_error")
    body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return JSONResponse(body, status_code=status, headers=headers)


def _finish_reason(reply: Message, max_reply_tokens: int) -> str:
    return "length" if (reply.tokens or 0) >= max_reply_tokens else "stop"


def _usage(reply: Message) -> dict[str, int]:
    prompt, completion = reply.prompt_tokens or 0, reply.tokens or 0
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _completion(reply: Message, model: str, max_reply_tokens: int) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{reply.id}",
        "object": "chat.completion",
        "created": int(reply.created_at.timestamp()),
        "model": reply.model or model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content},
                "finish_reason": _finish_reason(reply, max_reply_tokens),
            }
        ],
        "usage": _usage(reply),
    }


async def _chunks(
    source: LiveReply | Sequence[ReplyEvent],
    model: str,
    heartbeat_seconds: float,
    include_usage: bool,
    settings: Settings,
) -> AsyncIterator[str]:
    """A reply's events as OpenAI's chunks: the role first, the text as it comes, then
    the finish reason (and usage when asked), then ``[DONE]``."""
    created = int(time.time())
    head: dict[str, Any] = {"object": "chat.completion.chunk", "created": created, "model": model}
    async for event in _events(source, heartbeat_seconds):
        if event is None:
            yield KEEP_ALIVE
        elif isinstance(event, Started):
            head["id"] = f"chatcmpl-{event.reply.id}"
            yield _data({**head, "choices": [_choice({"role": "assistant", "content": ""})]})
        elif isinstance(event, Delta):
            yield _data({**head, "choices": [_choice({"content": event.text})]})
        elif isinstance(event, Failed):
            failure = {"message": event.message or "the model failed", "type": "api_error"}
            yield _data({"error": {**failure, "param": None, "code": "model_error"}})
        elif isinstance(event, Outcome) and event.reply is not None:
            reason = _finish_reason(event.reply, settings.max_reply_tokens)
            yield _data({**head, "choices": [_choice({}, reason)]})
            if include_usage:
                yield _data({**head, "choices": [], "usage": _usage(event.reply)})
    yield "data: [DONE]\n\n"


async def _events(
    source: LiveReply | Sequence[ReplyEvent], heartbeat_seconds: float
) -> AsyncIterator[ReplyEvent | None]:
    if isinstance(source, LiveReply):
        async for event in follow_events(source, heartbeat_seconds):
            yield event
    else:
        for event in source:
            yield event


def _choice(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
    return {"index": 0, "delta": delta, "finish_reason": finish_reason}


def _data(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"
