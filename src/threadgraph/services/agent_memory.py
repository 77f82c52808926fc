"""What an agent (an MCP client) reads from a person's memory and adds to it.

- :meth:`AgentMemory.context`: the context threadgraph would give a model for a question:
  the earlier exchanges recalled from the person's chats, with why each was chosen
  (score, rank per method). Asked inside a chat, it is that chat's preview (branch and
  memories from the other chats, ``ChatTurns.preview``); asked alone, no chat is left out.
- :meth:`AgentMemory.save_note`: a note the person later sees in the web page (their chat
  "Notes from agents", ``store/notes.py``) and that memory retrieval and search find like
  any exchange: both of its messages are embedded when written.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from threadgraph.config import Settings
from threadgraph.context_knobs import ContextOptions
from threadgraph.embeddings.message_text import text_to_embed
from threadgraph.errors import InvalidInput
from threadgraph.models import NewMessage, Role
from threadgraph.ports import Embedder
from threadgraph.rules import check_new_message, check_title
from threadgraph.services.chat_turns import ChatTurns
from threadgraph.services.context import AssembledContext, ContextAssembler
from threadgraph.store import Neo4jStore
from threadgraph.store.notes import SavedNote

log = logging.getLogger(__name__)

# The id no chat has: memories then come from every chat of the person.
NO_CHAT = ""
HEADING_TITLE_CHARS = 80  # longer titles are cut in the heading
MAX_TITLE_CHARS = 1000
MAX_QUESTION_CHARS = 4000


class AgentMemory:
    def __init__(
        self,
        store: Neo4jStore,
        embedder: Embedder,
        turns: ChatTurns,
        assembler: ContextAssembler,
        settings: Settings,
    ) -> None:
        self._store = store
        self._embedder = embedder
        self._turns = turns
        self._assembler = assembler
        self._settings = settings

    def context(
        self,
        user_id: str,
        question: str,
        chat_id: str | None = None,
        options: ContextOptions | None = None,
    ) -> AssembledContext:
        """The context for ``question``, as a reply in ``chat_id`` (at its HEAD) or, with
        no chat, from the person's whole history. Nothing is stored."""
        question = question.strip()
        if not question:
            raise InvalidInput("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise InvalidInput(f"the question is over {MAX_QUESTION_CHARS} characters")
        if chat_id is not None:
            return self._turns.preview(user_id, chat_id, question, options=options)
        vectors = self._embed([question])
        embedding = vectors[0] if vectors else None
        return self._assembler.assemble(user_id, NO_CHAT, None, question, embedding, options)

    def save_note(
        self, user_id: str, text: str, title: str | None = None, source: str | None = None
    ) -> SavedNote:
        """Store a note (``title``: what it is about, else its first line; ``source``: the
        agent that saved it) in the person's notes chat, in one transaction."""
        text = text.strip()
        if not text:
            raise InvalidInput("the note is empty")
        about = check_title(title if title is not None else text.splitlines()[0], MAX_TITLE_CHARS)
        if len(about) > HEADING_TITLE_CHARS:
            about = about[: HEADING_TITLE_CHARS - 1] + "…"
        by = f" by {' '.join(source.split())[:HEADING_TITLE_CHARS]}" if source else ""
        heading, note = (
            NewMessage(Role.USER, f"Note saved{by}: {about}"),
            NewMessage(Role.ASSISTANT, text),
        )
        for message in (heading, note):  # before the embedding is computed
            check_new_message(message, self._settings.max_message_chars)
        vectors = self._embed([heading.content, text_to_embed(note.content, heading.content)])
        if vectors:
            heading = replace(heading, embedding=vectors[0])
            note = replace(note, embedding=vectors[1])
        return self._store.save_note(user_id, heading, note)

    def _embed(self, texts: list[str]) -> list[list[float]]:
        """The texts' vectors, or none: a failed embedding costs the keyword side only
        (``threadgraph embeddings backfill`` fills stored messages in later)."""
        try:
            return self._embedder.embed(texts)
        except Exception:
            log.warning("embedding failed; going on without vectors", exc_info=True)
            return []
