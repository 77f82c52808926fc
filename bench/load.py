"""Load on a server (one process, or ``--workers`` side by side): many readers at once,
then many streamed turns at once.

    .venv/bin/python -m bench.load [--clients 50] [--seconds 20] [--chats 30] [--streams 50]
                                   [--retries 200] [--workers 1,2] [--generator wrk|python]

A real server process (uvicorn) on a real Neo4j, with the fake OpenAI-compatible model
from the tests. The load comes from an asyncio generator over httpx in this process (one
connection per client, each sending its next request when the last one has answered):
  reads    with wrk (when installed; ``--generator``): each read route on its own,
           ``--clients`` connections for ``--seconds``: the chat list, a chat with its
           branch (over ``--chats`` chats of ``--turns`` exchanges), a search; requests/s,
           p50/p95/p99, errors. With ``python``: ``--clients`` asyncio clients, each
           alternating the chat list and a chat; requests/s, p50/p95 per route, errors.
  streams  ``--streams`` turns sent at once, each to fake-slow (40 words 0.1 s apart,
           a 4 s reply) in a chat of its own: time to the first word (p50/p95), the whole
           reply, errors (a status other than 200, an ``error`` event, no ``done``).
  retries  ``--retries`` requests at once with one client-given prompt id, as clients
           retrying it: the same figures, and how many messages the chat then holds.
The load generator shares the machine's cores with the server and Neo4j; the load
average is printed beside each figure. THREADGRAPH_* settings in the environment (for
example THREADGRAPH_REPLY_WORKERS) reach the server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx

from bench.harness import percentiles, served_with_fake_model
from threadgraph.rules import new_id


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min) {five:.2f} (5 min)"


def make_chats(url: str, chats: int, turns: int) -> list[str]:
    """Chats of ``turns`` exchanges each with the instant fake model, to read back."""
    ids = []
    with httpx.Client(base_url=url, timeout=120) as http:
        for n in range(chats):
            chat = http.post("/api/chats", json={"title": f"load {n}"}).json()["id"]
            for i in range(turns):
                body = {"content": f"question {i} of chat {n}", "stream": False}
                http.post(f"/api/chats/{chat}/messages", json=body).raise_for_status()
            ids.append(chat)
    return ids


async def reader(
    url: str, chats: list[str], until: float, offset: int, samples: dict[str, list[float]]
) -> int:
    """One client: the chat list, then a chat, again and again; returns its errors."""
    errors, n = 0, offset % len(chats)
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        while time.perf_counter() < until:
            for route, path in (("list", "/api/chats"), ("chat", f"/api/chats/{chats[n]}")):
                started = time.perf_counter()
                try:
                    response = await http.get(path)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    samples[route].append((time.perf_counter() - started) * 1000)
                else:
                    errors += 1
            n = (n + 1) % len(chats)
    return errors


async def reads(url: str, chats: list[str], clients: int, seconds: float) -> None:
    samples: dict[str, list[float]] = {"list": [], "chat": []}
    until = time.perf_counter() + seconds
    started = time.perf_counter()
    errors = await asyncio.gather(*(reader(url, chats, until, i, samples) for i in range(clients)))
    elapsed = time.perf_counter() - started
    total = sum(len(s) for s in samples.values())
    print(
        f"reads, {clients} clients for {elapsed:.1f} s: {total / elapsed:.0f} requests/s, "
        f"{sum(errors)} errors; {load_average()}"
    )
    print(f"  GET /api/chats       {percentiles(samples['list'])}")
    print(f"  GET /api/chats/{{id}}  {percentiles(samples['chat'])}")


def reads_wrk(url: str, chats: list[str], connections: int, seconds: float) -> None:
    """Each read route on its own under wrk (a C load generator: far less of the two
    cores than this process's asyncio clients), ``connections`` keep-alive connections
    on two threads."""
    script = Path(__file__).with_name("wrk_reads.lua")
    routes = {
        "GET /api/chats": ["/api/chats"],
        "GET /api/chats/{id}": [f"/api/chats/{chat}" for chat in chats],
        "GET /api/search?q=": [f"/api/search?q=question+{n}" for n in range(len(chats))],
    }
    for route, paths in routes.items():
        command = [
            "wrk", "-t2", f"-c{connections}", f"-d{seconds:.0f}s", "--timeout", "10s",
            "-s", str(script), url, "--", *paths,
        ]  # fmt: skip
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        line = next(x for x in out.splitlines() if x.startswith("threadgraph: "))
        f = dict(pair.split("=") for pair in line.split()[1:])
        errors = sum(int(f[k]) for k in ("non2xx", "connect", "read", "write", "timeout"))
        print(
            f"  {route:<20} wrk {connections} connections: "
            f"{int(f['requests']) / float(f['seconds']):.0f} requests/s, p50 {f['p50']} ms, "
            f"p95 {f['p95']} ms, p99 {f['p99']} ms, {errors} errors; {load_average()}"
        )


async def streamed_turn(
    http: httpx.AsyncClient, chat: str, message_id: str | None = None
) -> tuple[float, float] | None:
    """Milliseconds to the first word and to the end, or None for a turn that failed."""
    started = time.perf_counter()
    first, kind, ended_well = None, None, False
    body = {"content": "tell me a long story", "model": "fake-slow", "id": message_id}
    try:
        async with http.stream("POST", f"/api/chats/{chat}/messages", json=body) as response:
            if response.status_code != 200:
                return None
            async for line in response.aiter_lines():
                if line.startswith("event: "):
                    kind = line[len("event: ") :]
                    if kind == "delta" and first is None:
                        first = time.perf_counter()
                    ended_well = ended_well or kind == "done"
                    if kind == "error":
                        return None
    except httpx.HTTPError:
        return None
    if first is None or not ended_well:
        return None
    return (first - started) * 1000, (time.perf_counter() - started) * 1000


def report(title: str, results: list[tuple[float, float] | None], extra: str) -> None:
    done = [r for r in results if r is not None]
    print(f"{title}: {len(results) - len(done)} errors{extra}; {load_average()}")
    if done:
        print(f"  first word  {percentiles([first for first, _ in done])}")
        print(f"  whole reply {percentiles([whole for _, whole in done])}")


async def streams(url: str, count: int) -> None:
    limits = httpx.Limits(max_connections=count + 10)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as http:
        # Titled chats: no title is asked of the slow model after each reply.
        made = [http.post("/api/chats", json={"title": f"stream {i}"}) for i in range(count)]
        chats = [response.json()["id"] for response in await asyncio.gather(*made)]
        results = await asyncio.gather(*(streamed_turn(http, chat) for chat in chats))
    report(f"streams, {count} turns at once (fake-slow, 4 s replies)", results, "")


async def retries(url: str, count: int) -> None:
    """One prompt id sent ``count`` times at once, as clients retrying it would."""
    limits = httpx.Limits(max_connections=count + 10)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as http:
        chat = (await http.post("/api/chats", json={"title": "retried"})).json()["id"]
        message_id = new_id()
        results = await asyncio.gather(
            *(streamed_turn(http, chat, message_id) for _ in range(count))
        )
        stored = (await http.get(f"/api/chats/{chat}")).json()["messages"]
    title = f"retries, one prompt id sent {count} times at once (fake-slow, 4 s reply)"
    report(title, results, f", {len(stored)} messages stored")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--chats", type=int, default=30)
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--streams", type=int, default=50)
    parser.add_argument("--retries", type=int, default=200)
    parser.add_argument(
        "--workers",
        default="1",
        help="server processes, or a list to compare side by side in one run: 1,2",
    )
    parser.add_argument(
        "--generator",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="the read load's generator (default: wrk when installed: apt-get install wrk)",
    )
    args = parser.parse_args()

    # The background warm-up would run its assemblies during the measurement.
    os.environ.setdefault("THREADGRAPH_WARM_UP_READS", "0")
    for workers in (int(n) for n in args.workers.split(",")):
        print(f"== {workers} worker(s): threadgraph serve --workers {workers}")
        with served_with_fake_model(workers) as url:
            chats = make_chats(url, args.chats, args.turns)
            print(f"{len(chats)} chats of {args.turns} exchanges; {load_average()}")
            if args.clients > 0 and args.generator == "wrk":
                reads_wrk(url, chats, args.clients, args.seconds)
            elif args.clients > 0:
                asyncio.run(reads(url, chats, args.clients, args.seconds))
            if args.streams > 0:
                asyncio.run(streams(url, args.streams))
            if args.retries > 0:
                asyncio.run(retries(url, args.retries))


if __name__ == "__main__":
    main()
