"""The local Neo4j: a Neo4j Community DBMS run from Neo4j's Maven Central artifacts.

For machines without Docker. ``tools/neo4j`` is a small Maven project whose launcher
(``dev.threadgraph.neo4j.LocalNeo4j``) starts the DBMS with Bolt, the HTTP query API and
Neo4j Browser, all bound to 127.0.0.1. This module builds it once (``mvn package``),
writes ``<home>/conf/neo4j.conf``, starts it as a background process whose pid is kept in
``<home>/run/neo4j.pid``, waits until Bolt answers, and stops it with SIGTERM (the
launcher's shutdown hook checkpoints and closes the stores). Data lives in
``<home>/data`` and survives restarts.

Neo4j 2026.x needs Java 21 or newer: ``JAVA_HOME`` is used when it is new enough,
otherwise the newest JDK under /usr/lib/jvm that is.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from threadgraph.config import Settings
from threadgraph.errors import LocalNeo4jError

MIN_JAVA = 21
LAUNCHER_CLASS = "dev.threadgraph.neo4j.LocalNeo4j"
LAUNCHER_JAR = "threadgraph-local-neo4j-1.jar"


@dataclass(frozen=True)
class Status:
    running: bool
    pid: int | None
    bolt_answers: bool
    home: Path
    bolt_port: int
    http_port: int

    def describe(self) -> str:
        if not self.running:
            return f"stopped (home {self.home})"
        state = "ready" if self.bolt_answers else "starting"
        return (
            f"running, {state}: pid {self.pid}, bolt://127.0.0.1:{self.bolt_port}, "
            f"Browser http://127.0.0.1:{self.http_port}/browser/ (home {self.home})"
        )


class LocalNeo4j:
    """Start, stop and inspect one local Neo4j home."""

    def __init__(self, settings: Settings) -> None:
        self.home = settings.local_neo4j_home.resolve()
        self.bolt_port = settings.local_neo4j_bolt_port
        self.http_port = settings.local_neo4j_http_port
        self.heap = settings.local_neo4j_heap
        self.pagecache = settings.local_neo4j_pagecache
        self.extra_conf = dict(settings.local_neo4j_conf)
        self.tools_dir = settings.neo4j_tools_dir.resolve()

    # -- paths -------------------------------------------------------------------------

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "neo4j.pid"

    @property
    def launcher_log(self) -> Path:
        return self.home / "logs" / "launcher.log"

    @property
    def conf_file(self) -> Path:
        return self.home / "conf" / "neo4j.conf"

    # -- commands ----------------------------------------------------------------------

    def status(self) -> Status:
        pid = self._running_pid()
        return Status(
            running=pid is not None,
            pid=pid,
            bolt_answers=pid is not None and _port_answers(self.bolt_port),
            home=self.home,
            bolt_port=self.bolt_port,
            http_port=self.http_port,
        )

    def start(self, timeout: float = 180.0) -> Status:
        """Start Neo4j unless it is already running, and wait until Bolt answers."""
        if self._running_pid() is None:
            for port in (self.bolt_port, self.http_port):
                if _port_answers(port):
                    raise LocalNeo4jError(
                        f"port {port} on 127.0.0.1 is already taken by another program; "
                        "stop it or set THREADGRAPH_LOCAL_NEO4J_BOLT_PORT / _HTTP_PORT"
                    )
            java = find_java()
            self._build(java)
            self._write_conf()
            self._spawn(java)
        pid = self._running_pid() or int(self.pid_file.read_text())
        self._wait_for_bolt(pid, timeout)
        return self.status()

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop Neo4j cleanly; returns False when it was not running."""
        pid = self._running_pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _alive(pid):
                break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    # -- steps -------------------------------------------------------------------------

    def _build(self, java: Path) -> None:
        jar = self.tools_dir / "target" / LAUNCHER_JAR
        sources = [self.tools_dir / "pom.xml", *self.tools_dir.glob("src/**/*.java")]
        if jar.exists() and all(s.stat().st_mtime <= jar.stat().st_mtime for s in sources):
            return
        env = dict(os.environ, JAVA_HOME=str(java.parent.parent))
        result = subprocess.run(
            ["mvn", "-q", "-B", "package"],
            cwd=self.tools_dir,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise LocalNeo4jError(
                "building tools/neo4j with Maven failed:\n"
                + (result.stdout + result.stderr)[-3000:]
            )

    def _write_conf(self) -> None:
        for sub in ("conf", "data", "logs", "run"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        # Auth is off because every connector listens on loopback only; with Docker or an
        # external server, NEO4J_USER / NEO4J_PASSWORD are used.
        self.conf_file.write_text(
            "# Written by `threadgraph neo4j start`; edits are overwritten.\n"
            "server.default_listen_address=127.0.0.1\n"
            "server.bolt.enabled=true\n"
            f"server.bolt.listen_address=127.0.0.1:{self.bolt_port}\n"
            "server.bolt.tls_level=DISABLED\n"
            "server.http.enabled=true\n"
            f"server.http.listen_address=127.0.0.1:{self.http_port}\n"
            f"server.http.advertised_address=127.0.0.1:{self.http_port}\n"
            f"server.bolt.advertised_address=127.0.0.1:{self.bolt_port}\n"
            "server.https.enabled=false\n"
            "dbms.security.auth_enabled=false\n"
            f"server.memory.pagecache.size={self.pagecache}\n"
            "dbms.usage_report.enabled=false\n"
            + "".join(f"{key}={value}\n" for key, value in self.extra_conf.items())
        )

    def _spawn(self, java: Path) -> None:
        target = self.tools_dir / "target"
        classpath = f"{target / LAUNCHER_JAR}{os.pathsep}{target / 'lib' / '*'}"
        command = [
            str(java),
            # The JVM options Neo4j's own neo4j.conf ships with: a heap fixed at its size
            # and touched up front, so queries never wait on the heap growing.
            f"-Xms{self.heap}",
            f"-Xmx{self.heap}",
            "-XX:+UseG1GC",
            "-XX:+AlwaysPreTouch",
            "-XX:+UnlockExperimentalVMOptions",
            "-XX:+TrustFinalNonStaticFields",
            "-XX:+DisableExplicitGC",
            "-XX:-OmitStackTraceInFastThrow",
            "--add-modules=jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            classpath,
            LAUNCHER_CLASS,
            str(self.home),
        ]
        self.launcher_log.parent.mkdir(parents=True, exist_ok=True)
        # posix_spawn rather than Popen: the DBMS outlives this process (its own session,
        # no Popen object left to be collected while the child runs).
        pid = os.posix_spawn(
            str(java),
            command,
            dict(os.environ),
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (
                    os.POSIX_SPAWN_OPEN,
                    1,
                    str(self.launcher_log),
                    os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                    0o644,
                ),
                (os.POSIX_SPAWN_DUP2, 1, 2),
            ],
            setsid=True,
        )
        self.pid_file.write_text(str(pid))

    def _wait_for_bolt(self, pid: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # Only liveness here: right after the spawn, /proc/<pid>/cmdline may not show
            # the launcher class yet.
            if not _alive(pid):
                raise LocalNeo4jError(
                    "Neo4j exited while starting; last lines of "
                    f"{self.launcher_log}:\n{_tail(self.launcher_log)}"
                )
            if _port_answers(self.bolt_port):
                return
            time.sleep(0.25)
        raise LocalNeo4jError(
            f"Neo4j did not answer on Bolt port {self.bolt_port} within {timeout:.0f}s; "
            f"see {self.launcher_log}"
        )

    def _running_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        if _alive(pid) and LAUNCHER_CLASS in _cmdline(pid):
            return pid
        return None


def find_java() -> Path:
    """The java binary of a JDK new enough for Neo4j 2026.x."""
    candidates: list[Path] = []
    if java_home := os.environ.get("JAVA_HOME"):
        candidates.append(Path(java_home) / "bin" / "java")
    jvm_dir = Path("/usr/lib/jvm")
    if jvm_dir.is_dir():
        candidates.extend(sorted(jvm_dir.glob("*/bin/java"), reverse=True))
    best: tuple[int, Path] | None = None
    for java in candidates:
        version = _java_major(java)
        if version >= MIN_JAVA and (best is None or version > best[0]):
            best = (version, java)
    if best is None:
        raise LocalNeo4jError(
            f"Neo4j 2026.x needs Java {MIN_JAVA} or newer and none was found "
            "(looked at JAVA_HOME and /usr/lib/jvm). Install a JDK 21+ or set NEO4J_URI "
            "to a running Neo4j."
        )
    return best[1]


def _java_major(java: Path) -> int:
    if not java.exists():
        return 0
    result = subprocess.run([str(java), "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)', result.stderr + result.stdout)
    return int(match.group(1)) if match else 0


def _port_answers(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _alive(pid: int) -> bool:
    _reap(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of this process still answers kill(0); it is not running.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return True
    return state != "Z"


def _reap(pid: int) -> None:
    """Collect the exit status when the DBMS was spawned by this very process."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
