"""Per-key rate limit: a token bucket per API key, in process.

Each key may make ``burst`` requests at once and ``rate`` per second after that; a
request over it is refused with how long to wait (429 with Retry-After). Buckets live in
one process: with several replicas behind a balancer, each allows the rate on its own.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from threadgraph.errors import RateLimited

MAX_BUCKETS = 100_000  # the oldest idle ones go first beyond this


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    def __init__(
        self,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        refusal: str = "too many requests with this API key",
    ) -> None:
        self._refusal = refusal  # what a refused caller is told, before how long to wait
        self._rate = rate
        self._burst = float(burst)
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self._rate > 0

    def take(self, key_id: str) -> None:
        """One request of ``key_id``'s, or RateLimited saying how long to wait."""
        if not self.enabled:
            return
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key_id)
            if bucket is None:
                if len(self._buckets) >= MAX_BUCKETS:
                    self._buckets.pop(next(iter(self._buckets)))
                bucket = self._buckets[key_id] = _Bucket(self._burst, now)
            bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.at) * self._rate)
            bucket.at = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return
            wait = (1 - bucket.tokens) / self._rate
        raise RateLimited(
            f"{self._refusal}: try again in {math.ceil(wait)} s",
            retry_after=math.ceil(wait),
        )
