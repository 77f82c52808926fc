"""What a stored message's vector is made of: the message, then the turn it answers.

A turn in a conversation often makes sense only beside the one before it ("Yes, twice
last summer", "That one was for my sister"). Embedding the message alone loses what it
is about; embedding it with the turn it answers keeps it. The message comes first: the
embedder reads a bounded number of tokens (all-MiniLM-L6-v2: 256), so a long answered
turn is cut, never the message itself. Measured on LoCoMo (docs/retrieval.md): memory
recall R@5/R@10 68.5/79.1 with the message alone, 72.3/82.1 read this way; with the
answered turn first 70.1/80.3.

A question put to the memory is still embedded alone: it is the new turn, not a stored
one.
"""

from __future__ import annotations

SEPARATOR = "\n\n"


def text_to_embed(content: str, answered: str | None) -> str:
    """The text whose vector is stored for a message (``answered``: the content of the
    message it follows, if any)."""
    if not answered or not answered.strip():
        return content
    return f"{content}{SEPARATOR}{answered}"
