"""Calls the API tests share."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def turn(client: TestClient, chat_id: str, content: str, **extra: Any) -> dict[str, Any]:
    """One JSON (non-streamed) turn; fails the test unless the API answered 200."""
    response = client.post(
        f"/api/chats/{chat_id}/messages", json={"content": content, "stream": False, **extra}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
