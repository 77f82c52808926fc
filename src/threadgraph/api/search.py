"""GET /api/search: all of the caller's chats, by words and by meaning."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from threadgraph.api.deps import SearchDep, UserIdDep
from threadgraph.api.schemas import NON_BLANK, MessagePublic
from threadgraph.models import Role
from threadgraph.services.search import MAX_QUERY_CHARS

router = APIRouter(prefix="/api", tags=["search"])


class SearchHitPublic(BaseModel):
    message: MessagePublic
    chat_id: str
    chat_title: str
    on_active_branch: bool = Field(description="Whether the chat's HEAD branch passes here")
    score: float = Field(description="Reciprocal-rank fusion of keyword and semantic ranks")
    ranks: dict[str, int] = Field(description="Rank per method (keyword, vector), 1 = best")
    snippet: str
    highlights: list[tuple[int, int]] = Field(
        description="[start, end) character ranges of matched words in the snippet"
    )


class SearchResults(BaseModel):
    query: str
    hits: list[SearchHitPublic]


@router.get("/search", response_model=SearchResults)
def search(
    user_id: UserIdDep,
    service: SearchDep,
    q: Annotated[
        str,
        Query(
            description="Words or a question",
            json_schema_extra={"pattern": NON_BLANK, "maxLength": MAX_QUERY_CHARS},
        ),
    ],
    chat_id: str | None = None,
    role: str | None = Query(
        default=None,
        description="system, user or assistant",
        json_schema_extra={"enum": [r.value for r in Role]},
    ),
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = Query(default=20, ge=1, le=100),
) -> SearchResults:
    results = service.search(user_id, q, limit, chat_id, role, since, until)
    return SearchResults(
        query=q,
        hits=[
            SearchHitPublic(
                message=MessagePublic.of(r.hit.message),
                chat_id=r.hit.message.chat_id,
                chat_title=r.hit.chat_title,
                on_active_branch=r.hit.on_active_branch,
                score=r.score,
                ranks=r.ranks,
                snippet=r.snippet,
                highlights=r.highlights,
            )
            for r in results
        ],
    )
