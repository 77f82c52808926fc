"""What a reader of a reply is told, as typed events: the reply started, a piece of text
came, the reply ended, or the model failed.

The reply's writer (``ChatTurns``) publishes them while it runs; :func:`replay` makes the
same events from the stored prompt and reply once it has ended, so a reader that comes
late (a retried prompt id, a reloaded page) reads what a reader who was there read, with
the text in one piece. The API turns them into server-sent events in one place
(``api/streaming.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from threadgraph.models import Message, Status


@dataclass(frozen=True)
class Started:
    """The prompt is stored and the reply exists, empty and ``streaming``."""

    prompt: Message
    reply: Message
    local_model: bool  # the model runs in this process (offline), not at an endpoint


@dataclass(frozen=True)
class Delta:
    """The next piece of the reply's text."""

    text: str


@dataclass(frozen=True)
class Outcome:
    """How the reply ended, as stored. ``reply`` is None when the end could not be written
    (the reply is then marked ``incomplete`` at the next start)."""

    status: Status
    tokens: int | None
    prompt_tokens: int | None
    message: str | None  # why it ended early or failed; None when complete
    reply: Message | None


@dataclass(frozen=True)
class Ended(Outcome):
    """The reply ended: ``complete``, or ``incomplete`` (stopped, or the server shut down)."""


@dataclass(frozen=True)
class Failed(Outcome):
    """The model failed; the reply is kept as ``failed`` with the reason."""


ReplyEvent = Started | Delta | Ended | Failed


def is_terminal(event: ReplyEvent) -> bool:
    """The last event of a reply: nothing follows it."""
    return isinstance(event, Outcome)


def outcome(
    status: Status,
    tokens: int | None,
    prompt_tokens: int | None,
    message: str | None,
    reply: Message | None,
) -> Ended | Failed:
    kind = Failed if status is Status.FAILED else Ended
    return kind(status, tokens, prompt_tokens, message, reply)


def as_started(reply: Message) -> Message:
    """The reply as it was when it started: empty, streaming, no counts yet."""
    return replace(
        reply, content="", status=Status.STREAMING, tokens=None, prompt_tokens=None, error=None
    )


def replay(prompt: Message | None, reply: Message, local_model: bool) -> list[ReplyEvent]:
    """The events of a reply that is no longer being written, from what is stored.
    Without its prompt (a message that answers nothing) there is no ``Started``."""
    events: list[ReplyEvent] = []
    if prompt is not None:
        events.append(Started(prompt, as_started(reply), local_model))
    if reply.content:
        events.append(Delta(reply.content))
    events.append(outcome(reply.status, reply.tokens, reply.prompt_tokens, reply.error, reply))
    return events
