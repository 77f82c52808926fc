"""People with accounts for the API tests: real accounts and real keys, made through the
app's own services (as ``threadgraph users create`` and ``users key`` do), then used over
HTTP with ``Authorization: Bearer``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2 as httpx
from fastapi.testclient import TestClient

from threadgraph.models import Account, AccountRole
from threadgraph.rules import new_id
from threadgraph.wiring import Services


@dataclass
class Person:
    """One signed-in person: every request carries their key."""

    client: TestClient
    account: Account
    key: str

    @property
    def id(self) -> str:
        return self.account.id

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.key}", **kwargs.pop("headers", {})}
        return self.client.request(method, url, headers=headers, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)

    def turn(self, chat_id: str, content: str, **extra: Any) -> dict[str, Any]:
        response = self.post(
            f"/api/chats/{chat_id}/messages", json={"content": content, "stream": False, **extra}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def chat(self, title: str = "a chat") -> str:
        response = self.post("/api/chats", json={"title": title})
        assert response.status_code == 201, response.text
        return str(response.json()["id"])


def services_of(client: TestClient) -> Services:
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    return services


def new_person(client: TestClient, role: AccountRole = AccountRole.MEMBER) -> Person:
    """A new person (a unique login) with one API key."""
    services = services_of(client)
    login = f"p-{new_id()[:13]}"
    account, _ = services.accounts.create(login, role=role, password="correct horse battery")
    _, key = services.keys.create(account.id, "tests", None)
    return Person(client, account, key)
