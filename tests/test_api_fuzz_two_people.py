"""schemathesis, stateful, with two signed-in people against a real server in accounts
mode (``tests/fuzz_two_people.py`` says what is checked): no 5xx, no answer that breaks
the OpenAPI document, no cross-person read or write. Bounded for CI; the long run is
``bench/fuzz_two_people.py``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import Driver

from tests.fuzz_two_people import Fuzzer, fuzz_env, load_schema, make_people
from tests.server_process import ServerProcess
from threadgraph.config import Settings
from threadgraph.wiring import build_services

EXAMPLES = 8  # per operation, alone
CALLS = 900  # in stateful scenarios: with the above, about a minute on a busy 2-core machine
STEPS = 20


@pytest.fixture
def fuzzer(app_settings: Settings, driver: Driver, tmp_path: Path) -> Iterator[Fuzzer]:
    services = build_services(app_settings)
    try:
        people = make_people(services)
    finally:
        services.close()
    server = ServerProcess(app_settings, tmp_path / "server.log")
    fuzz_env(server.env)
    server.start()
    try:
        yield Fuzzer(load_schema(server.url), people, driver, app_settings)
    finally:
        server.stop()


def test_two_people_cannot_reach_each_other_and_the_api_keeps_its_document(
    fuzzer: Fuzzer,
) -> None:
    started = time.monotonic()
    fuzzer.run_each(EXAMPLES)
    fuzzer.run(CALLS, STEPS)
    tally = fuzzer.tally
    print(tally.report(time.monotonic() - started))
    print(sorted(tally.operations.items()))
    assert tally.problems == []
    # The run reached the API's depth, not only its front door: both people were swapped
    # onto the other's ids many times, and turns, messages and forks were made.
    assert tally.swapped >= 50, tally.report(0)
    reached = {
        "POST /api/chats",
        "POST /api/chats/{chat_id}/messages",
        "GET /api/messages/{message_id}",
        "GET /api/messages/{message_id}/provenance",
        "POST /api/import",
        "GET /v1/models",
    }
    assert reached <= tally.operations.keys(), tally.operations
    assert sum(n for s, n in tally.statuses.items() if 200 <= s < 300) >= 50
