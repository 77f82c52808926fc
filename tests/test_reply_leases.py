"""A reply being written is held by a lease (store/leases.py): only a reply whose lease
ran out is ended by someone else, and a stop asked anywhere reaches its writer."""

from __future__ import annotations

import time

from neo4j import Driver

from threadgraph.config import Settings
from threadgraph.models import NewMessage, Role, Status, User
from threadgraph.store import Neo4jStore


def replica(store: Neo4jStore, settings: Settings, lease_seconds: float) -> Neo4jStore:
    """Another process's store on the same database: its own instance id and lease."""
    return Neo4jStore(store.db, settings.model_copy(update={"reply_lease_seconds": lease_seconds}))


def begun(store: Neo4jStore, user: User, text: str = "hello") -> str:
    chat = store.create_chat(user.id)
    turn = store.begin_turn(user.id, chat.id, NewMessage(Role.USER, text), "m")
    return turn.reply.id


def test_a_streaming_reply_carries_its_writer_and_lease(
    store: Neo4jStore, driver: Driver, user: User
) -> None:
    reply_id = begun(store, user)
    records, _, _ = driver.execute_query(
        "MATCH (m:Message {id: $id}) RETURN m.owner AS owner, m.lease_until AS until, "
        "m.lease_until > datetime() AS ahead",
        id=reply_id,
    )
    assert records[0]["owner"] == store.lease.owner
    assert records[0]["ahead"] is True
    # A prompt is no reply being written: no lease.
    prompt = store.get_message(user.id, store.get_message(user.id, reply_id).parent_id or "")
    rows, _, _ = driver.execute_query(
        "MATCH (m:Message {id: $id}) RETURN m.owner AS owner", id=prompt.id
    )
    assert rows[0]["owner"] is None


def test_a_live_lease_is_not_touched_and_an_expired_one_is_ended(
    store: Neo4jStore, settings: Settings, user: User
) -> None:
    short = replica(store, settings, lease_seconds=1.0)
    other = replica(store, settings, lease_seconds=60.0)
    assert short.lease.owner != other.lease.owner
    held = begun(other, user, "held")  # 60 s: its writer is alive
    lapsing = begun(short, user, "lapsing")
    short.checkpoint_reply(lapsing, "words so far")
    time.sleep(1.3)  # the short lease runs out unrenewed: its writer "died"

    other.mark_interrupted_replies()

    ended = store.get_message(user.id, lapsing)
    assert ended.status is Status.INCOMPLETE
    assert ended.content == "words so far"
    assert "server stopped" in (ended.error or "")
    assert store.get_message(user.id, held).status is Status.STREAMING


def test_renewing_keeps_a_reply_alive_past_its_first_lease(
    store: Neo4jStore, settings: Settings, user: User
) -> None:
    short = replica(store, settings, lease_seconds=1.0)
    reply_id = begun(short, user)
    for _ in range(3):
        time.sleep(0.5)
        assert short.renew_leases([reply_id]) == set()
    store.mark_interrupted_replies()  # 1.5 s after it began: alive, as renewed
    assert store.get_message(user.id, reply_id).status is Status.STREAMING


def test_a_stop_asked_elsewhere_reaches_the_writer(
    store: Neo4jStore, settings: Settings, user: User, other_user: User
) -> None:
    writer = replica(store, settings, lease_seconds=30.0)
    reply_id = begun(writer, user)
    assert writer.checkpoint_reply(reply_id, "so far") is False

    # Another person cannot stop it: their stop finds nothing.
    assert store.request_stop(other_user.id, reply_id) is False
    assert writer.renew_leases([reply_id]) == set()

    assert store.request_stop(user.id, reply_id) is True
    assert writer.checkpoint_reply(reply_id, "so far, and more") is True
    assert writer.renew_leases([reply_id]) == {reply_id}


def test_a_reply_ended_elsewhere_tells_its_writer_to_stop(
    store: Neo4jStore, settings: Settings, user: User
) -> None:
    writer = replica(store, settings, lease_seconds=1.0)
    reply_id = begun(writer, user)
    time.sleep(1.3)
    assert store.mark_interrupted_replies() >= 1
    # The writer was only cut off from Neo4j: back, it learns the reply was ended.
    assert writer.renew_leases([reply_id]) == {reply_id}
    assert writer.checkpoint_reply(reply_id, "late words") is True
    assert store.get_message(user.id, reply_id).content == ""


def test_one_renewal_saves_the_text_of_every_reply_that_has_more(
    store: Neo4jStore, settings: Settings, user: User
) -> None:
    writer = replica(store, settings, lease_seconds=1.0)
    more, quiet, ended = begun(writer, user), begun(writer, user), begun(writer, user)
    writer.checkpoint_reply(quiet, "already saved")
    time.sleep(1.3)  # every lease runs out; one of the replies is ended by another process
    writer.renew_leases([more, quiet])
    assert store.mark_interrupted_replies() >= 1
    assert store.get_message(user.id, ended).status is Status.INCOMPLETE
    before = writer.db.transactions

    texts = {more: "new words", ended: "too late"}
    stop = writer.renew_leases([more, quiet, ended], texts)

    assert writer.db.transactions == before + 1  # one write for all three
    assert stop == {ended}  # it has ended: its writer must stop
    assert store.get_message(user.id, more).content == "new words"
    assert store.get_message(user.id, quiet).content == "already saved"  # nothing new
    assert store.get_message(user.id, ended).content == ""  # an ended reply takes nothing
