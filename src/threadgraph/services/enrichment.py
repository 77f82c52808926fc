"""What a finished reply adds to the graph after the reader has it: topics for the
exchange and, after a chat's first exchange, a title. Neither may disturb the reply:
failures are logged, never raised."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from threadgraph.config import Settings
from threadgraph.errors import ThreadgraphError
from threadgraph.llm.catalog import ModelCatalog
from threadgraph.models import Message
from threadgraph.ports import Embedder
from threadgraph.services.model_topics import extract_topics_with_model
from threadgraph.services.titles import make_title
from threadgraph.services.topics import DUPLICATE_THRESHOLD, extract_topics_batch, links_for
from threadgraph.store import Neo4jStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FinishedExchange:
    """A complete exchange, as its reply's writer hands it over to be enriched."""

    user_id: str
    prompt: Message
    reply_id: str
    reply: str
    model: str
    # The reply's vector, read with its prompt: it stands for the exchange, which then is
    # not embedded again (as an import's topic pass does). None when it has none.
    vector: list[float] | None


class ReplyEnrichment:
    def __init__(
        self, store: Neo4jStore, catalog: ModelCatalog, settings: Settings, embedder: Embedder
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.settings = settings
        self.embedder = embedder

    def after_reply(self, done: FinishedExchange) -> None:
        """Topics for a complete exchange; a title after the first one (the store keeps a
        title the person chose or one already generated)."""
        self._topics(done)
        if done.prompt.parent_id is None:
            self._title(done.user_id, done.prompt, done.reply, done.model)

    def _topics(self, done: FinishedExchange) -> None:
        user_id, prompt, reply_id, reply = done.user_id, done.prompt, done.reply_id, done.reply
        if not self.settings.topics_enabled:
            return
        try:
            topics = []
            if self.settings.topics_extractor == "model":
                topics = extract_topics_with_model(
                    self.catalog,
                    self.settings.topics_model or done.model,
                    self.embedder,
                    prompt.content,
                    reply,
                )
            if not topics:
                exchange = [(prompt.content, reply)]
                topics = extract_topics_batch(self.embedder, exchange, [done.vector])[0]
            links = links_for(topics, [prompt.id, reply_id])
            self.store.link_topics(user_id, links, DUPLICATE_THRESHOLD)
        except Exception:  # topics are a bonus: never let them disturb a reply
            log.warning("topic extraction for reply %s failed", reply_id, exc_info=True)

    def _title(self, user_id: str, prompt: Message, reply: str, model: str) -> None:
        try:
            if self.store.get_chat(user_id, prompt.chat_id).title_source != "default":
                return  # named by the person (or already titled): no model call
            title = make_title(self.catalog, model, prompt.content, reply)
            self.store.set_generated_title(user_id, prompt.chat_id, title)
        except ThreadgraphError as error:
            log.warning("titling chat %s failed: %s", prompt.chat_id, error.message)
