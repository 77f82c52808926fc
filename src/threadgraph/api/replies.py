"""Shaping a turn as the caller asked: server-sent events, or JSON once it has ended."""

from __future__ import annotations

from fastapi.responses import JSONResponse, StreamingResponse

from threadgraph.api.errors import error_body
from threadgraph.api.schemas import MessagePublic, TurnPublic
from threadgraph.api.streaming import stream_ended, stream_live
from threadgraph.models import Status, TurnStart
from threadgraph.services.chat_turns import ChatTurns
from threadgraph.services.live_replies import LiveReply


def respond_with_turn(
    turns: ChatTurns, turn: TurnStart, live: LiveReply | None, stream: bool
) -> StreamingResponse | JSONResponse:
    if stream:
        if live is None:
            return stream_ended(turn.prompt, turn.reply)
        return stream_live(live, turns.settings.sse_heartbeat_seconds)
    if live is not None:
        # Wait for the background task; the reply is written whether or not we are here.
        live.finished.wait(turns.settings.model_timeout_seconds * 2)
    reply = turns.store.get_message(turn.prompt.user_id, turn.reply.id)
    body = TurnPublic(prompt=MessagePublic.of(turn.prompt), reply=MessagePublic.of(reply))
    if reply.status is Status.FAILED:
        failure = error_body("model_error", reply.error or "the model failed")
        return JSONResponse({**failure, **body.model_dump(mode="json")}, status_code=502)
    return JSONResponse(body.model_dump(mode="json"), status_code=200)
