"""Asking the chat model one thing about one exchange (a title, its topics), off the hot
path: the whole answer as text, or "" when the model fails, so callers fall back."""

from __future__ import annotations

from threadgraph.errors import ModelError
from threadgraph.llm.catalog import ModelCatalog
from threadgraph.ports import PromptMessage, Usage


def ask_about_exchange(
    catalog: ModelCatalog,
    model: str,
    instruction: str,
    prompt: str,
    reply: str,
    excerpt_chars: int,
    max_tokens: int,
) -> str:
    """``instruction`` as the system message, the exchange (each side cut to
    ``excerpt_chars``) as the user's; the model's answer, or "" if it failed."""
    try:
        pieces = catalog.stream(
            model,
            [
                PromptMessage("system", instruction),
                PromptMessage(
                    "user", f"User: {prompt[:excerpt_chars]}\n\nAssistant: {reply[:excerpt_chars]}"
                ),
            ],
            max_tokens=max_tokens,
        )
        return "".join(p for p in pieces if not isinstance(p, Usage))
    except ModelError:
        return ""
