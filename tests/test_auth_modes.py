"""The two modes: local (the default, loopback only, no sign-in) and accounts. A server
that would be reachable beyond loopback refuses to start in local mode, and says what to
set; it never gets as far as starting Neo4j."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from threadgraph.config import Settings, is_loopback


def serve(host: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``threadgraph serve --host HOST`` as a person would run it, with a port nobody
    listens on for Neo4j: a refusal must come before any connection."""
    environment = {k: v for k, v in os.environ.items() if k != "THREADGRAPH_AUTH"}
    environment.update(
        NEO4J_URI="bolt://127.0.0.1:1", THREADGRAPH_NEO4J_MAX_RETRY_SECONDS="1", **env
    )
    return subprocess.run(
        [sys.executable, "-m", "threadgraph.cli", "serve", "--host", host, "--port", "8719"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_local_mode_refuses_to_serve_beyond_loopback_and_says_what_to_set(host: str) -> None:
    result = serve(host)
    assert result.returncode == 1
    assert f"refusing to serve on {host} in local mode" in result.stderr
    assert "THREADGRAPH_AUTH=accounts" in result.stderr
    assert "threadgraph users create --admin NAME" in result.stderr


def test_loopback_addresses_are_told_from_the_others() -> None:
    assert all(is_loopback(h) for h in ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
    assert not any(is_loopback(h) for h in ["0.0.0.0", "10.0.0.1", "::", "example.org", ""])


def test_with_accounts_the_same_address_is_allowed() -> None:
    # It gets past the check and fails later, on the Neo4j nobody runs on port 1.
    result = serve("0.0.0.0", THREADGRAPH_AUTH="accounts")
    assert result.returncode != 0
    assert "refusing to serve" not in result.stderr


def test_local_is_the_default_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("THREADGRAPH_AUTH", raising=False)
    assert Settings(_env_file=None).auth == "local"  # type: ignore[call-arg]
    assert Settings(auth="accounts").accounts
