"""Every error threadgraph raises on purpose: one root, a few kinds, and their specifics.

Services, adapters and the store raise these; the API turns each into one HTTP status in a
single handler (``api/errors.py``, which walks the class's MRO, so a subclass gets its
nearest ancestor's status). Nothing below the API knows about HTTP. The specific errors
are defined here and re-exported where they are used (``ports.ModelError``,
``local_neo4j.LocalNeo4jError``, ``services.imports.records.MalformedChat``).
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


class Unauthorized(ThreadgraphError):
    """The request is not signed in (no key, a wrong, revoked or expired one)."""

    code = "unauthorized"


class Forbidden(ThreadgraphError):
    """The caller may not use this route at all (a member on an admin route). Never used
    for another person's object: that is NotFound."""

    code = "forbidden"


class RateLimited(ThreadgraphError):
    """Too many requests with one API key; ``retry_after``: seconds to wait."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Conflict(ThreadgraphError):
    """The request clashes with what is stored (an id reused for a different object)."""

    code = "conflict"


class TooLarge(ThreadgraphError):
    """The input is over a configured size limit."""

    code = "too_large"


class Unavailable(ThreadgraphError):
    """A dependency (Neo4j, a model endpoint) cannot be reached."""

    code = "unavailable"


class ModelError(ThreadgraphError):
    """The model could not answer: the reason is shown to the person and kept on the reply."""

    code = "model_error"


class ModelUnavailable(ModelError):
    """The model endpoint could not be reached or timed out."""

    code = "model_unavailable"


class LocalNeo4jError(ThreadgraphError):
    """The Neo4j that threadgraph runs itself (``threadgraph neo4j ...``) failed to start,
    stop or install."""

    code = "local_neo4j"


class MalformedChat(InvalidInput):
    """One conversation of an import file cannot be imported: it is skipped with this reason."""

    code = "malformed_chat"

    @property
    def reason(self) -> str:
        return self.message


class MalformedFile(InvalidInput):
    """An import file as a whole is not an export of the format: nothing is imported."""

    code = "malformed_file"

    @property
    def reason(self) -> str:
        return self.message
