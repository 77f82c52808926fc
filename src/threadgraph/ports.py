"""Small interfaces the services depend on; adapters implement them.

The graph store is concrete (``store.Neo4jStore``: we test against a real Neo4j and keep
one implementation). Chat models have several implementations, so they get a Protocol.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PromptMessage:
    """One message as a chat model receives it."""

    role: str
    content: str


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int | None
    completion_tokens: int | None


@dataclass(frozen=True)
class ModelInfo:
    id: str
    provider: str  # "endpoint" (OpenAI-compatible) or "local" (offline, in process)
    label: str


class ChatModel(Protocol):
    def list_models(self) -> list[ModelInfo]: ...

    def stream(
        self, model: str, messages: Sequence[PromptMessage], max_tokens: int
    ) -> Iterator[str | Usage]:
        """Yield text deltas as they come, then (when known) one Usage; raise ModelError."""
        ...

    def load(self) -> None:
        """Load weights held in this process now, not on the first request."""
        ...

    def close(self) -> None:
        """Let go of connections (the app calls this when it shuts down)."""
        ...


class Embedder(Protocol):
    """Text to vectors; one method, as neo4j-graphrag's Embedder."""

    @property
    def dimension(self) -> int: ...

    @property
    def name(self) -> str: ...

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One normalised vector per text, in order."""
        ...

    def load(self) -> None:
        """Make the first ``embed`` as fast as the next ones (the server calls this at
        start-up, before it says it is ready); a no-op where nothing is loaded."""
        ...


class TokenCounter(Protocol):
    def count(self, text: str) -> int: ...
