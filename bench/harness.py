"""What every benchmark needs: a real Neo4j (NEO4J_URI, or a local one on its own ports
and home under var/bench-neo4j, or THREADGRAPH_BENCH_HOME) and small timing helpers.
Benchmarks print figures; they assert nothing and are not part of the test run."""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path

import httpx
from tests.fake_openai import FakeOpenAI
from tests.server_process import ServerProcess

from threadgraph.config import SOURCE_ROOT, Settings
from threadgraph.context_knobs import ContextOptions
from threadgraph.local_neo4j import LocalNeo4j
from threadgraph.rules import new_id


@contextmanager
def bench_neo4j(fresh: bool = False) -> Iterator[Settings]:
    """The benchmark's Neo4j. ``fresh`` starts the local one on an empty store (its data
    directory removed first): full-text scores depend on every message indexed, and
    deleting nodes leaves their words in the index's statistics until segments merge.
    An outside Neo4j (NEO4J_URI) is never emptied: a fresh run there is refused."""
    if os.environ.get("NEO4J_URI"):
        if fresh:
            raise SystemExit("a fresh store needs the local bench Neo4j: unset NEO4J_URI")
        yield Settings()
        return
    settings = Settings(
        local_neo4j_home=Path(
            os.environ.get("THREADGRAPH_BENCH_HOME", SOURCE_ROOT / "var" / "bench-neo4j")
        ),
        local_neo4j_bolt_port=int(os.environ.get("THREADGRAPH_BENCH_BOLT_PORT", "7690")),
        local_neo4j_http_port=int(os.environ.get("THREADGRAPH_BENCH_HTTP_PORT", "7477")),
        local_neo4j_heap="2g",
        local_neo4j_pagecache="1g",
    )
    local = LocalNeo4j(settings)
    if fresh:
        local.stop()
        shutil.rmtree(settings.local_neo4j_home / "data", ignore_errors=True)
    local.start()
    try:
        yield settings
    finally:
        local.stop()


@contextmanager
def served_with_fake_model(workers: int = 1) -> Iterator[str]:
    """The URL of a real server (``workers`` processes on one port) on the benchmark
    Neo4j, answering with the tests' fake OpenAI-compatible model (fake-echo by default)
    as a fresh local user; once every worker is ready."""
    fake = FakeOpenAI().start()
    with bench_neo4j() as settings, tempfile.TemporaryDirectory() as tmp:
        server_settings = settings.model_copy(
            update={
                "openai_base_url": fake.base_url,
                "default_model": "fake-echo",
                "local_user_id": new_id(),
            }
        )
        server = ServerProcess(server_settings, Path(tmp) / "server.log", workers=workers)
        server.start(timeout=120 * workers)
        try:
            _every_worker_ready(server.url, workers)
            yield server.url
        finally:
            server.stop()
            fake.stop()


def _every_worker_ready(url: str, workers: int) -> None:
    """Ready answers once one worker is; fresh connections reach the others too."""
    deadline = time.monotonic() + 120 * workers
    seen: set[str] = set()
    while len(seen) < workers:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {len(seen)} of {workers} workers became ready")
        response = httpx.get(f"{url}/health", timeout=10)
        if response.status_code == 200:
            seen.add(response.json()["instance"])
        else:
            time.sleep(0.5)


def percentiles(samples_ms: list[float]) -> str:
    ordered = sorted(samples_ms)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   (n={len(ordered)})"


def parse_variant(text: str) -> dict[str, object]:
    """``keyword_weight=1,candidates=40``: ContextOptions fields, typed as declared."""
    types = {f.name: f.type for f in fields(ContextOptions)}
    overrides: dict[str, object] = {}
    for item in filter(None, text.split(",")):
        name, _, value = item.partition("=")
        kind = types.get(name.strip())
        if kind is None:
            raise SystemExit(f"unknown option {name!r}; known: {', '.join(types)}")
        kind = str(kind)
        overrides[name.strip()] = (
            value.strip().lower() in ("1", "true", "yes")
            if kind == "bool"
            else int(value)
            if kind == "int"
            else float(value)
            if kind == "float"
            else value.strip()
        )
    return overrides
