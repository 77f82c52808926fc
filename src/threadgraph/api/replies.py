"""Shaping a turn as the caller asked: server-sent events, or JSON once it has ended."""

from __future__ import annotations

from fastapi.responses import JSONResponse, StreamingResponse

from threadgraph.api.errors import error_body
from threadgraph.api.schemas import MessagePublic, TurnPublic
from threadgraph.api.streaming import stream_reply
from threadgraph.config import Settings
from threadgraph.models import Status, TurnStart
from threadgraph.services.chat_turns import ChatTurns
from threadgraph.services.live_replies import LiveReply


def respond_with_turn(
    turns: ChatTurns, settings: Settings, turn: TurnStart, live: LiveReply | None, stream: bool
) -> StreamingResponse | JSONResponse:
    if stream:
        source = live if live is not None else turns.replay(turn.prompt, turn.reply)
        return stream_reply(source, settings.sse_heartbeat_seconds)
    reply = turns.wait_for_reply(turn, live)
    body = TurnPublic(prompt=MessagePublic.of(turn.prompt), reply=MessagePublic.of(reply))
    if reply.status is Status.FAILED:
        failure = error_body("model_error", reply.error or "the model failed")
        return JSONResponse({**failure, **body.model_dump(mode="json")}, status_code=502)
    return JSONResponse(body.model_dump(mode="json"), status_code=200)
