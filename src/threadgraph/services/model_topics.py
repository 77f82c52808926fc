"""Topics named by the chat model, for people who switch it on (``topics_extractor=model``).

The model is asked for a small JSON object, ``{"topics": ["...", ...]}``. Small and local
models often wrap it in prose or code fences, so the first JSON object or list in the
answer is taken and anything that is not a short string is dropped. Each name is then
embedded with the same model as messages, so deduplication against the person's
topics and the ``BELONGS_TO {score}`` edges work exactly as for the offline extractor.
When the model fails or answers nothing usable, the caller falls back to key phrases.
"""

from __future__ import annotations

import json
import re
from typing import Any

from threadgraph.llm.catalog import ModelCatalog
from threadgraph.ports import Embedder
from threadgraph.services.exchange_question import ask_about_exchange
from threadgraph.services.topics import MAX_TOPICS, TopicCandidate, dot, normalize

INSTRUCTION = (
    "You label conversations with topics. Give the 1 to 3 main topics of the conversation "
    "below as short noun phrases of one to three words. Answer with JSON only, in the form "
    '{"topics": ["first topic", "second topic"]}.'
)
MAX_NAME_CHARS = 60
_JSON_START = re.compile(r"[\[{]")


def extract_topics_with_model(
    catalog: ModelCatalog, model: str, embedder: Embedder, prompt: str, reply: str
) -> list[TopicCandidate]:
    """The model's topics for one exchange, scored against it; [] if the model gave none."""
    answer = ask_about_exchange(catalog, model, INSTRUCTION, prompt, reply, 2000, max_tokens=80)
    names = parse_topic_names(answer)
    if not names:
        return []
    vectors = embedder.embed([f"{prompt}\n{reply}", *names])
    exchange = vectors[0]
    return [
        TopicCandidate(name, normalize(name), max(0.0, dot(exchange, vector)), vector)
        for name, vector in zip(names, vectors[1:], strict=True)
    ]


def parse_topic_names(answer: str) -> list[str]:
    """Topic names from the first JSON object or list in ``answer``, deduplicated."""
    value = _first_json(answer)
    if isinstance(value, dict):
        value = value.get("topics")
    if not isinstance(value, list):
        return []
    names: list[str] = []
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, str):
            continue
        name = " ".join(item.split()).strip(" .,;:\"'`#*")
        key = normalize(name)
        if not key or len(name) > MAX_NAME_CHARS or key in seen:
            continue
        seen.add(key)
        names.append(name)
        if len(names) == MAX_TOPICS:
            break
    return names


def _first_json(text: str) -> Any:
    decoder = json.JSONDecoder()
    for match in _JSON_START.finditer(text):
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except ValueError:
            continue
        return value
    return None
