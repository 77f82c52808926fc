"""The store's pure parts, without Neo4j: rows into records, ids, times, the cursor."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from threadgraph.errors import Conflict, InvalidInput, NotFound
from threadgraph.models import Chat, NewMessage, Role, Status
from threadgraph.rules import new_id
from threadgraph.store import records


def a_chat(updated_at: datetime) -> Chat:
    return Chat(
        id=new_id(),
        title="t",
        model=None,
        created_at=updated_at,
        updated_at=updated_at,
        head_id=None,
    )


def test_the_page_cursor_round_trips_and_refuses_what_it_did_not_make() -> None:
    chat = a_chat(datetime(2026, 11, 28, 9, 30, 1, 123456, tzinfo=UTC))
    assert records.decode_cursor(records.encode_cursor(chat)) == (chat.updated_at, chat.id)
    for forged in ("", "not-base64!", "eyJ4IjoxfQ"):  # the last is {"x":1}
        with pytest.raises(InvalidInput, match="cursor"):
            records.decode_cursor(forged)


def test_a_malformed_id_finds_nothing_and_a_good_one_is_canonical() -> None:
    upper = "0A1B2C3D-0000-4000-8000-000000000001"
    assert records.lookup_id(upper, "chat") == upper.lower()
    with pytest.raises(NotFound, match="chat 'nope' not found"):
        records.lookup_id("nope", "chat")


def test_times_come_as_microseconds_or_as_datetimes() -> None:
    moment = datetime(2026, 11, 28, 9, 30, 1, 123456, tzinfo=UTC)
    micros = int(moment.timestamp()) * 1_000_000 + moment.microsecond
    assert records.instant(micros) == moment
    assert records.instant(moment) == moment


def test_a_message_row_and_a_retry_that_asks_for_something_else() -> None:
    row = {
        "id": new_id(),
        "chat_id": new_id(),
        "parent_id": None,
        "user_id": new_id(),
        "role": "user",
        "content": "hello",
        "status": "complete",
        "created_at": 1_700_000_000_000_000,
    }
    message = records.message(row)
    assert (message.role, message.status, message.model) == (Role.USER, Status.COMPLETE, None)
    same = NewMessage(Role.USER, "hello", id=message.id)
    assert records.same_message(message, message.user_id, message.chat_id, same, None) == message
    other = NewMessage(Role.USER, "goodbye", id=message.id)
    with pytest.raises(Conflict, match="already used for a different message"):
        records.same_message(message, message.user_id, message.chat_id, other, None)
