"""Search across all of one person's chats: words (full-text) and meaning (vectors),
merged by reciprocal-rank fusion, with snippets whose matched words are marked.

The person's text never reaches Lucene as syntax: it becomes quoted words joined by OR
(:func:`context.keyword_query`), so ``AND``, ``*``, ``~`` or a stray quote are just words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from threadgraph.errors import InvalidInput
from threadgraph.models import Role, SearchHit
from threadgraph.ports import Embedder
from threadgraph.services.context import keyword_query
from threadgraph.services.fusion import fuse_ranked
from threadgraph.store import Neo4jStore

MAX_QUERY_CHARS = 1000
SNIPPET_CHARS = 200
SEMANTIC_FLOOR = 0.3  # below this, a "semantic" hit is noise
# Reciprocal-rank fusion of the two methods, equal weights; keyword first, so a message
# found both ways shows its keyword hit.
SEARCH_WEIGHTS = {"keyword": 1.0, "vector": 1.0}


@dataclass(frozen=True)
class SearchResult:
    hit: SearchHit
    score: float
    ranks: dict[str, int]
    snippet: str
    highlights: list[tuple[int, int]]  # [start, end) of each matched word in the snippet


def in_utc(moment: datetime | None, name: str) -> datetime | None:
    """A time from the request, in UTC. Neo4j keeps offsets within +-18:00 only (Python
    allows +-23:59, and Neo4j answered such a time by closing the connection: a 500), and
    a time without an offset is taken as UTC, so that it compares with one that has."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+05:00 is before the first year
        raise InvalidInput(f"{name} is out of range") from None


class Search:
    def __init__(self, store: Neo4jStore, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder

    def search(
        self,
        user_id: str,
        text: str,
        limit: int = 20,
        chat_id: str | None = None,
        role: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[SearchResult]:
        text = text.strip()
        if not text:
            raise InvalidInput("the search text is empty")
        if len(text) > MAX_QUERY_CHARS:
            raise InvalidInput(f"the search text is over {MAX_QUERY_CHARS} characters")
        if role is not None and role not in {r.value for r in Role}:
            raise InvalidInput("role must be one of system, user, assistant")
        since, until = in_utc(since, "since"), in_utc(until, "until")
        if since and until and since >= until:
            raise InvalidInput("since must be before until")
        if chat_id is not None:
            self.store.get_chat(user_id, chat_id)  # not yours or not there: 404
        keywords = keyword_query(text)
        hits = self.store.search_messages(
            user_id,
            self.embedder.embed([text])[0],
            keywords,
            limit=max(limit * 2, 20),
            vector_floor=SEMANTIC_FLOOR,
            chat_id=chat_id,
            role=role,
            since=since,
            until=until,
        )
        words = [w.strip('"') for w in keywords.split(" OR ")] if keywords else []
        return [
            SearchResult(hit, score, ranks, *snippet(hit.message.content, words))
            for hit, score, ranks in fuse_hits(hits)[:limit]
        ]


def fuse_hits(hits: list[SearchHit]) -> list[tuple[SearchHit, float, dict[str, int]]]:
    """Keyword and vector hits, one per message, by reciprocal rank (both weigh 1)."""
    fused = fuse_ranked(
        hits, lambda h: h.via, lambda h: h.message.id, lambda h: h.score, SEARCH_WEIGHTS
    )
    return [(f.item, f.score, f.ranks) for f in fused]


def snippet(content: str, words: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """A window of the content around the first matched word, and where words match."""
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None
    first = pattern.search(content) if pattern else None
    start = 0
    if first is not None and first.start() > SNIPPET_CHARS // 3:
        start = first.start() - SNIPPET_CHARS // 3
    window = content[start : start + SNIPPET_CHARS]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_CHARS < len(content) else ""
    text = prefix + window + suffix
    marks = [(m.start(), m.end()) for m in pattern.finditer(text)] if pattern is not None else []
    return text, marks
