"""Any OpenAI-compatible embeddings endpoint (``/v1/embeddings``)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import openai

from threadgraph.errors import Unavailable


class OpenAIEmbedder:
    def __init__(
        self, base_url: str, api_key: str | None, model: str, dimension: int, timeout: float
    ) -> None:
        self._client = openai.OpenAI(
            base_url=base_url, api_key=api_key or "not-needed", timeout=timeout, max_retries=1
        )
        self._model = model
        self._dimension = dimension

    @property
    def name(self) -> str:
        return self._model

    @property
    def dimension(self) -> int:
        return self._dimension

    def load(self) -> None:
        """Nothing to load: the endpoint holds the model."""

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        try:
            response = self._client.embeddings.create(model=self._model, input=list(texts))
        except openai.OpenAIError as error:
            raise Unavailable(f"the embeddings endpoint failed: {error}") from error
        vectors = [item.embedding for item in sorted(response.data, key=lambda d: d.index)]
        return [_normalised(v) for v in vectors]


def _normalised(vector: list[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]
