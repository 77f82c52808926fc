"""Importing one export file: every conversation in its own transaction.

A conversation that cannot be read (wrong types, a cycle in its parent links, a message
over the size limit, ids that clash with other data) is skipped with its position and
the reason; nothing of it is written, and the others are imported. Messages threadgraph
does not keep (tool calls, hidden nodes, empty ones) are counted by reason. Importing
the same file again writes nothing; a later, larger export adds only what is new.
Embeddings and topics are computed afterwards (:mod:`.enrich`), so the graph is
complete and usable first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from threadgraph.config import Settings
from threadgraph.errors import Conflict, InvalidInput, MalformedChat, MalformedFile
from threadgraph.models import ImportWrite
from threadgraph.services.imports import files, formats, threadgraph_json
from threadgraph.services.imports.formats import Entry
from threadgraph.services.imports.tree import Limits, Planned, graph_id, plan, variant_of
from threadgraph.store import Neo4jStore

Progress = Callable[[int, int], None]  # (conversations done, conversations in the file)


@dataclass(frozen=True)
class Skipped:
    position: int  # 0-based index of the conversation in the file
    title: str | None
    reason: str


@dataclass
class ImportSummary:
    format: str
    chats_imported: int = 0  # new chats, or chats that got new messages
    chats_unchanged: int = 0  # everything was already there
    messages_imported: int = 0
    messages_skipped: dict[str, int] = field(default_factory=dict)  # by reason
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[Skipped] = field(default_factory=list)
    chat_ids: list[str] = field(default_factory=list)  # every chat of the file now stored


@dataclass(frozen=True)
class _Outcome:
    planned: Planned | None = None
    written: ImportWrite | None = None
    reason: str = ""


class Importer:
    def __init__(self, store: Neo4jStore, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    def read(self, payload: bytes) -> Any:
        return files.decode(payload, self.settings.import_max_bytes)

    def run(
        self, user_id: str, payload: bytes, fmt: str = "auto", progress: Progress | None = None
    ) -> ImportSummary:
        data = self.read(payload)
        try:
            fmt = formats.detect(data) if fmt in ("auto", "", None) else fmt
            entries = formats.entries(data, fmt)
        except MalformedFile as error:
            raise InvalidInput(error.reason) from None
        if not entries:
            raise InvalidInput(f"the {fmt} export holds no conversations")
        summary = ImportSummary(format=fmt)
        keep_ids = fmt == "threadgraph" and threadgraph_json.owner(data) == user_id
        limits = Limits(self.settings.max_message_chars, self.settings.max_title_chars)
        now = datetime.now(UTC)

        def one(position: int, entry: Entry) -> _Outcome:
            try:
                chat = entry.parse()
                planned = plan(chat, user_id, fmt, limits, keep_ids, now)
                if not planned.chat.messages and fmt != "threadgraph":
                    raise MalformedChat("no messages to import")
                self._drop_foreign_vectors(planned.chat.messages)
                written = self.store.import_chat(user_id, planned.chat)
                if written.diverged:
                    # Same conversation id, none of the same messages (a ChatGPT fragment,
                    # a reused id): grafting it on would hide the stored conversation.
                    planned = plan(chat, user_id, fmt, limits, keep_ids, now, variant_of(chat))
                    planned.warnings.append(
                        f"a stored chat has the conversation id {chat.source_id} but none "
                        "of these messages: imported as a separate chat"
                    )
                    self._drop_foreign_vectors(planned.chat.messages)
                    written = self.store.import_chat(user_id, planned.chat)
                return _Outcome(planned, written)
            except MalformedChat as error:
                return _Outcome(reason=error.reason)
            except (Conflict, InvalidInput) as error:
                return _Outcome(reason=error.message)
            except (TypeError, ValueError, KeyError, AttributeError) as error:
                return _Outcome(reason=f"unexpected shape ({type(error).__name__}: {error})")

        # Conversations are independent, except in threadgraph's export, where a fork
        # needs the chat it continues from written first: that one goes in order.
        workers = 1 if fmt == "threadgraph" else max(1, self.settings.import_workers)
        skipped: Counter[str] = Counter()
        with ThreadPoolExecutor(workers, thread_name_prefix="import") as pool:
            outcomes = pool.map(one, range(len(entries)), entries)
            for position, (entry, outcome) in enumerate(zip(entries, outcomes, strict=True)):
                if outcome.planned is None or outcome.written is None:
                    summary.skipped.append(Skipped(position, entry.title, outcome.reason))
                else:
                    skipped.update(outcome.planned.skipped)
                    self._count(summary, position, entry, outcome.planned, outcome.written)
                if progress is not None:
                    progress(position + 1, len(entries))
        summary.messages_skipped = dict(skipped)
        if fmt == "threadgraph":
            self._used_context(user_id, data, keep_ids)
        return summary

    def _count(
        self,
        summary: ImportSummary,
        position: int,
        entry: Entry,
        planned: Planned,
        written: ImportWrite,
    ) -> None:
        notes = [*planned.warnings]
        if written.links_missing:
            notes.append(f"{written.links_missing} parent(s) in other chats were not found")
        summary.warnings.extend(Skipped(position, entry.title, note) for note in notes)
        if written.chat_created or written.messages_created:
            summary.chats_imported += 1
        else:
            summary.chats_unchanged += 1
        summary.messages_imported += written.messages_created
        summary.chat_ids.append(planned.chat.id)

    def _drop_foreign_vectors(self, messages: list[Any]) -> None:
        """Vectors of another size than the index's (another model) are recomputed."""
        for message in messages:
            vector = message.properties.get("embedding")
            if vector is not None and len(vector) != self.settings.embedding_dimension:
                del message.properties["embedding"]

    def _used_context(self, user_id: str, data: Any, keep_ids: bool) -> None:
        def gid(source_id: str) -> str:
            return source_id if keep_ids else graph_id(user_id, "threadgraph", "message", source_id)

        edges = [
            {**e, "source": gid(e["source"]), "target": gid(e["target"])}
            for e in threadgraph_json.used_context(data)
            if e["via"] is not None and e["rank"] is not None
        ]
        self.store.import_used_context(user_id, edges)
