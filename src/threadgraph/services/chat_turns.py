"""A chat turn: a person writes, a model answers, both are kept in the graph.

1. Authorise and resolve the model (message, else chat, else the default).
2. One write transaction: the prompt under its parent, an empty ``streaming`` reply under
   the prompt, HEAD moved. The prompt is durable before any model is called.
3. Build the model's input from the branch (root .. prompt), newest turns kept first.
4. Generate in a background thread that no HTTP connection owns: deltas are published to
   :mod:`live_replies`, the partial text is checkpointed every ``checkpoint_seconds``,
   and the end is written once (status, text, model, token counts); the reader is told,
   then the reply's vectors are stored (services/turn_vectors.py). A model failure
   ends the reply as ``failed`` with the reason; the prompt is untouched and the reply
   can be regenerated.
5. After the first exchange the chat gets a title (asked of the model, with a fallback).

Each reply is held by a lease its writer renews (services/reply_leases.py): replicas on
one Neo4j end a reply as ``incomplete`` only once its writer has died, follow one another's
replies from the checkpoints (services/reply_tail.py) and pass stops through the store.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from threadgraph.config import Settings
from threadgraph.context_knobs import ContextOptions
from threadgraph.embeddings.local import in_background
from threadgraph.errors import InvalidInput, ModelError
from threadgraph.llm.catalog import ModelCatalog
from threadgraph.models import Chat, Message, NewMessage, ReplyEnd, Role, Status, TurnStart
from threadgraph.ports import Embedder, Usage
from threadgraph.rules import check_new_message
from threadgraph.services.context import AssembledContext, ContextAssembler
from threadgraph.services.enrichment import FinishedExchange, ReplyEnrichment
from threadgraph.services.enrichment_queue import EnrichmentQueue
from threadgraph.services.live_replies import LiveReplies, LiveReply
from threadgraph.services.reply_ends import ReplyEnds
from threadgraph.services.reply_events import (
    Delta,
    ReplyEvent,
    Started,
    as_started,
    replay,
)
from threadgraph.services.reply_leases import LeaseKeeper
from threadgraph.services.reply_slots import ReplySlot, ReplySlots
from threadgraph.services.reply_tail import tail
from threadgraph.services.turn_vectors import TurnVectors, Vector
from threadgraph.store import Neo4jStore
from threadgraph.store.turns import ModelChoice

log = logging.getLogger(__name__)

# Writes a turn's prompt (and the reply's placeholder) in the caller's own way.
BeginTurn = Callable[[NewMessage, ModelChoice], TurnStart]

STOPPED = "stopped by the person before the reply was finished"
SHUTDOWN = "the server shut down while this reply was being written"


class ChatTurns:
    def __init__(
        self,
        store: Neo4jStore,
        catalog: ModelCatalog,
        settings: Settings,
        embedder: Embedder,
        assembler: ContextAssembler,
        live: LiveReplies | None = None,
    ) -> None:
        self.store = store
        self.catalog = catalog
        self.settings = settings
        self.embedder = embedder
        self.vectors = TurnVectors(embedder, store, settings.reply_workers)
        self.assembler = assembler
        self.live = live or LiveReplies()
        self.leases = LeaseKeeper(store, self.live, settings.checkpoint_seconds)
        self.ends = ReplyEnds(store)
        self.slots = ReplySlots(settings.max_live_replies_per_person if settings.accounts else 0)
        enrichment = ReplyEnrichment(store, catalog, settings, in_background(embedder))
        self.enrichment = EnrichmentQueue(enrichment, self.live)  # off the reply's thread
        # A reply from the endpoint is a thread waiting on its socket: many stream at once.
        # The local model computes on these cores: a few at a time, the rest queue.
        self._remote_pool = ThreadPoolExecutor(
            max_workers=settings.reply_workers, thread_name_prefix="reply"
        )
        self._local_pool = ThreadPoolExecutor(
            max_workers=settings.local_reply_workers, thread_name_prefix="local-reply"
        )
        self._shutting_down = False

    # -- starting replies ----------------------------------------------------------------

    def send(
        self,
        user_id: str,
        chat_id: str,
        content: str,
        parent_id: str | None = None,
        message_id: str | None = None,
        model: str | None = None,
        options: ContextOptions | None = None,
        slot: ReplySlot | None = None,
        begin: BeginTurn | None = None,
    ) -> tuple[TurnStart, LiveReply | None]:
        """Store the prompt and start the reply; returns the turn and its live stream
        (None when a retried prompt id finds a reply that has already ended). ``slot``:
        one the caller took already (``slots.take``). ``begin``: how the prompt is
        written, when the caller writes more with it (``/v1``: a resent history)."""
        if message_id is not None:
            retried = self._retried(user_id, chat_id, content, parent_id, message_id)
            if retried is not None:
                return retried
        with self.slots.held(user_id, slot) as slot:
            choice = self._model_choice(model)
            # The memory question's vector is computed while the prompt is written
            # (services/turn_vectors.py); the reply's end stores it on the prompt.
            question = self.vectors.question_soon(content)
            prompt = NewMessage(Role.USER, content, id=message_id)
            if begin is None:
                turn = self.store.begin_turn(user_id, chat_id, prompt, choice, parent_id)
            else:
                turn = begin(prompt, choice)
            if not turn.created:
                live = self.live.get(turn.reply.id)
                if live is not None or turn.reply.status is not Status.STREAMING:
                    return turn, live
            embedding = question.result()
            return turn, self._start(user_id, turn, embedding, slot, options, unsaved=True)

    def _retried(
        self, user_id: str, chat_id: str, content: str, parent_id: str | None, message_id: str
    ) -> tuple[TurnStart, LiveReply | None] | None:
        """A retry of a turn already begun, answered by one read before any embedding
        (200 concurrent retries of one id queued ~15 ms each behind the one torch thread:
        p50 8.9 s for a 2.5 s reply). None when the turn still has to be begun or its
        reply started here: the write path does both as before."""
        prompt = NewMessage(Role.USER, content, id=message_id)
        turn = self.store.retried_turn(user_id, chat_id, prompt, parent_id)
        if turn is None:
            return None
        live = self.live.get(turn.reply.id)
        if live is None and turn.reply.status is Status.STREAMING:
            return None
        return turn, live

    def preview(
        self,
        user_id: str,
        chat_id: str,
        content: str,
        parent_id: str | None = None,
        options: ContextOptions | None = None,
    ) -> AssembledContext:
        """The context a draft prompt would get, without storing it or calling a model."""
        chat = self.store.get_chat(user_id, chat_id)
        leaf = parent_id or chat.head_id or chat.forked_from_id
        if parent_id is not None:
            parent = self.store.get_message(user_id, parent_id)
            if parent.chat_id != chat.id and parent.id != chat.forked_from_id:
                raise InvalidInput(f"parent_id {parent_id} is not a message of this chat")
        check_new_message(NewMessage(Role.USER, content), self.settings.max_message_chars)
        draft = Message(
            id="draft",
            chat_id=chat.id,
            parent_id=leaf,
            user_id=user_id,
            role=Role.USER,
            content=content,
            status=Status.COMPLETE,
            model=None,
            created_at=datetime.now(UTC),
        )
        return self.assembler.assemble(
            user_id, chat.id, leaf, content, self.vectors.question(content), options, draft=draft
        )

    def regenerate(
        self, user_id: str, message_id: str, model: str | None = None
    ) -> tuple[TurnStart, LiveReply]:
        """A new reply beside an existing one (also how a failed reply is retried)."""
        with self.slots.held(user_id) as slot:
            turn = self.store.regenerate(user_id, message_id, self._model_choice(model))
            question = self.vectors.question(turn.prompt.content)
            return turn, self._start(user_id, turn, question, slot)

    def edit(
        self, user_id: str, message_id: str, content: str, model: str | None = None
    ) -> tuple[TurnStart, LiveReply]:
        """A new version of a prompt beside the old one, and a reply to it."""
        with self.slots.held(user_id) as slot:
            embedding = self.vectors.question(content)
            turn = self.store.begin_edit(
                user_id, message_id, content, self._model_choice(model), embedding
            )
            return turn, self._start(user_id, turn, embedding, slot)

    def stop(self, user_id: str, reply_id: str) -> bool:
        """Ask a reply being written to stop; it ends ``incomplete`` with what it has.
        Written by another replica, it is asked through the store (within a second)."""
        reply = self.store.get_message(user_id, reply_id)
        live = self.live.get(reply.id)
        if live is not None:
            live.stop_requested.set()
            return True
        if reply.status is Status.STREAMING:
            return self.store.request_stop(user_id, reply.id)
        return False

    # -- following replies ----------------------------------------------------------------

    def follow(
        self, user_id: str, reply_id: str
    ) -> LiveReply | list[ReplyEvent] | AsyncIterator[ReplyEvent | None]:
        """A reply's events for a reader who comes (back) to it: the live stream while
        this process writes it, the stored reply followed as another replica writes it,
        else the same events replayed from what is stored."""
        # Live first, then the stored reply (which also says whether it is this person's):
        # a reply that ends between the two is read as it ended, not as it was streaming.
        live = self.live.get(reply_id)
        reply = self.store.get_message(user_id, reply_id)
        if live is not None:
            return live
        prompt = None
        if reply.role is Role.ASSISTANT and reply.parent_id is not None:
            prompt = self.store.get_message(user_id, reply.parent_id)
        if prompt is not None and reply.status is Status.STREAMING:
            model = reply.model or self.catalog.default_model()
            started = Started(prompt, as_started(reply), self.catalog.is_local(model))
            poll = min(0.25, self.settings.checkpoint_seconds)
            return tail(
                lambda: self.store.get_message(user_id, reply_id),
                started,
                poll,
                self.settings.sse_heartbeat_seconds,
            )
        return self.replay(prompt, reply)

    def replay(self, prompt: Message | None, reply: Message) -> list[ReplyEvent]:
        """The events a reader of this (ended) reply was sent."""
        model = reply.model or self.catalog.default_model()
        return replay(prompt, reply, self.catalog.is_local(model))

    def wait_for_reply(self, turn: TurnStart, live: LiveReply | None) -> Message:
        """The turn's reply once it has ended (or, after twice the model timeout, as it is)."""
        if live is not None:
            # The background task writes the reply whether or not anyone waits for it.
            live.settled.wait(self.settings.model_timeout_seconds * 2)
        return self.store.get_message(turn.prompt.user_id, turn.reply.id)

    def shutdown(self) -> None:
        """Stop every reply in progress (each ends ``incomplete``), then the workers."""
        self._shutting_down = True
        for live in self.live.all():
            live.stop_requested.set()
        self._remote_pool.shutdown(wait=True, cancel_futures=False)
        self._local_pool.shutdown(wait=True, cancel_futures=False)
        self.leases.stop()  # after the replies have ended: their leases held till then
        self.enrichment.close()
        self.vectors.close()

    # -- generating ------------------------------------------------------------------------

    def _model_choice(self, asked: str | None) -> ModelChoice:
        """Which model answers: the one asked for, else the replaced reply's, else the
        chat's, else the default. The store applies it inside the turn's transaction.
        One asked for by name must be on offer (a 400 here, before anything is stored)."""
        self.catalog.check_offered(asked)

        def choose(chat: Chat, replaced: Message | None) -> str:
            earlier = replaced.model if replaced is not None else None
            return asked or earlier or chat.model or self.catalog.default_model()

        return choose

    def _start(
        self,
        user_id: str,
        turn: TurnStart,
        embedding: Vector | None,
        slot: ReplySlot,
        options: ContextOptions | None = None,
        unsaved: bool = False,
    ) -> LiveReply:
        """The reply's context, then its generation on a worker. ``unsaved``: the prompt
        was stored without ``embedding``, which the reply's end writes."""
        model = turn.reply.model or self.catalog.default_model()
        local = self.catalog.is_local(model)
        live = self.live.open(turn.reply.id)
        live.publish(Started(turn.prompt, turn.reply, local))
        # The prompt's own branch, not HEAD's: another turn may already have moved HEAD.
        context = self.assembler.assemble(
            user_id, turn.prompt.chat_id, turn.prompt.id, turn.prompt.content, embedding, options
        )
        pool = self._local_pool if local else self._remote_pool
        question = embedding if unsaved else None
        pool.submit(self._generate, user_id, turn, model, context, live, slot.hand_over(), question)
        return live

    def _generate(
        self,
        user_id: str,
        turn: TurnStart,
        model: str,
        context: AssembledContext,
        live: LiveReply,
        slot: ReplySlot,
        question: Vector | None,
    ) -> None:
        reply_id = turn.reply.id
        parts: list[str] = []
        usage: Usage | None = None
        status, error = Status.COMPLETE, None
        # None: the first piece is checkpointed at once. A crash in the first second used
        # to leave an empty reply while the reader already had words (45 of 101 trials).
        last_checkpoint: float | None = None
        try:
            pieces = self.catalog.stream(model, context.messages, self.settings.max_reply_tokens)
            for piece in pieces:
                if isinstance(piece, Usage):
                    usage = piece
                    continue
                parts.append(piece)
                live.publish(Delta(piece))
                if live.stop_requested.is_set():
                    status = Status.INCOMPLETE
                    error = SHUTDOWN if self._shutting_down else STOPPED
                    break
                if last_checkpoint is None:
                    if self.ends.checkpoint(reply_id, "".join(parts)):
                        live.stop_requested.set()  # asked on another replica
                    last_checkpoint = time.monotonic()
                elif time.monotonic() - last_checkpoint >= self.settings.checkpoint_seconds:
                    # Later checkpoints go with the lease keeper's next round: one write
                    # for every reply of the process (services/reply_leases.py).
                    live.unsaved = "".join(parts)
                    last_checkpoint = time.monotonic()
        except ModelError as failure:
            status, error = Status.FAILED, failure.message
        except Exception as failure:  # a bug must not leave the reply streaming forever
            log.exception("reply %s failed", reply_id)
            status, error = Status.FAILED, f"internal error: {type(failure).__name__}"

        text = "".join(parts)
        end = ReplyEnd(
            used_context=context.sources,
            content=text,
            status=status,
            model=model,
            tokens=usage.completion_tokens if usage and usage.completion_tokens else len(parts),
            prompt_tokens=usage.prompt_tokens if usage else None,
            error=error,
        )
        final, reply_vector = None, None
        try:
            final = self.ends.write(reply_id, end)
            live.publish(self.ends.told(user_id, reply_id, end, final))
            self.live.close(reply_id)  # a reader from now on reads it from the store
        finally:  # the reply has ended: its slot goes back, before the vectors below
            slot.release()
        try:  # The reader has the whole reply; no one waits on its vectors but JSON callers.
            if final is not None:
                reply_vector = self.vectors.save(turn.prompt, reply_id, context, text, question)
        finally:
            live.settled.set()
        # Enrichment, queued: the reader already has the whole reply.
        if status is Status.COMPLETE and final is not None:
            done = FinishedExchange(user_id, turn.prompt, reply_id, text, model, reply_vector)
            self.enrichment.after_reply(done)
