"""What the OpenAI-compatible /v1 endpoint adds over calling the model directly.

    .venv/bin/python -m bench.v1_overhead [--calls 100]

The same streamed completion ("fake-echo", which answers at once) asked of the fake
OpenAI-compatible server directly, and through a real threadgraph server process on a
real Neo4j, with the official openai SDK both times; each call through /v1 is a new
conversation (recorded, with memory on). Prints the whole-call and first-token times of
both and the difference of the medians and p95s.
"""

from __future__ import annotations

import argparse
import statistics
import time

import openai
from tests.fake_openai import FakeOpenAI

from bench.harness import percentiles, served_with_fake_model


def timed_calls(client: openai.OpenAI, calls: int, tag: str) -> tuple[list[float], list[float]]:
    first_token, whole = [], []
    for i in range(calls):
        started = time.perf_counter()
        first = None
        stream = client.chat.completions.create(
            model="fake-echo",
            messages=[{"role": "user", "content": f"{tag} question {i}: what is a graph?"}],
            stream=True,
        )
        for chunk in stream:
            if first is None and chunk.choices and chunk.choices[0].delta.content:
                first = time.perf_counter()
        ended = time.perf_counter()
        first_token.append(((first or ended) - started) * 1000)
        whole.append((ended - started) * 1000)
    return first_token, whole


def quantile(samples: list[float], q: float) -> float:
    """As bench.harness.percentiles picks them (the median for 0.5)."""
    ordered = sorted(samples)
    if q == 0.5:
        return statistics.median(ordered)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=100)
    args = parser.parse_args()

    fake = FakeOpenAI().start()  # the same fake model the served process asks, called directly
    try:
        with served_with_fake_model() as url:
            direct = openai.OpenAI(base_url=fake.base_url, api_key="x", max_retries=0)
            through = openai.OpenAI(base_url=f"{url}/v1", api_key="x", max_retries=0)
            timed_calls(direct, 5, "warm")
            timed_calls(through, 5, "warm")  # connections, plans and caches
            d_first, d_whole = timed_calls(direct, args.calls, "direct")
            t_first, t_whole = timed_calls(through, args.calls, "through")
            print(f"model directly, whole call:  {percentiles(d_whole)}")
            print(f"through /v1, whole call:     {percentiles(t_whole)}")
            print(f"model directly, first token: {percentiles(d_first)}")
            print(f"through /v1, first token:    {percentiles(t_first)}")
            for q, name in ((0.5, "p50"), (0.95, "p95")):
                added = quantile(t_whole, q) - quantile(d_whole, q)
                print(f"/v1 adds, whole call {name}: {added:7.1f} ms")
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
