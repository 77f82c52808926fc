"""Test fixtures: a real Neo4j over Bolt, never a stand-in.

With NEO4J_URI set, the tests use that server (NEO4J_USER / NEO4J_PASSWORD). Without it,
the session starts the local Neo4j from tools/neo4j on its own ports (7688 Bolt, 7475
HTTP) with a fresh home, so a developer's own local Neo4j and data are left alone, and
stops it at the end. Each test works as fresh users, so tests do not see each other.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver, GraphDatabase

from tests.app_client import ready_client
from tests.browser import browser  # noqa: F401  (the session's Chromium, for web tests)
from tests.fake_openai import FakeOpenAI, settings_with_fake_model
from threadgraph.config import Settings
from threadgraph.local_neo4j import LocalNeo4j
from threadgraph.models import User
from threadgraph.rules import new_id
from threadgraph.store import Neo4jStore

# Every app and server started by the tests would otherwise spend its first seconds
# assembling contexts in the background; tests/test_warm_up.py turns it on where tested.
os.environ.setdefault("THREADGRAPH_WARM_UP_READS", "0")

TEST_BOLT_PORT = int(os.environ.get("THREADGRAPH_TEST_BOLT_PORT", "7688"))
TEST_HTTP_PORT = int(os.environ.get("THREADGRAPH_TEST_HTTP_PORT", "7475"))


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    if os.environ.get("NEO4J_URI"):
        yield Settings()
        return
    home: Path = tmp_path_factory.mktemp("neo4j-home")
    settings = Settings(
        local_neo4j_home=home,
        local_neo4j_bolt_port=TEST_BOLT_PORT,
        local_neo4j_http_port=TEST_HTTP_PORT,
        # The test database starts empty and doubles in size every few seconds, so by
        # default Neo4j would re-plan every query again and again (10 s apart at least):
        # about 0.5 s for the memory query each time, landing on whichever request comes
        # next. Plans that stay put keep the timings tests compare about the app.
        local_neo4j_conf={"dbms.cypher.min_replan_interval": "1h"},
    )
    local = LocalNeo4j(settings)
    local.start()
    try:
        yield settings
    finally:
        local.stop()


@pytest.fixture(scope="session")
def store(settings: Settings) -> Iterator[Neo4jStore]:
    store = Neo4jStore.connect(settings)
    store.migrate()
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="session")
def driver(settings: Settings, store: Neo4jStore) -> Iterator[Driver]:
    """A plain driver for tests to look at the graph directly, beside the store."""
    auth = (settings.neo4j_user, settings.neo4j_password) if settings.neo4j_password else None
    driver = GraphDatabase.driver(
        settings.effective_neo4j_uri,
        auth=auth,
        notifications_disabled_classifications=["UNRECOGNIZED"],
    )
    try:
        yield driver
    finally:
        driver.close()


@pytest.fixture
def user(store: Neo4jStore) -> User:
    return store.ensure_user(new_id(), "alice")


@pytest.fixture
def other_user(store: Neo4jStore) -> User:
    return store.ensure_user(new_id(), "bob")


@pytest.fixture(scope="session")
def fake_openai() -> Iterator[FakeOpenAI]:
    server = FakeOpenAI().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def app_settings(settings: Settings, fake_openai: FakeOpenAI) -> Settings:
    return settings_with_fake_model(settings, fake_openai)


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    with ready_client(app_settings) as client:
        yield client


@pytest.fixture
def accounts_client(app_settings: Settings) -> Iterator[TestClient]:
    """The app with accounts (THREADGRAPH_AUTH=accounts): every request signs in."""
    with ready_client(app_settings.model_copy(update={"auth": "accounts"})) as client:
        yield client
