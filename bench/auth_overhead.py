"""What signing in with an API key adds to a request.

    .venv/bin/python -m bench.auth_overhead [--requests 2000]

The real app in process (FastAPI's TestClient, no network) on the benchmark Neo4j:
``GET /api/models`` (which reads nothing from Neo4j) in local mode, then with accounts
and ``Authorization: Bearer``, the difference being what the key costs; then the key
check alone, from the in-process cache and with the cache off (a Neo4j round trip each).
Timings on a shared machine are noisy: compare the lines of one run.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from fastapi.testclient import TestClient

from bench.harness import bench_neo4j
from threadgraph.api.app import create_app
from threadgraph.config import Settings
from threadgraph.models import AccountRole
from threadgraph.rules import new_id
from threadgraph.services.api_keys import KeyRing
from threadgraph.wiring import Services


def fine(samples_ms: list[float]) -> str:
    """Percentiles to the microsecond (harness.percentiles rounds to 0.1 ms)."""
    ordered = sorted(samples_ms)
    p50, p95 = ordered[len(ordered) // 2], ordered[round(0.95 * (len(ordered) - 1))]
    return f"p50 {p50:8.3f} ms   p95 {p95:8.3f} ms   (n={len(ordered)})"


def timed(call: Callable[[], object], times: int) -> list[float]:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def requests(settings: Settings, times: int, with_key: bool) -> tuple[list[float], Services]:
    with TestClient(create_app(settings)) as client:
        services: Services = client.app.state.services  # type: ignore[attr-defined]
        headers = {}
        if with_key:
            person, _ = services.accounts.create(
                f"bench-{new_id()[:8]}", role=AccountRole.MEMBER, password="bench password 1"
            )
            headers["Authorization"] = f"Bearer {services.keys.create(person.id, 'b', None)[1]}"

        def call() -> None:
            response = client.get("/api/models", headers=headers)
            assert response.status_code == 200, response.text

        timed(call, 200)  # warm up
        return timed(call, times), services


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    with bench_neo4j() as base:
        settings = base.model_copy(update={"warm_up_reads": 0, "local_model_enabled": False})
        local, _ = requests(settings, args.requests, with_key=False)
        # The rate limit runs (its cost is part of a key's) but never refuses this run.
        accounts = settings.model_copy(
            update={"auth": "accounts", "key_rate_per_second": 1e9, "key_burst": 10**9}
        )
        keyed, _ = requests(accounts, args.requests, with_key=True)
        print(f"GET /api/models, local mode:          {fine(local)}")
        print(f"GET /api/models, Bearer key (cached): {fine(keyed)}")
        mid, p95 = len(local) // 2, round(0.95 * (len(local) - 1))
        added_p50 = sorted(keyed)[mid] - sorted(local)[mid]
        added_p95 = sorted(keyed)[p95] - sorted(local)[p95]
        print(f"added by the key: p50 {added_p50:+.3f} ms   p95 {added_p95:+.3f} ms")
        with TestClient(create_app(accounts)) as client:
            live: Services = client.app.state.services  # type: ignore[attr-defined]
            person, _ = live.accounts.create(
                f"bench-{new_id()[:8]}", role=AccountRole.MEMBER, password="bench password 1"
            )
            _, key = live.keys.create(person.id, "b", None)
            cached = KeyRing(live.store.accounts, cache_seconds=3600)
            uncached = KeyRing(live.store.accounts, cache_seconds=0)
            from_cache = timed(lambda: cached.caller(key), args.requests)
            from_neo4j = timed(lambda: uncached.caller(key), 200)
            print(f"key check from the cache:            {fine(from_cache)}")
            print(f"key check, cache off (Neo4j write):  {fine(from_neo4j)}")


if __name__ == "__main__":
    main()
