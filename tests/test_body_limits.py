"""Request bodies over their limit are refused as they arrive (413 in the error shape,
saying which limit): THREADGRAPH_MAX_BODY_BYTES for every route, the import's own
(THREADGRAPH_IMPORT_MAX_BYTES) for POST /api/import. Nothing of a refused body is kept."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.app_client import ready_client
from tests.import_helpers import fixture_bytes
from threadgraph.config import Settings


def test_a_body_over_the_limit_is_a_413_and_nothing_is_stored(app_settings: Settings) -> None:
    limits = {"max_body_bytes": 20_000, "import_max_bytes": 200_000}
    with ready_client(app_settings.model_copy(update=limits)) as client:
        chats = client.get("/api/chats").json()["chats"]
        big = client.post("/api/chats", json={"title": "x" * 30_000})
        assert big.status_code == 413
        error = big.json()["error"]
        assert error["code"] == "too_large"
        assert "limit of 20,000 bytes" in error["message"]
        assert "THREADGRAPH_MAX_BODY_BYTES" in error["message"]
        assert client.get("/api/chats").json()["chats"] == chats
        # Sent in pieces, with no Content-Length to go by: counted as it arrives.
        pieces = (b'{"title": "' + b"y" * 10_000 for _ in range(3))
        streamed = client.post(
            "/api/chats", content=pieces, headers={"Content-Type": "application/json"}
        )
        assert streamed.status_code == 413
        assert client.get("/api/chats").json()["chats"] == chats
        # The import has a limit of its own, larger than other bodies'.
        export = fixture_bytes("claude_conversations.json") + b" " * 30_000  # over 20,000
        imported = client.post("/api/import", files={"file": ("c.json", export)})
        assert imported.status_code == 200, imported.text
        assert imported.json()["chats_imported"] >= 1
        over = client.post("/api/import", files={"file": ("c.json", b" " * 400_000 + b"[]")})
        assert over.status_code == 413
        assert over.json()["error"]["code"] == "too_large"


def test_a_body_under_the_default_limit_is_fine(client: TestClient) -> None:
    made = client.post("/api/chats", json={"title": "small"})
    assert made.status_code == 201
