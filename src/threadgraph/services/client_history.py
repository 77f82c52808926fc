"""Recording a conversation that a client keeps and resends whole (the OpenAI-compatible
``/v1/chat/completions``): every call becomes a turn in the graph.

The resent messages are matched to what is stored, from the first one down:
- a history that extends a stored branch continues it (same chat, under its last match);
- a history whose earlier message was edited becomes a sibling branch where it diverges
  (the messages after the divergence are stored under the last match);
- anything else starts a new chat (or continues the chat the client names, at its HEAD).
The client's own system prompt is stored as a ``system`` message, so the model gets it
again with the branch. The last message is the prompt: it is answered like a web turn
(durable before the model is called, memories from the person's other chats, provenance).
"""

from __future__ import annotations

from dataclasses import dataclass

from threadgraph.errors import InvalidInput
from threadgraph.models import NewMessage, Role, TurnStart
from threadgraph.rules import new_id
from threadgraph.services.chat_turns import ChatTurns
from threadgraph.services.context import ContextAssembler
from threadgraph.services.live_replies import LiveReply
from threadgraph.store import Neo4jStore
from threadgraph.store.turns import ModelChoice

TITLE_CHARS = 60


@dataclass(frozen=True)
class ClientTurn:
    turn: TurnStart
    live: LiveReply | None
    matched: int  # how many of the resent messages were already stored


class ClientHistory:
    def __init__(self, store: Neo4jStore, turns: ChatTurns, assembler: ContextAssembler) -> None:
        self._store = store
        self._turns = turns
        self._assembler = assembler

    def send(
        self,
        user_id: str,
        messages: list[tuple[str, str]],
        model: str | None,
        chat_id: str | None = None,
        memory: bool = True,
    ) -> ClientTurn:
        """Record the resent ``messages`` (role, content) and start the reply to the last."""
        _check(messages)
        self._turns.catalog.check_offered(model)  # before the history is written
        # Likewise the reply's slot: over the limit, nothing is written.
        with self._turns.slots.held(user_id) as slot:
            *history, (_, prompt) = messages
            if chat_id is not None:
                chat_id = self._store.get_chat(user_id, chat_id).id
            match = self._store.histories.match(user_id, history, chat_id) if history else None
            parent: str | None = None
            new_title: str | None = None
            if match is not None:
                chat_id, parent = match.chat_id, match.message_id
                history = history[match.matched :]
            elif chat_id is None:
                first = next(content for role, content in messages if role == Role.USER)
                chat_id, new_title = new_id(), _title(first)
            earlier = [NewMessage(Role(role), content) for role, content in history]
            # The new chat, the messages not stored yet and the prompt: one transaction.
            into: str = chat_id

            def begin(prompt: NewMessage, choose: ModelChoice) -> TurnStart:
                return self._store.histories.begin(
                    user_id, into, new_title, earlier, parent, prompt, choose
                )

            options = self._assembler.options(memory=memory)
            turn, live = self._turns.send(
                user_id, into, prompt, model=model, options=options, slot=slot, begin=begin
            )
            return ClientTurn(turn, live, match.matched if match is not None else 0)


def _check(messages: list[tuple[str, str]]) -> None:
    if not messages:
        raise InvalidInput("messages is empty: send at least the user's message")
    for role, _ in messages:
        if role not in (Role.SYSTEM, Role.USER, Role.ASSISTANT):
            raise InvalidInput(f"role {role!r} is not one of system, user, assistant")
    if messages[-1][0] != Role.USER:
        raise InvalidInput("the last message must be the user's: it is what gets answered")


def _title(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= TITLE_CHARS else flat[: TITLE_CHARS - 1] + "…"
