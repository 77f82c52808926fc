"""Health: is the process alive, is it ready to serve turns, and what it is connected to.

- ``GET /health/live``: 200 as soon as the process answers (a liveness probe; it never
  touches Neo4j or the models, so a slow database does not get the process restarted).
- ``GET /health/ready``: 200 once the models a turn needs are loaded and Neo4j answers,
  else 503 with the reason (a readiness probe: send no traffic before it says yes).
- ``GET /health``: the details (Neo4j, schema version, models, which instance answered,
  how people sign in), 200 when ready, else 503. With accounts, only to a signed-in
  caller: anyone else gets the status and how people sign in alone (``{"status": "ok",
  "auth": "accounts"}``: the page needs it to show its sign-in form), with the same code;
  versions, the instance and the database's address tell an outsider what to attack.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from threadgraph import __version__
from threadgraph.api.deps import ServicesDep, SettingsDep, StoreDep, WarmUpDep, get_caller
from threadgraph.config import Settings
from threadgraph.errors import ThreadgraphError
from threadgraph.services.warm_up import WarmUp
from threadgraph.store import Neo4jStore
from threadgraph.wiring import Services

router = APIRouter(tags=["health"])


class Neo4jHealth(BaseModel):
    connected: bool
    uri: str
    database: str
    server: str | None = None
    schema_version: int | None = None
    error: str | None = None


class ModelsHealth(BaseModel):
    loaded: bool
    names: list[str]
    seconds: float | None = None
    error: str | None = None


class Health(BaseModel):
    status: str  # "ok", "starting" (models loading) or "degraded" (something is down)
    version: str
    # Which process answered: the owner written on the replies it streams (one per
    # replica or worker; THREADGRAPH_INSTANCE_ID, else random at each start).
    instance: str
    neo4j: Neo4jHealth
    models: ModelsHealth
    # How people sign in (THREADGRAPH_AUTH): "local" (nobody: the one local user) or
    # "accounts" (the web page shows its sign-in form until /api/account answers).
    auth: Literal["local", "accounts"]


class HealthStatus(BaseModel):
    """/health to a caller who is not signed in (accounts mode): the status, and how
    people sign in (the page shows its sign-in form from it)."""

    status: str
    auth: Literal["local", "accounts"]


class Liveness(BaseModel):
    status: str


class Readiness(BaseModel):
    ready: bool
    reason: str | None = None


def _neo4j(store: Neo4jStore, settings: Settings) -> Neo4jHealth:
    neo4j = Neo4jHealth(
        connected=False, uri=settings.effective_neo4j_uri, database=settings.neo4j_database
    )
    try:
        neo4j.server = store.ping()
        neo4j.schema_version = store.schema_version()
        neo4j.connected = True
    except ThreadgraphError as error:
        neo4j.error = error.message
    return neo4j


def _models(state: WarmUp) -> ModelsHealth:
    return ModelsHealth(
        loaded=state.ready,
        names=list(state.models_loaded),
        seconds=None if state.models_seconds is None else round(state.models_seconds, 2),
        error=state.models_error,
    )


def _models_problem(models: ModelsHealth) -> str | None:
    if models.error:
        return f"a model could not be loaded: {models.error}"
    if not models.loaded:
        return "the models are still loading"
    return None


@router.get(
    "/health",
    response_model=Health | HealthStatus,
    responses={503: {"model": Health | HealthStatus}},
)
def health(
    request: Request, warm_up: WarmUpDep, store: StoreDep, services: ServicesDep
) -> JSONResponse:
    settings = services.settings
    neo4j = _neo4j(store, settings)
    models = _models(warm_up)
    if not neo4j.connected or models.error:
        status = "degraded"
    elif not models.loaded:
        status = "starting"
    else:
        status = "ok"
    code = 200 if status == "ok" else 503
    if not _signed_in(request, services):
        return JSONResponse(
            HealthStatus(status=status, auth=settings.auth).model_dump(), status_code=code
        )
    body = Health(
        status=status,
        version=__version__,
        instance=store.lease.owner,
        neo4j=neo4j,
        models=models,
        auth=settings.auth,
    )
    return JSONResponse(body.model_dump(), status_code=code)


def _signed_in(request: Request, services: Services) -> bool:
    """Whether the caller may see the details: always in local mode; with accounts, a
    caller whose key or session is good (as ``get_caller`` decides for every route)."""
    if not services.settings.accounts:
        return True
    try:
        get_caller(request, services)
    except ThreadgraphError:  # no key, a wrong one, or over its rate
        return False
    return True


@router.get("/health/live", response_model=Liveness)
def live() -> Liveness:
    return Liveness(status="alive")


@router.get("/health/ready", response_model=Readiness, responses={503: {"model": Readiness}})
def ready(warm_up: WarmUpDep, store: StoreDep, settings: SettingsDep) -> JSONResponse:
    reason = _models_problem(_models(warm_up))
    if reason is None:  # while the models load there is no need to ask Neo4j anything
        neo4j = _neo4j(store, settings)
        if not neo4j.connected:
            reason = f"Neo4j is unreachable: {neo4j.error}"
    body = Readiness(ready=reason is None, reason=reason)
    return JSONResponse(body.model_dump(), status_code=200 if reason is None else 503)
