"""Which chat models exist and which adapter answers each one.

The endpoint's models (when ``OPENAI_BASE_URL`` is set) and the local offline model are
listed together. A model name is routed to the local model when it is the local model's
id, otherwise to the endpoint. The default is ``THREADGRAPH_DEFAULT_MODEL``, else the
local model when no endpoint is configured, else the endpoint's first model.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence

from threadgraph.errors import InvalidInput, ModelError, ModelUnavailable
from threadgraph.ports import (
    ChatModel,
    ModelInfo,
    PromptMessage,
    Usage,
)

log = logging.getLogger(__name__)

# How long the endpoint's list of models is trusted when checking a name asked for.
OFFER_SECONDS = 30.0


class ModelCatalog:
    def __init__(
        self,
        endpoint: ChatModel | None,
        local: ChatModel | None,
        default_model: str | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.local = local
        self._default = default_model
        self._local_ids = {m.id for m in local.list_models()} if local else set()
        self._offered: tuple[float, set[str]] | None = None  # (when listed, endpoint's ids)
        self._offered_lock = threading.Lock()

    def list_models(self) -> tuple[list[ModelInfo], str | None]:
        """Every model on offer, and why the endpoint's list is missing when it is."""
        models: list[ModelInfo] = []
        problem = None
        if self.endpoint is not None:
            try:
                models.extend(self.endpoint.list_models())
            except ModelError as error:
                problem = error.message
        if self.local is not None:
            models.extend(self.local.list_models())
        return models, problem

    def default_model(self) -> str:
        if self._default:
            return self._default
        if self.endpoint is None and self._local_ids:
            return sorted(self._local_ids)[0]
        if self.endpoint is not None:
            try:
                listed = self.endpoint.list_models()
            except ModelError:
                listed = []
            if listed:
                return listed[0].id
        if self._local_ids:
            return sorted(self._local_ids)[0]
        raise ModelUnavailable(
            "no chat model is available: set OPENAI_BASE_URL or enable the local model"
        )

    def default_is_local(self) -> bool:
        """Whether the default model is the local one, decided without asking the
        endpoint for its list (start-up must not wait on the network)."""
        if self._default:
            return self.is_local(self._default)
        return self.endpoint is None and bool(self._local_ids)

    def load_default(self) -> str | None:
        """Load what the default model needs in this process: the local model's weights,
        or the endpoint client's code. Returns the local model's id when it was loaded."""
        if self.endpoint is not None:
            self.endpoint.load()
        if self.local is None or not self.default_is_local():
            return None
        self.local.load()
        return self.default_model()

    def close(self) -> None:
        for model in (self.endpoint, self.local):
            if model is not None:
                model.close()

    def check_offered(self, model: str | None) -> None:
        """A model asked for by name is one on offer (GET /api/models), or the request is
        a 400 before anything is stored: not a failed reply and a 502 from the endpoint,
        for a name the caller mistyped. The endpoint's list is kept OFFER_SECONDS; when
        it cannot be had, the name is let through (the call will say what is wrong)."""
        if model is None or not model.strip() or self.is_local(model):
            return  # none asked for, or a blank one (a rule of its own: "model is empty")
        offered = self._endpoint_ids()
        if offered is not None and model.strip() not in offered:
            raise InvalidInput(f"model {model!r} is not offered here: GET /api/models lists them")

    def _endpoint_ids(self) -> set[str] | None:
        if self.endpoint is None:
            return set()
        with self._offered_lock:
            if self._offered is not None and time.monotonic() - self._offered[0] < OFFER_SECONDS:
                return self._offered[1]
            try:
                ids = {m.id for m in self.endpoint.list_models()}
            except ModelError:
                return None
            self._offered = (time.monotonic(), ids)
            return ids

    def is_local(self, model: str) -> bool:
        return model in self._local_ids

    def stream(
        self, model: str, messages: Sequence[PromptMessage], max_tokens: int
    ) -> Iterator[str | Usage]:
        if self.is_local(model):
            assert self.local is not None
            return self.local.stream(model, messages, max_tokens)
        if self.endpoint is None:
            raise ModelError(
                f"model {model!r} is not the local model and no OPENAI_BASE_URL is configured"
            )
        return self.endpoint.stream(model, messages, max_tokens)
