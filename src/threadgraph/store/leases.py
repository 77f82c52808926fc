"""Replies being written, held by leases (``leases.cypher``).

A reply is written by the process that started it (services/chat_turns.py). Several
replicas may share one Neo4j, so what a process knows only in memory is not enough: the
reply node carries its writer (``owner``, an instance id) and ``lease_until``. The writer
renews the lease as it checkpoints and on a timer (services/reply_leases.py); any replica
ends a reply whose lease has run out, and never one whose writer is alive. A stop asked
on any replica is a flag on the node that the writer reads when it renews.
"""

from __future__ import annotations

from threadgraph.models import ReplyLease
from threadgraph.store import records
from threadgraph.store.session import Tx

INTERRUPTED = "the server stopped while this reply was being written"


def checkpoint(tx: Tx, message_id: str, content: str, lease: ReplyLease) -> bool:
    """Save the partial text of a streaming reply and renew its lease. True when the
    writer should stop: someone asked (on any replica), or it is no longer streaming."""
    row = tx.one(
        "leases.checkpoint",
        message_id=message_id,
        content=content,
        lease_until=records.lease_until(lease),
    )
    return row is None or bool(row["stop_requested"])


def renew(
    tx: Tx, reply_ids: list[str], lease: ReplyLease, texts: dict[str, str] | None = None
) -> set[str]:
    """Renew the leases of the replies this process writes, saving the text ``texts``
    has for some of them; returns those to stop."""
    row = tx.one(
        "leases.renew",
        ids=reply_ids,
        texts=texts or {},
        lease_until=records.lease_until(lease),
    )
    return set(row["stop"]) if row is not None else set()


def request_stop(tx: Tx, user_id: str, reply_id: str) -> bool:
    """Flag one of the person's streaming replies to stop; False if it is not streaming."""
    row = tx.one("leases.request_stop", message_id=reply_id, user_id=user_id)
    return row is not None


def expire(tx: Tx) -> int:
    """Replies whose writer died (their lease ran out unrenewed) become ``incomplete``
    with the text they had; a reply another replica is still writing is not touched."""
    row = tx.one("leases.expire", reason=INTERRUPTED, now=records.now())
    return int(row["marked"]) if row is not None else 0
