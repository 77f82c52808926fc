"""FastAPI dependencies: one alias per service of the process (``app.state.services``,
made by ``wiring.build_services``), and the caller (:func:`get_caller`, the one place
that decides who a request acts as).

Routers take the services they use from here, never one service from inside another.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from threadgraph.config import Settings
from threadgraph.errors import Forbidden, InvalidInput, Unauthorized
from threadgraph.llm.catalog import ModelCatalog
from threadgraph.models import AccountRole, Caller
from threadgraph.ports import Embedder
from threadgraph.services.accounts import Accounts
from threadgraph.services.api_keys import KeyRing
from threadgraph.services.chat_turns import ChatTurns
from threadgraph.services.client_history import ClientHistory
from threadgraph.services.context import ContextAssembler
from threadgraph.services.search import Search
from threadgraph.services.warm_up import WarmUp
from threadgraph.store import Neo4jStore
from threadgraph.wiring import Services


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def _service(name: str) -> Callable[[Services], object]:
    """A dependency giving one service of the process (the alias below types it)."""

    def get(services: ServicesDep) -> object:
        return getattr(services, name)

    get.__name__ = f"get_{name}"
    return get


StoreDep = Annotated[Neo4jStore, Depends(_service("store"))]
SettingsDep = Annotated[Settings, Depends(_service("settings"))]
TurnsDep = Annotated[ChatTurns, Depends(_service("turns"))]
SearchDep = Annotated[Search, Depends(_service("search"))]
EmbedderDep = Annotated[Embedder, Depends(_service("embedder"))]
CatalogDep = Annotated[ModelCatalog, Depends(_service("catalog"))]
AssemblerDep = Annotated[ContextAssembler, Depends(_service("assembler"))]
WarmUpDep = Annotated[WarmUp, Depends(_service("warm_up"))]
ClientHistoryDep = Annotated[ClientHistory, Depends(_service("client_history"))]


AccountsDep = Annotated[Accounts, Depends(_service("accounts"))]
KeysDep = Annotated[KeyRing, Depends(_service("keys"))]


SESSION_COOKIE = "tg_session"
CSRF_COOKIE = "tg_csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_caller(request: Request, services: ServicesDep) -> Caller:
    """Who the request acts as: the one place that decides it.

    Local mode: the one local user made at startup, no sign-in. Accounts mode: the person
    whose API key is in ``Authorization: Bearer <key>``, or whose web session is in the
    session cookie (``api/sessions.py``; a write must then carry the CSRF header);
    anything else is 401. Every /api and /v1 route depends on this (``app.py``).
    """
    settings = services.settings
    if not settings.accounts:
        return Caller(settings.local_user_id, AccountRole.ADMIN)
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        key = credentials.strip()
    elif session := request.cookies.get(SESSION_COOKIE):
        _check_csrf(request)
        key = session
    else:
        raise Unauthorized("sign in: send Authorization: Bearer <your API key>")
    caller = services.keys.caller(key)
    services.limiter.take(caller.key_id or caller.user_id)
    return caller


def _check_csrf(request: Request) -> None:
    """A write signed in by cookie must echo the CSRF cookie in X-CSRF-Token."""
    if request.method in SAFE_METHODS:
        return
    expected = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get("x-csrf-token", "")
    if not expected or not secrets.compare_digest(expected.encode(), sent.encode()):
        raise Forbidden("a write signed in by cookie needs the X-CSRF-Token header")


CallerDep = Annotated[Caller, Depends(get_caller)]


def get_user_id(caller: CallerDep) -> str:
    return caller.user_id


UserIdDep = Annotated[str, Depends(get_user_id)]


def get_person(caller: CallerDep, settings: SettingsDep) -> Caller:
    """A person with an account (routes about one's account and keys)."""
    if not settings.accounts:
        raise InvalidInput("accounts are off: the server runs in local mode (THREADGRAPH_AUTH)")
    return caller


PersonDep = Annotated[Caller, Depends(get_person)]


def get_admin(person: PersonDep) -> Caller:
    if person.role is not AccountRole.ADMIN:
        raise Forbidden("only an admin manages accounts")
    return person


AdminDep = Annotated[Caller, Depends(get_admin)]
