"""The real app in the test process (FastAPI's TestClient), handed over once it says it
is ready: its models load in the background at start-up, as in production."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient

from threadgraph.api.app import create_app
from threadgraph.config import Settings


def wait_until_ready(client: TestClient, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        response = client.get("/health/ready")
        if response.status_code == 200:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"the app was not ready within {timeout}s: {response.json()}")
        time.sleep(0.05)


@contextmanager
def ready_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        wait_until_ready(client)
        yield client
