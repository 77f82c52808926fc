"""The server and API calls the browser tests share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser

from tests.browser import BrowserPage, new_page
from tests.fake_openai import FakeOpenAI, settings_with_fake_model
from tests.server_process import ServerProcess
from threadgraph.config import Settings


def serve(settings: Settings, log: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(settings, log).start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture(scope="module")
def server(
    settings: Settings, fake_openai: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """One server per test module (starting one takes seconds): tests in a module share
    its local user, so they look only at the chats they make."""
    log = tmp_path_factory.mktemp("web") / "server.log"
    yield from serve(settings_with_fake_model(settings, fake_openai), log)


@pytest.fixture
def page(browser: Browser, server: ServerProcess) -> Iterator[BrowserPage]:
    yield from new_page(browser, server.url)


@pytest.fixture
def api(server: ServerProcess) -> Iterator[Api]:
    with Api(server.url) as api:
        yield api


class Api:
    """The JSON API of a running server, for arranging what the browser will show."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=30)

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *_: object) -> None:
        self.http.close()

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, path, **kwargs)
        assert response.is_success, response.text
        return response.json() if response.content else None

    def chat(self, title: str | None = None) -> str:
        chat: dict[str, Any] = self.json("POST", "/api/chats", json={"title": title})
        return str(chat["id"])

    def turn(self, chat_id: str, content: str, model: str = "fake-echo") -> dict[str, Any]:
        body = {"content": content, "stream": False, "model": model}
        turn: dict[str, Any] = self.json("POST", f"/api/chats/{chat_id}/messages", json=body)
        return turn
