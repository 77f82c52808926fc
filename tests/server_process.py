"""The real server as its own process (`python -m threadgraph.cli serve`), for tests that
must cut connections or kill the process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from threadgraph.config import Settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def process_env(settings: Settings) -> dict[str, str]:
    """The environment of a threadgraph process (a server, ``threadgraph mcp``) that acts
    as these settings say: their Neo4j, model endpoint, mode (local or accounts), local user
    and timings."""
    return dict(
        os.environ,
        NEO4J_URI=settings.effective_neo4j_uri,
        NEO4J_USER=settings.neo4j_user,
        NEO4J_PASSWORD=settings.neo4j_password,
        NEO4J_DATABASE=settings.neo4j_database,
        OPENAI_BASE_URL=settings.openai_base_url or "",
        OPENAI_API_KEY=settings.openai_api_key or "",
        THREADGRAPH_DEFAULT_MODEL=settings.default_model or "",
        THREADGRAPH_LOCAL_USER_ID=settings.local_user_id,
        THREADGRAPH_AUTH=settings.auth,
        THREADGRAPH_CHECKPOINT_SECONDS=str(settings.checkpoint_seconds),
        THREADGRAPH_SSE_HEARTBEAT_SECONDS=str(settings.sse_heartbeat_seconds),
        THREADGRAPH_MAX_REPLY_TOKENS=str(settings.max_reply_tokens),
        THREADGRAPH_MODEL_TIMEOUT_SECONDS=str(settings.model_timeout_seconds),
        THREADGRAPH_REPLY_LEASE_SECONDS=str(settings.reply_lease_seconds),
        HF_HUB_OFFLINE="1",
    )


class ServerProcess:
    def __init__(self, settings: Settings, log_path: Path, workers: int = 1) -> None:
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.env = process_env(settings)
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 120.0) -> ServerProcess:
        """Start the process and return once it says it is ready (its models loaded and
        Neo4j answering), not merely listening: a first request before that would wait
        seconds for the embedding model."""
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "threadgraph.cli", "serve"),
                    *("--port", str(self.port), "--workers", str(self.workers)),
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/health/ready", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        output = self.log_path.read_text()[-3000:]
        raise RuntimeError(f"server was not ready in {timeout}s: {output}")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when the machine loses power."""
        assert self._process is not None
        self._process.send_signal(signal.SIGKILL)
        self._process.wait(timeout=10)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
