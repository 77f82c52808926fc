"""Server overhead per chat turn, and the local model's first-token latency.

    .venv/bin/python -m bench.turn_overhead [--turns 100] [--local-turns 10]

A real server process (uvicorn) on a real Neo4j; the fake OpenAI-compatible model from
the tests answers at once, so the time of a turn is threadgraph's own: two Neo4j writes
before the model, the branch read, the checkpoint/end write, and HTTP/SSE. Then the same
with the local offline model, measuring the time to its first token.
"""

from __future__ import annotations

import argparse
import time

import httpx
from tests.sse import parse_events

from bench.harness import percentiles, served_with_fake_model


def timed_turns(url: str, turns: int, model: str) -> tuple[list[float], list[float]]:
    first_token, whole = [], []
    chat = httpx.post(f"{url}/api/chats", json={"title": f"bench {model}"}).json()
    with httpx.Client(timeout=120) as http:
        for i in range(turns):
            started = time.perf_counter()
            first = None
            with http.stream(
                "POST",
                f"{url}/api/chats/{chat['id']}/messages",
                json={"content": f"question number {i}: what is a graph?", "model": model},
            ) as response:
                for kind, _ in parse_events(response.iter_lines()):
                    if kind == "delta" and first is None:
                        first = time.perf_counter()
            ended = time.perf_counter()
            first_token.append(((first or ended) - started) * 1000)
            whole.append((ended - started) * 1000)
    return first_token, whole


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=100)
    parser.add_argument("--local-turns", type=int, default=10)
    args = parser.parse_args()

    with served_with_fake_model() as url:
        timed_turns(url, 5, "fake-echo")  # warm up connections and caches
        first, whole = timed_turns(url, args.turns, "fake-echo")
        print(f"turn with an instant fake model, whole turn:  {percentiles(whole)}")
        print(f"turn with an instant fake model, first token: {percentiles(first)}")
        if args.local_turns > 0:  # --local-turns 0: the server's own overhead only
            local = "local/smollm2-135m-instruct"
            timed_turns(url, 1, local)  # loads the model once
            first, whole = timed_turns(url, args.local_turns, local)
            print(f"local model, first token:                     {percentiles(first)}")
            print(f"local model, whole reply:                     {percentiles(whole)}")


if __name__ == "__main__":
    main()
