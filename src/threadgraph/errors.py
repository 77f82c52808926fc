"""One root exception and a few specific ones.

Services and the store raise these; the API turns each into one HTTP status in a single
handler (``api/errors.py``). Nothing below the API knows about HTTP.
"""


class ThreadgraphError(Exception):
    """Root of every error threadgraph raises on purpose."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(ThreadgraphError):
    """The request is malformed or breaks a rule (empty content, a parent from elsewhere)."""

    code = "invalid_input"


class NotFound(ThreadgraphError):
    """The object does not exist, or it belongs to another user: the two are not told apart."""

    code = "not_found"


class Conflict(ThreadgraphError):
    """The request clashes with what is stored (an id reused for a different object)."""

    code = "conflict"


class TooLarge(ThreadgraphError):
    """The input is over a configured size limit."""

    code = "too_large"


class Unavailable(ThreadgraphError):
    """A dependency (Neo4j, a model endpoint) cannot be reached."""

    code = "unavailable"
