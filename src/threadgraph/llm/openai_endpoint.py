"""Any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM, llama.cpp
server, LM Studio), through the official ``openai`` client."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import openai
from openai.types.chat import ChatCompletionMessageParam

from threadgraph.errors import ModelError, ModelUnavailable
from threadgraph.ports import ModelInfo, PromptMessage, Usage


class OpenAIEndpoint:
    def __init__(self, base_url: str, api_key: str | None, timeout_seconds: float) -> None:
        self.base_url = base_url
        # Local servers (Ollama, llama.cpp) need no key, but the client insists on one.
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key or "not-needed",
            timeout=timeout_seconds,
            max_retries=0,  # a failed reply is kept as failed and retried by the person
        )

    def load(self) -> None:
        """The endpoint holds the model; what loads here is the SDK's own code for chat
        completions, which it imports on first use (tens of ms, more on a busy machine)."""
        _ = self._client.chat.completions

    def close(self) -> None:
        self._client.close()

    def list_models(self) -> list[ModelInfo]:
        with _as_model_errors(self.base_url):
            page = self._client.models.list()
            return [ModelInfo(id=m.id, provider="endpoint", label=m.id) for m in page.data]

    def stream(
        self, model: str, messages: Sequence[PromptMessage], max_tokens: int
    ) -> Iterator[str | Usage]:
        params: list[ChatCompletionMessageParam] = [
            {"role": m.role, "content": m.content}  # type: ignore[misc]
            for m in messages
        ]
        with _as_model_errors(self.base_url):
            stream = self._client.chat.completions.create(
                model=model,
                messages=params,
                stream=True,
                max_tokens=max_tokens,
                stream_options={"include_usage": True},
            )
            for chunk in stream:
                if chunk.usage is not None:
                    yield Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                for choice in chunk.choices:
                    if choice.delta is not None and choice.delta.content:
                        yield choice.delta.content


@contextmanager
def _as_model_errors(base_url: str) -> Iterator[None]:
    """Turn the client's exceptions into a reason a person can read."""
    try:
        yield
    except openai.APITimeoutError as error:
        raise ModelUnavailable(f"the model endpoint {base_url} timed out") from error
    except openai.APIConnectionError as error:
        raise ModelUnavailable(f"could not connect to the model endpoint {base_url}") from error
    except openai.APIStatusError as error:
        detail = _error_detail(error)
        suffix = f": {detail}" if detail else ""
        raise ModelError(f"the model endpoint answered {error.status_code}{suffix}") from error
    except (openai.APIError, ValueError) as error:
        raise ModelError(f"the model endpoint sent a malformed response ({error})") from error


def _error_detail(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])[:300]
        if isinstance(inner, str):
            return inner[:300]
    return str(error.message)[:300]
