"""GET /health against the real app and a real Neo4j, and against a Neo4j that is down."""

from __future__ import annotations

import socket

from fastapi.testclient import TestClient

from tests.accounts_helpers import new_person
from tests.app_client import ready_client
from threadgraph import __version__
from threadgraph.config import Settings
from threadgraph.store.migrations import latest_version, load_migrations


def test_health_reports_neo4j_and_schema_version(settings: Settings) -> None:
    with ready_client(settings) as client:
        response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["neo4j"]["connected"] is True
    # The newest migration in the package (a fixed number went stale at 0006).
    newest = latest_version(load_migrations())
    assert newest >= 7
    assert body["neo4j"]["schema_version"] == newest
    assert body["neo4j"]["server"].startswith("Neo4j/")
    assert body["auth"] == "local"


def test_health_says_when_people_sign_in(settings: Settings) -> None:
    """The web page reads this to show its sign-in form."""
    with ready_client(settings.model_copy(update={"auth": "accounts"})) as client:
        response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["auth"] == "accounts"


def test_health_says_degraded_when_neo4j_goes_away(settings: Settings) -> None:
    with ready_client(settings) as client:
        # Point the running app's store at a port where nothing listens.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            dead_port = probe.getsockname()[1]
        from threadgraph.store import Neo4jStore

        dead = Settings(neo4j_uri=f"bolt://127.0.0.1:{dead_port}", neo4j_max_retry_seconds=1)
        live_store = client.app.state.services.store  # type: ignore[attr-defined]
        client.app.state.services.store = Neo4jStore.connect(dead)  # type: ignore[attr-defined]
        try:
            response = client.get("/health")
        finally:
            client.app.state.services.store.close()  # type: ignore[attr-defined]
            client.app.state.services.store = live_store  # type: ignore[attr-defined]
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["neo4j"]["connected"] is False
    assert "unavailable" in body["neo4j"]["error"].lower()


def test_unknown_route_gets_the_error_shape(settings: Settings) -> None:
    with ready_client(settings) as client:
        response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_openapi_documents_the_errors_the_api_really_gives(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "422" not in responses, (method, path)  # validation errors are 400
            if "{" in path:
                assert "404" in responses, (method, path)
            for status, response in responses.items():
                if status.startswith(("4", "5")) and not path.startswith("/health"):
                    assert response["content"]["application/json"]["schema"] == error_ref

    patch = spec["paths"]["/api/chats/{chat_id}"]["patch"]["responses"]
    assert {"400", "404", "409", "503"} <= patch.keys()
    # What the document says is what the API does: a bad body is a 400 in the error shape.
    answer = client.patch("/api/chats/no-such-chat", json={"unknown": 1})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_input"
    ready = spec["paths"]["/health/ready"]["get"]["responses"]["503"]
    assert ready["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Readiness"
    }


def test_with_accounts_only_a_signed_in_caller_sees_the_details(
    accounts_client: TestClient,
) -> None:
    """Versions, the instance and the database's address are for people with an account;
    anyone else learns the status alone (a load balancer needs no more)."""
    person = new_person(accounts_client)
    outsiders = [
        accounts_client.get("/health"),
        accounts_client.get("/health", headers={"Authorization": "Bearer tgk_not_a_key"}),
        accounts_client.get("/health", headers={"Cookie": "tg_session=made-up"}),
    ]
    for answer in outsiders:
        assert answer.status_code == 200
        assert answer.json() == {"status": "ok", "auth": "accounts"}
        assert __version__ not in answer.text
    inside = person.get("/health")
    assert inside.status_code == 200
    body = inside.json()
    assert body["status"] == "ok"
    assert body["version"] == __version__
    assert body["instance"]
    assert body["neo4j"]["connected"] is True
    # Liveness and readiness stay open: probes carry no key.
    assert accounts_client.get("/health/live").json() == {"status": "alive"}
    assert accounts_client.get("/health/ready").json()["ready"] is True
