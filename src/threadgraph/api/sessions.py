"""Web sign-in (accounts mode): ``POST /api/session`` with a login and password sets the
session cookie; ``DELETE /api/session`` signs out.

The session is a key of the person's (listed with their keys as "web sign-in", revocable
there: sign out elsewhere), carried in an HttpOnly, SameSite=Lax cookie (Secure when the
request came over HTTPS), never in anything a script can read. Writes authenticated by
the cookie must also send the ``X-CSRF-Token`` header equal to the ``tg_csrf`` cookie
(double submit; ``api/deps.get_caller`` checks it): another site can make a browser send
the cookie, but cannot read ``tg_csrf`` to copy it into a header.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Request, Response

from threadgraph.api.accounts import AccountPublic
from threadgraph.api.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    AccountsDep,
    KeysDep,
    PersonDep,
    get_caller,
)
from threadgraph.api.schemas import RequestBody

router = APIRouter(prefix="/api/session", tags=["accounts"])

SESSION_DAYS = 14


class SignIn(RequestBody):
    login: str
    password: str


@router.post("", response_model=AccountPublic)
def sign_in(
    body: SignIn, request: Request, response: Response, accounts: AccountsDep, keys: KeysDep
) -> AccountPublic:
    client = request.client.host if request.client else ""
    person = accounts.sign_in(body.login, body.password, client)
    _, token = keys.create(person.id, "web sign-in", SESSION_DAYS)
    secure = request.url.scheme == "https"
    age = SESSION_DAYS * 86400
    response.set_cookie(
        SESSION_COOKIE, token, max_age=age, httponly=True, samesite="lax", secure=secure
    )
    response.set_cookie(
        CSRF_COOKIE, secrets.token_urlsafe(32), max_age=age, samesite="lax", secure=secure
    )
    return AccountPublic.of(person)


@router.delete("", status_code=204, dependencies=[Depends(get_caller)])
def sign_out(person: PersonDep, keys: KeysDep) -> Response:
    """Sign out: the session's key is revoked and the cookies are cleared."""
    if person.key_id is not None:
        keys.revoke(person.user_id, person.key_id)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response
