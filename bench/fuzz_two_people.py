"""The API fuzzer with two people, the long run: what ``tests/fuzz_two_people.py`` does
(schemathesis' conformance checks, each person's ids tried by the other, the owner's
graph compared before and after), for 10,000 calls or more.

    .venv/bin/python -m bench.fuzz_two_people [--calls 10000] [--steps 20] [--examples 25]

A real server in accounts mode on the benchmark Neo4j, answering with the tests' fake
OpenAI-compatible model. Every operation is first called alone (``--examples`` cases
each), then stateful scenarios follow the OpenAPI links until ``--calls`` calls are made.
Prints the calls made, the count per status, 5xx, cross-person reads and writes found,
conformance failures, and the duration (which depends on the machine's load). The
server's log is kept in var/fuzz_two_people-server.log.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from neo4j import GraphDatabase
from tests.fake_openai import FakeOpenAI
from tests.fuzz_two_people import Fuzzer, fuzz_env, load_schema, make_people
from tests.server_process import ServerProcess

from bench.harness import bench_neo4j
from threadgraph.config import SOURCE_ROOT
from threadgraph.wiring import build_services

LOG = SOURCE_ROOT / "var" / "fuzz_two_people-server.log"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=20, help="calls per scenario at most")
    parser.add_argument("--examples", type=int, default=25, help="cases per operation alone")
    args = parser.parse_args()
    fake = FakeOpenAI().start()
    with bench_neo4j() as neo4j:
        settings = neo4j.model_copy(
            update={"openai_base_url": fake.base_url, "default_model": "fake-echo"}
        )
        services = build_services(settings)
        try:
            services.store.migrate()
            people = make_people(services)
        finally:
            services.close()
        LOG.parent.mkdir(exist_ok=True)
        LOG.unlink(missing_ok=True)
        server = ServerProcess(settings, Path(LOG))
        fuzz_env(server.env)
        server.start()
        auth = (settings.neo4j_user, settings.neo4j_password) if settings.neo4j_password else None
        driver = GraphDatabase.driver(
            settings.effective_neo4j_uri,
            auth=auth,
            notifications_disabled_classifications=["UNRECOGNIZED"],
        )
        try:
            fuzzer = Fuzzer(load_schema(server.url), people, driver, settings)
            started = time.monotonic()
            fuzzer.run_each(args.examples)
            alone = fuzzer.tally.calls
            fuzzer.run(args.calls, args.steps)
            seconds = time.monotonic() - started
        finally:
            driver.close()
            server.stop()
            fake.stop()
    tally = fuzzer.tally
    print(f"operations alone: {alone} calls; stateful scenarios: {tally.calls - alone} calls")
    print(tally.report(seconds))
    print("calls per operation:")
    for label, count in sorted(tally.operations.items()):
        print(f"  {count:6d}  {label}")
    errors = sorted(set(re.findall(r"^\w*(?:Error|Exception)\b.*$", LOG.read_text(), re.M)))
    if errors:
        print(f"errors in the server's log ({LOG}):")
        for line in errors[:20]:
            print(f"  {line[:300]}")


if __name__ == "__main__":
    main()
