"""Notes an agent saves for a person (the MCP tool ``save_note``): one chat per person,
"Notes from agents", in which every note is an exchange.

A note is stored as a prompt (a ``user`` message naming the note) and a complete
``assistant`` reply holding its text, because memory retrieval recalls exchanges (a
prompt with its reply, ``retrieval.cypher`` ``memory``): stored that way, a note is found
by the person's later chats and by search like any other turn, and the person reads it in
the web page as a chat. The chat's id is derived from the person's id, so the notes of
one person always land in one chat, created by the first note (and again after the person
deletes it; while a fork of it still holds its history, the hidden chat answers not found).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from threadgraph.models import Chat, Message, NewMessage
from threadgraph.store import chats, turns
from threadgraph.store.session import Tx

NOTES_TITLE = "Notes from agents"
# uuid5 namespace of the notes chats' ids (a fixed, random UUID: never change it, or
# people's next notes start a second chat).
_NOTES_NAMESPACE = uuid.UUID("6f1d9a52-3b0e-4c55-9f4e-2f6a1c7d8e90")


@dataclass(frozen=True)
class SavedNote:
    chat: Chat
    heading: Message  # the prompt: what the note is
    note: Message  # the reply: the note's text


def notes_chat_id(user_id: str) -> str:
    return str(uuid.uuid5(_NOTES_NAMESPACE, user_id))


def save(tx: Tx, user_id: str, heading: NewMessage, note: NewMessage) -> SavedNote:
    """The person's notes chat (made when missing), the heading under its HEAD and the
    note under the heading; HEAD ends on the note."""
    chat = chats.create(tx, user_id, notes_chat_id(user_id), NOTES_TITLE, "user", None)
    prompt = turns.append(tx, user_id, chat.id, heading, None).message
    reply = turns.append(tx, user_id, chat.id, note, prompt.id).message
    return SavedNote(chats.get(tx, user_id, chat.id), prompt, reply)
