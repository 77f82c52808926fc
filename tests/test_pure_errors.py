"""The error hierarchy and its HTTP statuses, without Neo4j: one root, a status per kind,
and a subclass takes its nearest listed ancestor's status whatever order the table has."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from threadgraph.api import errors as api_errors
from threadgraph.api.errors import STATUS, install, status_for
from threadgraph.errors import (
    Conflict,
    InvalidInput,
    LocalNeo4jError,
    MalformedChat,
    MalformedFile,
    ModelError,
    ModelUnavailable,
    NotFound,
    ThreadgraphError,
    TooLarge,
    Unavailable,
)


class MissingChat(NotFound):
    code = "missing_chat"


class UnreachableModel(ModelUnavailable, Unavailable):
    """Both a model failure and a dependency away: the MRO says which comes first."""


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidInput("bad"), 400),
        (NotFound("gone"), 404),
        (MissingChat("gone"), 404),
        (Conflict("clash"), 409),
        (TooLarge("big"), 413),
        (ModelError("no"), 502),
        (ModelUnavailable("away"), 502),
        (UnreachableModel("away"), 502),
        (Unavailable("away"), 503),
        (MalformedChat("no messages"), 400),
        (MalformedFile("not an export"), 400),
        (LocalNeo4jError("no java"), 500),
        (ThreadgraphError("odd"), 500),
    ],
)
def test_each_kind_of_error_has_its_status(error: ThreadgraphError, status: int) -> None:
    assert status_for(error) == status


def test_the_table_order_does_not_decide(monkeypatch: pytest.MonkeyPatch) -> None:
    # Reversed, a first-match walk over the table would find ThreadgraphError-wide kinds
    # in another order; the MRO walk still picks the nearest ancestor.
    monkeypatch.setattr(api_errors, "STATUS", dict(reversed(list(STATUS.items()))))
    assert status_for(UnreachableModel("away")) == 502
    assert status_for(MissingChat("gone")) == 404
    monkeypatch.setattr(api_errors, "STATUS", {ThreadgraphError: 418, NotFound: 404})
    assert status_for(MissingChat("gone")) == 404
    assert status_for(Conflict("clash")) == 418


def test_every_error_threadgraph_raises_has_one_root() -> None:
    for kind in (ModelError, LocalNeo4jError, MalformedChat, MalformedFile):
        assert issubclass(kind, ThreadgraphError)
        assert kind.__module__ == "threadgraph.errors"
    assert MalformedChat("no messages").reason == "no messages"


def test_the_handler_answers_with_the_status_and_the_code() -> None:
    app = FastAPI()
    install(app)

    @app.get("/missing")
    def missing() -> None:
        raise MissingChat("no chat here")

    @app.get("/malformed")
    def malformed() -> None:
        raise MalformedChat("no messages to import")

    with TestClient(app) as client:
        answer = client.get("/missing")
        assert answer.status_code == 404
        assert answer.json() == {"error": {"code": "missing_chat", "message": "no chat here"}}
        answer = client.get("/malformed")
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "malformed_chat"
