"""GET /health: is Neo4j reachable, which schema version is applied."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from threadgraph import __version__
from threadgraph.api.deps import SettingsDep, StoreDep
from threadgraph.errors import ThreadgraphError

router = APIRouter(tags=["health"])


class Neo4jHealth(BaseModel):
    connected: bool
    uri: str
    database: str
    server: str | None = None
    schema_version: int | None = None
    error: str | None = None


class Health(BaseModel):
    status: str
    version: str
    neo4j: Neo4jHealth


@router.get("/health", response_model=Health)
def health(store: StoreDep, settings: SettingsDep) -> JSONResponse:
    neo4j = Neo4jHealth(
        connected=False, uri=settings.effective_neo4j_uri, database=settings.neo4j_database
    )
    try:
        neo4j.server = store.ping()
        neo4j.schema_version = store.schema_version()
        neo4j.connected = True
    except ThreadgraphError as error:
        neo4j.error = error.message
    body = Health(status="ok" if neo4j.connected else "degraded", version=__version__, neo4j=neo4j)
    return JSONResponse(body.model_dump(), status_code=200 if neo4j.connected else 503)
