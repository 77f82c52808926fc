"""The vectors of a turn's messages: the prompt's, computed while the prompt is written,
and the reply's (with the prompt's again, read with the turn it answers) once the reply's
end is written and told, in a write of their own: the reader of a stream no longer waits
for the encode (which yields to prompts, so under load it waited long) or its write.

A prompt's vector is the memory question: the context assembly needs it before the
model is called. It used to be computed before the prompt's write, and the write waited
for it; now both run at once (the encode on a thread of its own, the write on the
request's), and the prompt is stored without a vector, written with the reply's. Should
the process die before that, the messages are found by their words until ``threadgraph
embeddings backfill`` gives them one. A JSON caller (``wait_for_reply``) is answered once
the vectors are stored, so what it reads next is whole.

Embedding never costs a person a message: a failed encode is logged and the message is
stored without a vector.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor

from threadgraph.embeddings.local import in_background
from threadgraph.embeddings.message_text import text_to_embed
from threadgraph.errors import ThreadgraphError
from threadgraph.models import Message
from threadgraph.ports import Embedder
from threadgraph.services.context import AssembledContext
from threadgraph.store import Neo4jStore

log = logging.getLogger(__name__)

Vector = list[float]


class TurnVectors:
    def __init__(self, embedder: Embedder, store: Neo4jStore, workers: int) -> None:
        self.embedder = embedder
        self.store = store
        # Many at once, so that turns starting together share one encode (the embedder
        # batches the texts of the callers waiting on it).
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="prompt-vector")

    def question(self, text: str) -> Vector | None:
        """The text's vector now, or None when the encode failed."""
        try:
            return self.embedder.embed([text])[0]
        except Exception:
            log.warning("embedding failed; the message is stored without one", exc_info=True)
            return None

    def question_soon(self, text: str) -> Future[Vector | None]:
        """The text's vector, computed while the caller does something else."""
        return self._pool.submit(self.question, text)

    def at_end(
        self, prompt: Message, context: AssembledContext, reply: str, question: Vector | None
    ) -> tuple[Vector | None, Vector | None]:
        """The reply's vector and the prompt's, each read with the turn it answers
        (embeddings/message_text.py), in one call off the first token's path. The prompt's
        is None (the stored one stays) unless it answers a turn on the branch, or it was
        stored without one: then ``question``, its words' own vector, is written."""
        answered = context.branch[-2] if len(context.branch) > 1 else None
        texts = [text_to_embed(reply, prompt.content)] if reply.strip() else []
        if answered is not None and answered.id == prompt.parent_id:
            texts.append(text_to_embed(prompt.content, answered.content))
        try:
            # No one waits on these words any more: they yield to the prompts of turns
            # starting meanwhile, whose first token waits on their vectors (a profile of
            # 200 turns at once had prompts queued behind reply ends).
            vectors = in_background(self.embedder).embed(texts) if texts else []
        except Exception:
            log.warning("embedding failed; the reply is stored without one", exc_info=True)
            return None, question
        reply_vector = vectors.pop(0) if reply.strip() else None
        return reply_vector, (vectors[0] if vectors else question)

    def save(
        self,
        prompt: Message,
        reply_id: str,
        context: AssembledContext,
        reply: str,
        question: Vector | None,
    ) -> Vector | None:
        """Store the ended reply's vector (and the prompt's: :meth:`at_end`), and return
        the reply's. After the end is written and told: the reader does not wait for the
        encode and this write."""
        reply_vector, prompt_vector = self.at_end(prompt, context, reply, question)
        rows = [(reply_id, reply_vector)] if reply_vector is not None else []
        rows += [(prompt.id, prompt_vector)] if prompt_vector is not None else []
        try:
            if rows:
                self.store.set_embeddings(rows)
        except ThreadgraphError as error:  # backfill (threadgraph embeddings) fills it in
            log.warning("the vectors of reply %s were not saved: %s", reply_id, error.message)
        return reply_vector

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
