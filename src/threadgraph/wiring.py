"""One place where threadgraph's parts are made and connected: the web app and the
command line get the same services from :func:`build_services`.

Nothing here loads model weights or reaches a model endpoint: the embedder and the models
load on first use (the app warms them up in the background, ``services/warm_up.py``).
Opening the store connects the Neo4j driver; nothing is written until a caller asks
(:meth:`Services.prepare` migrates, makes the local user and marks replies cut off by
the last shutdown, as the app does at startup).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from threadgraph.config import Settings
from threadgraph.embeddings.local import shared_counter, shared_embedder
from threadgraph.embeddings.openai_embeddings import OpenAIEmbedder
from threadgraph.errors import ThreadgraphError
from threadgraph.llm.catalog import ModelCatalog
from threadgraph.llm.local_model import LocalModel
from threadgraph.llm.openai_endpoint import OpenAIEndpoint
from threadgraph.ports import Embedder, TokenCounter
from threadgraph.services.accounts import Accounts
from threadgraph.services.agent_memory import AgentMemory
from threadgraph.services.api_keys import KeyRing
from threadgraph.services.chat_turns import ChatTurns
from threadgraph.services.client_history import ClientHistory
from threadgraph.services.context import ContextAssembler
from threadgraph.services.rate_limit import RateLimiter
from threadgraph.services.search import Search
from threadgraph.services.warm_up import WarmUp
from threadgraph.store import Neo4jStore

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Every long-lived part of one process, made once and shared."""

    settings: Settings
    store: Neo4jStore
    embedder: Embedder
    counter: TokenCounter
    assembler: ContextAssembler
    catalog: ModelCatalog
    turns: ChatTurns
    search: Search
    client_history: ClientHistory
    accounts: Accounts
    keys: KeyRing
    limiter: RateLimiter
    agent_memory: AgentMemory
    # The app's background warm-up (health reports it); a command line has none running.
    warm_up: WarmUp = field(default_factory=WarmUp)

    def prepare(self) -> None:
        """What a starting server does before answering: the schema up to date, the local
        user there, replies whose writer died marked (and from now on, this process's own
        replies leased), vectors of the right size."""
        self.store.migrate()
        self.store.ensure_user(self.settings.local_user_id, self.settings.local_user_name)
        marked = self.store.mark_interrupted_replies()
        if marked:
            log.warning("marked %d reply(ies) cut off by the last shutdown as incomplete", marked)
        self.turns.leases.start()
        self.check_embedding_dimension()

    def check_embedding_dimension(self) -> None:
        """Vectors of another size than the index's would never be found: refuse to start."""
        indexed = self.store.vector_index_dimension()
        if indexed is not None and indexed != self.embedder.dimension:
            raise ThreadgraphError(
                f"the embedder {self.embedder.name} makes {self.embedder.dimension}-dimensional "
                f"vectors but the vector index message_embedding holds {indexed} dimensions; "
                f"use a {indexed}-dimensional model or rebuild the index"
            )

    def close(self) -> None:
        """Stop the replies in progress (each ends ``incomplete``), let go of the model
        clients' connections, then of the Neo4j driver."""
        try:
            self.turns.shutdown()
            self.catalog.close()
        finally:
            self.store.close()


def build_catalog(settings: Settings) -> ModelCatalog:
    endpoint = (
        OpenAIEndpoint(
            settings.model_endpoint, settings.openai_api_key, settings.model_timeout_seconds
        )
        if settings.model_endpoint
        else None
    )
    local = (
        LocalModel(threads=settings.local_model_threads) if settings.local_model_enabled else None
    )
    return ModelCatalog(endpoint, local, settings.default_model)


def build_embedder(settings: Settings) -> Embedder:
    if settings.embeddings == "openai":
        if not settings.model_endpoint:
            raise ThreadgraphError("THREADGRAPH_EMBEDDINGS=openai needs OPENAI_BASE_URL")
        return OpenAIEmbedder(
            settings.model_endpoint,
            settings.openai_api_key,
            settings.embedding_model,
            settings.embedding_dimension,
            settings.model_timeout_seconds,
        )
    return shared_embedder(settings.embedding_threads)


def build_services(settings: Settings, catalog: ModelCatalog | None = None) -> Services:
    """The services over one newly connected store (``catalog``: models to use instead of
    the configured ones). The caller closes them (:meth:`Services.close`)."""
    store = Neo4jStore.connect(settings)
    try:
        embedder = build_embedder(settings)
        counter = shared_counter()
        assembler = ContextAssembler(store, counter, settings)
        models = catalog or build_catalog(settings)
        turns = ChatTurns(store, models, settings, embedder, assembler)
        keys = KeyRing(store.accounts, settings.key_cache_seconds)
        return Services(
            settings=settings,
            store=store,
            embedder=embedder,
            counter=counter,
            assembler=assembler,
            catalog=models,
            turns=turns,
            search=Search(store, embedder),
            client_history=ClientHistory(store, turns, assembler),
            accounts=Accounts(store.accounts, keys),
            keys=keys,
            limiter=RateLimiter(settings.key_rate_per_second, settings.key_burst),
            agent_memory=AgentMemory(store, embedder, turns, assembler, settings),
        )
    except BaseException:
        store.close()
        raise


@contextmanager
def open_services(settings: Settings, catalog: ModelCatalog | None = None) -> Iterator[Services]:
    """The services for the length of a ``with`` block (a command), closed after it."""
    services = build_services(settings, catalog)
    try:
        yield services
    finally:
        services.close()
