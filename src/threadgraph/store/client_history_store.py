"""The store's front door for histories a client resends whole (the OpenAI-compatible
``/v1`` endpoint, ``services/client_history.py``): how much of one the graph holds, and
recording the rest with the turn it asks for. Reached as ``Neo4jStore.histories``.

Recording is ONE transaction: the new chat (when the history continues none), the resent
messages the graph does not hold yet, the prompt and its reply's placeholder. A call
fails whole or is stored whole, and pays for one commit instead of one per message (the
chat's own write was a sixth of a ``/v1`` call's time before its first token).
"""

from __future__ import annotations

from threadgraph.config import Settings
from threadgraph.models import NewMessage, ReplyLease, TurnStart
from threadgraph.rules import check_new_message, check_title
from threadgraph.store import chats, histories, records, turns
from threadgraph.store.histories import Match
from threadgraph.store.session import Database, Tx
from threadgraph.store.turns import ModelChoice


class ClientHistoryStore:
    def __init__(self, db: Database, settings: Settings, lease: ReplyLease) -> None:
        self.db = db
        self._settings = settings
        self._lease = lease

    def match(self, user_id: str, sent: list[tuple[str, str]], chat_id: str | None) -> Match | None:
        """The stored branch that follows ``sent`` (role, content) furthest (see
        histories.deepest_match)."""
        return self.db.read(lambda tx: histories.deepest_match(tx, user_id, sent, chat_id))

    def begin(
        self,
        user_id: str,
        chat_id: str,
        new_chat_title: str | None,
        earlier: list[NewMessage],
        parent_id: str | None,
        prompt: NewMessage,
        choose: ModelChoice,
    ) -> TurnStart:
        """``earlier`` under ``parent_id`` (default the chat's HEAD), then the prompt and
        its reply's placeholder under them. With ``new_chat_title`` the chat ``chat_id`` is
        made first (titled so: the client's first words)."""
        chat_id = records.lookup_id(chat_id, "chat")
        # The messages first: the title is the first one's words, and an empty message
        # should be told as one, not as an empty title.
        for message in [*earlier, prompt]:
            check_new_message(message, self._settings.max_message_chars)
        limit = self._settings.max_title_chars
        title = check_title(new_chat_title, limit) if new_chat_title is not None else None

        def work(tx: Tx) -> TurnStart:
            if title is not None:
                chats.create(tx, user_id, chat_id, title, "user", None)
            parent = parent_id
            for message in earlier:
                parent = turns.append(tx, user_id, chat_id, message, parent).message.id
            return turns.begin(tx, user_id, chat_id, prompt, choose, parent, self._lease)

        return self.db.write(work)
