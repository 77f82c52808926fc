"""The largest request body a route takes, refused as it arrives (413, in the error
shape, naming the setting) rather than read whole first: by its Content-Length when it
has one, else by counting the bytes as they come. Every route takes up to
``THREADGRAPH_MAX_BODY_BYTES``; the import takes its file's own limit
(``THREADGRAPH_IMPORT_MAX_BYTES``) and room for the form around it.

FastAPI's own ``max_body_size`` answers in plain text whenever the declared length is
over (it replaces any response, ours too), hence this small middleware.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from threadgraph.api.errors import error_body

MULTIPART_ROOM = 64 * 1024  # the form's boundaries and headers around an imported file


def over_limit(limit: int) -> str:
    return (
        f"the request body is over its limit of {limit:,} bytes "
        "(THREADGRAPH_MAX_BODY_BYTES; an import: THREADGRAPH_IMPORT_MAX_BYTES)"
    )


class BodyLimit:
    def __init__(self, app: ASGIApp, default: int, per_path: dict[str, int]) -> None:
        self.app = app
        self.default = default
        self.per_path = per_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.per_path.get(scope["path"], self.default)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            answer = JSONResponse(error_body("too_large", over_limit(limit)), 413)
            await answer(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # no Content-Length, or a false one
                    raise HTTPException(413, over_limit(limit))
            return message

        await self.app(scope, counted, send)
