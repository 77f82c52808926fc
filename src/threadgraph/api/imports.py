"""POST /api/import: upload an export file (multipart field ``file``, optional ``format``).

The graph is written before the response (one transaction per conversation) and the
summary returned; embeddings and topics for the new messages are computed after the
response, in the background. If the server stops first, ``threadgraph embeddings
backfill`` (or the next import) finishes them: both passes pick up what is missing.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Form, UploadFile
from pydantic import BaseModel, Field

from threadgraph.api.deps import EmbedderDep, SettingsDep, StoreDep, UserIdDep
from threadgraph.embeddings.local import in_background
from threadgraph.errors import InvalidInput, TooLarge
from threadgraph.ports import Embedder
from threadgraph.services.imports.enrich import embed_missing, topics_for_imported
from threadgraph.services.imports.formats import FORMATS
from threadgraph.services.imports.service import Importer
from threadgraph.store import Neo4jStore

router = APIRouter(prefix="/api", tags=["import"])
log = logging.getLogger(__name__)


class SkippedPublic(BaseModel):
    position: int = Field(description="0-based index of the conversation in the file")
    title: str | None
    reason: str


class ImportResult(BaseModel):
    format: str
    chats_imported: int = Field(description="new chats, or chats that got new messages")
    chats_unchanged: int = Field(description="chats that were already there in full")
    messages_imported: int
    messages_skipped: dict[str, int] = Field(
        description="messages not kept (tool calls, hidden, empty...), by reason"
    )
    skipped: list[SkippedPublic] = Field(description="conversations not imported, and why")
    warnings: list[SkippedPublic] = Field(description="things kept but worth knowing")
    chat_ids: list[str]
    enrichment: str = Field(
        description="'background': embeddings and topics are computed after this answer"
    )


@router.post("/import", response_model=ImportResult)
def import_export(
    store: StoreDep,
    embedder: EmbedderDep,
    settings: SettingsDep,
    user_id: UserIdDep,
    background: BackgroundTasks,
    file: Annotated[UploadFile, File(description="the export: .json or .zip")],
    format: Annotated[str, Form(json_schema_extra={"enum": ["auto", *FORMATS]})] = "auto",
) -> ImportResult:
    if format not in ("auto", *FORMATS):
        raise InvalidInput(f"format must be one of auto, {', '.join(FORMATS)}")
    payload = file.file.read(settings.import_max_bytes + 1)
    if len(payload) > settings.import_max_bytes:
        raise TooLarge(
            f"the file is over the import limit of {settings.import_max_bytes / 1e6:,.1f} MB "
            "(THREADGRAPH_IMPORT_MAX_BYTES)"
        )
    summary = Importer(store, settings).run(user_id, payload, format)
    # Always scheduled: it also finishes what an interrupted earlier pass left missing,
    # and costs two small queries when nothing is.
    background.add_task(_enrich, store, embedder, user_id, settings.topics_enabled)
    return ImportResult(
        format=summary.format,
        chats_imported=summary.chats_imported,
        chats_unchanged=summary.chats_unchanged,
        messages_imported=summary.messages_imported,
        messages_skipped=summary.messages_skipped,
        skipped=[SkippedPublic(**vars(s)) for s in summary.skipped],
        warnings=[SkippedPublic(**vars(s)) for s in summary.warnings],
        chat_ids=summary.chat_ids,
        enrichment="background",
    )


def _enrich(store: Neo4jStore, embedder: Embedder, user_id: str, topics: bool) -> None:
    embedder = in_background(embedder)  # the server's live turns come first
    try:
        embed_missing(store, embedder, user_id)
        if topics:
            topics_for_imported(store, embedder, user_id)
    except Exception:  # the graph is written; a later backfill finishes this
        log.warning("embedding imported messages failed; run the backfill", exc_info=True)
