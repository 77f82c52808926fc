"""A chat's title after its first exchange: asked of the model, with a plain fallback."""

from __future__ import annotations

import re

from threadgraph.llm.catalog import ModelCatalog
from threadgraph.services.exchange_question import ask_about_exchange

MAX_WORDS = 8
INSTRUCTION = (
    "Write a short title (at most six words) for a conversation that starts like this. "
    "Answer with the title only, no quotes."
)


def make_title(catalog: ModelCatalog, model: str, prompt: str, reply: str) -> str:
    answer = ask_about_exchange(catalog, model, INSTRUCTION, prompt, reply, 1000, max_tokens=24)
    return clean_title(answer) or fallback_title(prompt)


def clean_title(text: str) -> str:
    """The first line, without quotes, "Title:" or trailing punctuation; '' if unusable."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = re.sub(r"^(title\s*:\s*)", "", line, flags=re.IGNORECASE)
    line = line.strip(" \"'`*#.").strip()
    words = line.split()
    if not words or len(words) > MAX_WORDS:
        return ""
    return " ".join(words)[:80]


def fallback_title(prompt: str) -> str:
    words = prompt.split()
    title = " ".join(words[:MAX_WORDS])
    if len(words) > MAX_WORDS:
        title += "…"
    return title[:80] or "New chat"
