"""A person reads their own writes on any replica: the bookmarks of a request's writes
go back to the client, and the client's next request, wherever it lands, starts from
them (``store/request_bookmarks.py`` says why).

They travel two ways, so no client needs to change:
- a cookie, ``tg_bookmark``, which browsers send back by themselves;
- a header, ``Threadgraph-Bookmark``, in the response to any request that wrote, which
  an API client may send back as the same request header (it wins over the cookie).

The value is opaque to clients: the bookmarks, base64url-encoded. What does not decode
is ignored (it cannot name a write of this database), as is what Neo4j refuses.
Bookmarks made while a streamed answer is already on its way (a reply's end) are not
in its headers: a read right after such a stream may need a moment on another replica.
"""

from __future__ import annotations

import base64
import binascii
import re
from http.cookies import CookieError, SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from threadgraph.store.request_bookmarks import MOST_KEPT, carrying

HEADER = "Threadgraph-Bookmark"
COOKIE = "tg_bookmark"
# Replication lag is milliseconds to seconds; a bookmark older than this only names a
# write every member has long applied.
COOKIE_SECONDS = 600
_LONGEST = 4096  # characters of an encoded value; Neo4j's bookmarks are ~40 each
_BOOKMARK = re.compile(r"[\x21-\x7e]{1,512}")  # printable ASCII, no spaces


def encode(bookmarks: list[str]) -> str:
    return base64.urlsafe_b64encode("\n".join(bookmarks).encode()).decode().rstrip("=")


def decode(value: str) -> list[str]:
    """The bookmarks in ``value``, or none if it is not a value this server hands out."""
    if not value or len(value) > _LONGEST:
        return []
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        return []
    bookmarks = text.split("\n")
    if len(bookmarks) > MOST_KEPT or not all(_BOOKMARK.fullmatch(b) for b in bookmarks):
        return []
    return bookmarks


def brought(scope: Scope) -> list[str]:
    """The bookmarks a request brings: its header's, else its cookie's."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    if HEADER.lower() in headers:
        return decode(headers[HEADER.lower()].strip())
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except CookieError:  # a malformed Cookie header: no bookmark, like no cookie
        return []
    morsel = jar.get(COOKIE)
    return decode(morsel.value) if morsel is not None else []


class BookmarkPassing:
    """ASGI middleware: sets the request's bookmarks around it and hands out new ones."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with carrying(brought(scope)) as carried:

            async def sending(message: Message) -> None:
                if message["type"] == "http.response.start" and carried.made:
                    value = encode(carried.made)
                    headers = MutableHeaders(scope=message)
                    headers.append(HEADER, value)
                    secure = "; Secure" if scope.get("scheme") == "https" else ""
                    headers.append(
                        "set-cookie",
                        f"{COOKIE}={value}; Max-Age={COOKIE_SECONDS}; Path=/; HttpOnly; "
                        f"SameSite=Lax{secure}",
                    )
                await send(message)

            await self.app(scope, receive, sending)
