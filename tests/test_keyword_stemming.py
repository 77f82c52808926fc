"""The full-text index stems English (migration 0009): another form of a word finds the
message, through the memory query and through search, and still only the owner's."""

from __future__ import annotations

from threadgraph.models import NewMessage, Role
from threadgraph.rules import new_id
from threadgraph.services.context import keyword_query
from threadgraph.store import Neo4jStore


def test_other_forms_of_a_word_match_and_stay_the_owners(store: Neo4jStore) -> None:
    said = "Melanie: I painted a sunrise over the lake last weekend."
    other = store.ensure_user(new_id(), "other").id
    theirs = store.create_chat(other, "theirs")
    store.append_message(other, theirs.id, NewMessage(Role.USER, said))
    store.append_message(other, theirs.id, NewMessage(Role.ASSISTANT, "Lovely."))
    me = store.ensure_user(new_id(), "me").id
    chat = store.create_chat(me, "art")
    prompt = store.append_message(me, chat.id, NewMessage(Role.USER, said)).message
    store.append_message(me, chat.id, NewMessage(Role.ASSISTANT, "Lovely."))
    asking = store.create_chat(me, "asking")

    # Neither "painting" nor "sunrises" is written anywhere: only their stems match.
    words = keyword_query("When was the painting of sunrises?")
    assert "painting" in words
    hits = store.memory_candidates(me, asking.id, None, words, [], 10, 10, 0.0)
    assert [(h.via, h.prompt_id) for h in hits] == [("keyword", prompt.id)]

    found = store.search_messages(me, None, keyword_query("painting"), limit=10, vector_floor=0.3)
    assert [h.message.id for h in found] == [prompt.id]
