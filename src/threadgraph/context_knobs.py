"""The knobs of context assembly, written once: each one's name, default, bounds, the
setting that changes its default and what it means.

Three things are derived from :class:`ContextOptions` (and nothing else spells a knob's
default or bounds): ``Settings``' defaults (``config.py``, read from
``THREADGRAPH_<setting>``), :meth:`ContextOptions.from_settings`, and the API's
per-request overrides (``api/schemas.ContextKnobs``, with the bounds below). This module
imports nothing of threadgraph's, so that ``config.py`` can use it.
"""

from __future__ import annotations

from dataclasses import Field, dataclass, field, fields, replace
from typing import Any


def knob(
    default: Any,
    setting: str,
    low: float | None = None,
    high: float | None = None,
    choices: tuple[str, ...] = (),
    doc: str = "",
    per_request: bool = True,
) -> Any:
    """One knob: its default, the Settings field that replaces it, the bounds a request
    must keep (``low``/``high`` inclusive, or ``choices``), and whether a request may set
    it (``per_request``)."""
    meta = {
        "setting": setting,
        "low": low,
        "high": high,
        "choices": choices,
        "doc": doc,
        "per_request": per_request,
    }
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class ContextOptions:
    """Knobs for one assembly: the defaults, else the settings, else a request's values."""

    memory: bool = knob(True, "memory_enabled", doc="Draw on earlier chats")
    k: int = knob(5, "memory_k", 0, 50, doc="Earlier exchanges at most")
    vector_floor: float = knob(
        0.35, "memory_vector_floor", -1, 1, doc="Cosine similarity below which a memory is noise"
    )
    branch_budget_tokens: int = knob(
        3000, "branch_budget_tokens", 1, 200_000, doc="Tokens of the branch, newest kept first"
    )
    memory_budget_tokens: int = knob(
        1000, "memory_budget_tokens", 0, 100_000, doc="Tokens of earlier exchanges at most"
    )
    candidates: int = knob(
        20, "memory_candidates", doc="Fetched from each index before fusion", per_request=False
    )
    keyword_weight: float = knob(
        1.5, "memory_keyword_weight", 0, 10, doc="The full-text ranking's weight (vector: 1)"
    )
    topic_weight: float = knob(
        0.0, "memory_topic_weight", 0, 10, doc="The shared-topic ranking's weight; 0 = off"
    )
    topic_floor: float = knob(
        0.5, "memory_topic_floor", -1, 1, doc="Question-to-topic similarity for a topic to count"
    )
    fusion: str = knob(
        "score",
        "memory_fusion",
        choices=("rrf", "score"),
        doc="Fuse the methods by normalised scores or by ranks",
    )
    unit: str = knob(
        "message",
        "memory_unit",
        choices=("exchange", "message"),
        doc="What one memory is: a prompt and its reply, or the one message found",
    )
    neighbour_weight: float = knob(
        0.5,
        "memory_neighbour_weight",
        0,
        10,
        doc="Share of the best neighbour's score a message gains (unit 'message'); 0 = off",
    )
    date_weight: float = knob(
        2.0,
        "memory_date_weight",
        0,
        10,
        doc="Added to a memory said on a date the question names (a month, day, year); 0 = off",
    )
    neighbour_candidates: bool = knob(
        True,
        "memory_neighbour_candidates",
        doc="The turns beside the hits are memories too, scored by that share (unit 'message')",
    )

    @classmethod
    def from_settings(cls, settings: object) -> ContextOptions:
        """Each knob from its setting (``config.Settings``)."""
        return cls(**{k.name: getattr(settings, k.metadata["setting"]) for k in fields(cls)})

    def with_overrides(self, **overrides: object) -> ContextOptions:
        """These values instead of the current ones (None: keep the current one)."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]


DEFAULTS = ContextOptions()


def per_request() -> list[Field[Any]]:
    """The knobs a request may set, in order."""
    return [k for k in fields(ContextOptions) if k.metadata["per_request"]]
