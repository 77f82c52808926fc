"""GET /api/export: one chat or the caller's whole history as a graph file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from threadgraph.api.deps import StoreDep, UserIdDep
from threadgraph.api.schemas import UUID
from threadgraph.errors import InvalidInput
from threadgraph.services.export import FORMATS, MEDIA_TYPES, SCOPES, Exporter

router = APIRouter(prefix="/api", tags=["export"])

SCOPE = {"enum": list(SCOPES)}
EXTENSIONS = {"graphml": "graphml", "gexf": "gexf", "json": "json", "cypher": "cypher"}


@router.get(
    "/export",
    response_class=Response,
    responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()}}},
)
def export(
    store: StoreDep,
    user_id: UserIdDep,
    scope: Annotated[str, Query(description="chat, topic or all", json_schema_extra=SCOPE)] = "all",
    id: Annotated[
        str | None,
        Query(description="the chat's or topic's id (scope chat or topic)", json_schema_extra=UUID),
    ] = None,
    format: Annotated[str, Query(json_schema_extra={"enum": list(FORMATS)})] = "json",
    embeddings: bool = False,
) -> Response:
    if format not in FORMATS:
        raise InvalidInput(f"format must be one of {', '.join(FORMATS)}")
    if scope == "all":
        # The whole history: an id names nothing, and must not reach the file's name (a
        # header: any text there could break it). A chat's or topic's id that got past
        # the lookup below is a stored UUID.
        id = None
    exporter = Exporter(store)
    body = exporter.render(exporter.graph(user_id, scope, id, embeddings), format)
    name = f"threadgraph-{scope}{'-' + id if id else ''}.{EXTENSIONS[format]}"
    return Response(
        content=body,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
