"""The store's front door: one method per use case, each ONE transaction.

Services call these; each opens a read or write transaction on the :class:`Database` and
runs the steps of its aggregates (``store/chats.py``, ``turns.py``, ``branches.py``,
``leases.py``, ``retrieval.py``, ``topics.py``, ``imports.py``, ``export.py``,
``users.py``, ``schema.py``) inside it, so a use case of several steps (regenerate, edit,
change a chat, read a chat with its branch) is atomic and costs one round trip of
transactions.
Validation that needs the settings' limits happens here, before anything is written.
Every call takes the caller's user id: another user's chat or message is NotFound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Concatenate, ParamSpec, TypeVar

from threadgraph.config import Settings
from threadgraph.models import (
    AppendResult,
    Chat,
    ImportChat,
    ImportWrite,
    Message,
    NewMessage,
    Provenance,
    ReplyLease,
    Role,
    SearchHit,
    TurnStart,
)
from threadgraph.rules import check_new_message, check_title, new_id, own_id
from threadgraph.store import (
    branches,
    chats,
    export,
    imports,
    leases,
    notes,
    records,
    retrieval,
    schema,
    topics,
    turns,
    users,
)
from threadgraph.store.account_store import AccountStore
from threadgraph.store.client_history_store import ClientHistoryStore
from threadgraph.store.session import Database, Tx
from threadgraph.store.turns import ModelChoice

DEFAULT_TITLE = "New chat"
P = ParamSpec("P")
T = TypeVar("T")


def _reading(step: Callable[Concatenate[Tx, P], T]) -> Callable[Concatenate[Neo4jStore, P], T]:
    """A use case that is one step of an aggregate, in a read transaction of its own."""

    def use_case(self: Neo4jStore, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self.db.read(lambda tx: step(tx, *args, **kwargs))

    use_case.__doc__ = step.__doc__
    return use_case


def _writing(step: Callable[Concatenate[Tx, P], T]) -> Callable[Concatenate[Neo4jStore, P], T]:
    """A use case that is one step of an aggregate, in a write transaction of its own."""

    def use_case(self: Neo4jStore, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self.db.write(lambda tx: step(tx, *args, **kwargs))

    use_case.__doc__ = step.__doc__
    return use_case


def _choice(model: str | ModelChoice) -> ModelChoice:
    return model if callable(model) else lambda chat, replaced: model


class Neo4jStore:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self._settings = settings
        # The replies this process starts are its own: owned by its instance id.
        self.lease = ReplyLease(settings.instance_id or new_id()[:13], settings.reply_lease_seconds)
        self.accounts = AccountStore(db)  # people and their API keys
        self.histories = ClientHistoryStore(db, settings, self.lease)  # /v1's resent ones

    @classmethod
    def connect(cls, settings: Settings) -> Neo4jStore:
        return cls(Database.connect(settings), settings)

    def close(self) -> None:
        self.db.close()

    # -- schema and health ----------------------------------------------------------------

    def ping(self) -> str:
        """The server's version; raises Unavailable when Neo4j cannot be reached."""
        return self.db.server_agent()

    def migrate(self, index_timeout_seconds: int = 300) -> int:
        return schema.migrate(self.db, index_timeout_seconds)

    def await_indexes(self, timeout_seconds: int = 300) -> None:
        schema.await_indexes(self.db, timeout_seconds)

    schema_version = _reading(schema.version)
    vector_index_dimension = _reading(schema.vector_index_dimension)

    # -- people and chats -----------------------------------------------------------------

    ensure_user = _writing(users.ensure)
    count_user_messages = _reading(users.count_messages)

    def create_chat(
        self,
        user_id: str,
        title: str | None = None,
        model: str | None = None,
        chat_id: str | None = None,
    ) -> Chat:
        """Without a title the chat is "New chat" until its first exchange gives it one."""
        source = "default" if title is None else "user"
        title = self._title(title or DEFAULT_TITLE)
        chat_id = chats.new_chat_id(self._own(user_id, chat_id, "chat id"))
        return self.db.write(lambda tx: chats.create(tx, user_id, chat_id, title, source, model))

    get_chat = _reading(chats.get)

    def chat_with_branch(self, user_id: str, chat_id: str) -> tuple[Chat, list[Message]]:
        """A chat and the messages from its root to HEAD, read together."""

        def work(tx: Tx) -> tuple[Chat, list[Message]]:
            chat = chats.get(tx, user_id, chat_id)
            return chat, branches.active(tx, chat, user_id)

        return self.db.read(work)

    list_chats = _reading(chats.page)

    def update_chat(
        self,
        user_id: str,
        chat_id: str,
        title: str | None = None,
        model: str | None = None,
        head_id: str | None = None,
    ) -> Chat:
        """Rename, choose the model and/or show another branch, all or nothing."""
        title = self._title(title) if title is not None else None

        def work(tx: Tx) -> Chat:
            chat = chats.lock(tx, user_id, chat_id)
            if title is not None or model is not None:
                chat = chats.update(tx, user_id, chat.id, title, model)
            if head_id is not None:
                chat = branches.switch_head(tx, user_id, chat, head_id)
            return chat

        return self.db.write(work)

    def set_generated_title(self, user_id: str, chat_id: str, title: str) -> bool:
        title = self._title(title)
        return self.db.write(lambda tx: chats.set_generated_title(tx, user_id, chat_id, title))

    delete_chat = _writing(chats.delete)

    def fork_chat(
        self, user_id: str, message_id: str, title: str | None = None
    ) -> tuple[Chat, list[Message]]:
        """A new chat continuing from ``message_id``, and the history it shows."""
        title = self._title(title) if title else None
        limit = self._settings.max_title_chars

        def work(tx: Tx) -> tuple[Chat, list[Message]]:
            chat = chats.fork(tx, user_id, message_id, title, limit)
            return chat, branches.active(tx, chat, user_id)

        return self.db.write(work)

    # -- writing turns --------------------------------------------------------------------

    def append_message(
        self, user_id: str, chat_id: str, new: NewMessage, parent_id: str | None = None
    ) -> AppendResult:
        chat_id, new = self._checked(user_id, chat_id, new)
        return self.db.write(lambda tx: turns.append(tx, user_id, chat_id, new, parent_id))

    def begin_turn(
        self,
        user_id: str,
        chat_id: str,
        prompt: NewMessage,
        model: str | ModelChoice,
        parent_id: str | None = None,
    ) -> TurnStart:
        """The prompt and an empty streaming reply, in one transaction (see turns.begin)."""
        chat_id, prompt = self._checked(user_id, chat_id, prompt)
        choose, lease = _choice(model), self.lease
        return self.db.write(
            lambda tx: turns.begin(tx, user_id, chat_id, prompt, choose, parent_id, lease)
        )

    def retried_turn(
        self, user_id: str, chat_id: str, prompt: NewMessage, parent_id: str | None = None
    ) -> TurnStart | None:
        """A turn already begun under the prompt's client-given id, in one read (see
        turns.retried); None sends the caller to :meth:`begin_turn`."""
        chat_id, prompt = self._checked(user_id, chat_id, prompt)
        return self.db.read(lambda tx: turns.retried(tx, user_id, chat_id, prompt, parent_id))

    def regenerate(self, user_id: str, reply_id: str, model: str | ModelChoice) -> TurnStart:
        choose, lease = _choice(model), self.lease
        return self.db.write(lambda tx: turns.regenerate(tx, user_id, reply_id, choose, lease))

    def begin_edit(
        self,
        user_id: str,
        message_id: str,
        content: str,
        model: str | ModelChoice,
        embedding: list[float] | None = None,
    ) -> TurnStart:
        message_id = records.lookup_id(message_id, "message")
        prompt = NewMessage(Role.USER, content, embedding=embedding)
        check_new_message(prompt, self._settings.max_message_chars)
        choose, lease = _choice(model), self.lease
        return self.db.write(lambda tx: turns.edit(tx, user_id, message_id, prompt, choose, lease))

    finish_reply = _writing(turns.finish)

    # -- replies being written, held by leases (store/leases.py) --------------------------

    def checkpoint_reply(self, reply_id: str, text: str) -> bool:
        """Save the text so far and renew the lease; True when the writer should stop."""
        return self.db.write(lambda tx: leases.checkpoint(tx, reply_id, text, self.lease))

    def renew_leases(self, ids: list[str], texts: dict[str, str] | None = None) -> set[str]:
        return self.db.write(lambda tx: leases.renew(tx, ids, self.lease, texts))

    request_stop = _writing(leases.request_stop)
    mark_interrupted_replies = _writing(leases.expire)

    # -- reading branches -----------------------------------------------------------------

    get_message = _reading(branches.message)

    def active_branch(self, user_id: str, chat_id: str) -> list[Message]:
        return self.chat_with_branch(user_id, chat_id)[1]

    recent_branch = _reading(branches.recent)
    chat_tree = _reading(branches.tree)
    siblings = _reading(branches.siblings)
    prune = _writing(branches.prune)

    # -- memory, search, provenance, embeddings -------------------------------------------

    memory_candidates = _reading(retrieval.memory)

    def search_messages(
        self,
        user_id: str,
        embedding: list[float] | None,
        keywords: str,
        limit: int,
        vector_floor: float,
        **filters: Any,
    ) -> list[SearchHit]:
        """See retrieval.search; ``filters``: chat_id, role, since, until."""
        dimension = self._settings.embedding_dimension

        def work(tx: Tx) -> list[SearchHit]:
            return retrieval.search(
                tx, user_id, embedding, keywords, limit, vector_floor, dimension, **filters
            )

        return self.db.read(work)

    def provenance(self, user_id: str, message_id: str) -> list[Provenance]:
        """What a reply was built from; NotFound unless it is the person's."""

        def work(tx: Tx) -> list[Provenance]:
            reply = branches.message(tx, user_id, message_id)
            return retrieval.provenance(tx, user_id, reply.id)

        return self.db.read(work)

    warm_up_subject = _reading(retrieval.warm_up_subject)
    set_embeddings = _writing(retrieval.set_embeddings)
    messages_to_embed_again = _reading(retrieval.embedded_after)
    messages_missing_embeddings = _reading(retrieval.missing_embeddings)
    count_missing_embeddings = _reading(retrieval.count_missing_embeddings)

    # -- topics ---------------------------------------------------------------------------

    link_topics = _writing(topics.link_all)
    topic_detail = _reading(topics.detail)

    list_topics = _reading(topics.listing)

    def chat_topics(self, user_id: str, chat_id: str) -> list[dict[str, Any]]:
        def work(tx: Tx) -> list[dict[str, Any]]:
            return topics.of_chat(tx, user_id, chats.get(tx, user_id, chat_id).id)

        return self.db.read(work)

    def related_chats(self, user_id: str, chat_id: str, limit: int = 10) -> list[dict[str, Any]]:
        def work(tx: Tx) -> list[dict[str, Any]]:
            return topics.related_chats(tx, user_id, chats.get(tx, user_id, chat_id).id, limit)

        return self.db.read(work)

    # -- import and export ----------------------------------------------------------------

    def import_chat(self, user_id: str, chat: ImportChat) -> ImportWrite:
        return imports.write_chat(self.db, user_id, chat)

    def import_used_context(self, user_id: str, edges: list[dict[str, Any]]) -> int:
        return self.db.write(lambda tx: imports.used_context(tx, user_id, edges)) if edges else 0

    imported_exchanges_without_topics = _reading(imports.exchanges_without_topics)
    count_imported_exchanges_without_topics = _reading(imports.count_exchanges_without_topics)
    mark_topics_done = _writing(imports.mark_topics_done)

    export_subgraph = _reading(export.subgraph)
    topic_links = _reading(export.topic_links)

    # An agent's note, checked by the service (services/agent_memory.py): one transaction.
    save_note = _writing(notes.save)

    # -- checks before a write ------------------------------------------------------------

    def _title(self, title: str) -> str:
        return check_title(title, self._settings.max_title_chars)

    def _own(self, user_id: str, client_id: str | None, what: str) -> str | None:
        """A client-made id as stored: with accounts, within the person's own id space."""
        if client_id is None or not self._settings.accounts:
            return client_id
        return own_id(user_id, client_id, what)

    def _checked(self, user_id: str, chat_id: str, new: NewMessage) -> tuple[str, NewMessage]:
        """A chat id to look up, and a message that obeys the rules, before any write."""
        chat_id = records.lookup_id(chat_id, "chat")
        check_new_message(new, self._settings.max_message_chars)
        return chat_id, replace(new, id=self._own(user_id, new.id, "message id"))
