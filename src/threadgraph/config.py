"""Settings, read from the environment (and an optional ``.env`` file).

Conventional names are used where they exist (``NEO4J_URI``, ``NEO4J_USER``,
``NEO4J_PASSWORD``); everything threadgraph-specific is prefixed ``THREADGRAPH_``.
When ``NEO4J_URI`` is unset, the run command and the test suite start the local Neo4j
(``threadgraph neo4j start``) and connect to it over Bolt on loopback.
"""

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from threadgraph.context_knobs import DEFAULTS as KNOBS
from threadgraph.errors import ThreadgraphError

SOURCE_ROOT = Path(__file__).resolve().parents[2]


def _default_data_home() -> Path:
    import os

    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "threadgraph"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="THREADGRAPH_", env_file=".env", extra="ignore", frozen=True
    )

    # Neo4j: an external server when NEO4J_URI is set, else the local one below.
    neo4j_uri: str | None = Field(
        default=None, validation_alias=AliasChoices("NEO4J_URI", "THREADGRAPH_NEO4J_URI")
    )
    neo4j_user: str = Field(
        default="neo4j", validation_alias=AliasChoices("NEO4J_USER", "THREADGRAPH_NEO4J_USER")
    )
    neo4j_password: str = Field(
        default="", validation_alias=AliasChoices("NEO4J_PASSWORD", "THREADGRAPH_NEO4J_PASSWORD")
    )
    neo4j_database: str = Field(
        default="neo4j",
        validation_alias=AliasChoices("NEO4J_DATABASE", "THREADGRAPH_NEO4J_DATABASE"),
    )
    # Upper bound on the driver's retries of a transaction that failed transiently.
    neo4j_max_retry_seconds: float = 15.0

    # The local Neo4j (see tools/neo4j and threadgraph.local_neo4j).
    local_neo4j_home: Path = Field(default_factory=lambda: _default_data_home() / "neo4j")
    local_neo4j_bolt_port: int = 7687
    local_neo4j_http_port: int = 7474
    local_neo4j_heap: str = "1g"
    local_neo4j_pagecache: str = "512m"
    # More neo4j.conf settings for the local Neo4j (JSON in the environment), for example
    # THREADGRAPH_LOCAL_NEO4J_CONF='{"dbms.cypher.min_replan_interval": "1h"}'.
    local_neo4j_conf: dict[str, str] = Field(default_factory=dict)
    neo4j_tools_dir: Path = SOURCE_ROOT / "tools" / "neo4j"

    # The HTTP server. Local mode: loopback only, one local user.
    host: str = "127.0.0.1"
    # Who a request acts as. "local": the one local user, no sign-in (only on loopback).
    # "accounts": people with accounts, each request signed in (API key or web session);
    # required whenever the server binds beyond loopback.
    auth: Literal["local", "accounts"] = "local"
    # Seconds a verified API key is trusted from this process's memory before Neo4j is
    # asked again: a key revoked (or a person disabled) through another process stops
    # working within this time; through this one, at once.
    key_cache_seconds: float = Field(default=5.0, ge=0)
    # Per API key: requests per second once its burst is spent (0: no limit); 429 with
    # Retry-After beyond it.
    key_rate_per_second: float = Field(default=20.0, ge=0)
    key_burst: int = Field(default=100, ge=1)
    # Per person (accounts mode): replies written at once in one process (0: no limit); a
    # turn beyond it is a 429 with Retry-After, and nothing of it is stored.
    max_live_replies_per_person: int = Field(default=4, ge=0)
    port: int = 8000
    local_user_id: str = "00000000-0000-4000-8000-000000000001"
    local_user_name: str = "local"

    # Chat models. With no OPENAI_BASE_URL the local offline model answers by default.
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "THREADGRAPH_OPENAI_BASE_URL"),
    )
    openai_api_key: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "THREADGRAPH_OPENAI_API_KEY"),
    )
    # The model used when neither the message nor the chat names one; unset means the
    # endpoint's first listed model when an endpoint is configured, else the local model.
    default_model: str | None = None
    # Seconds without a byte from the model endpoint before the reply fails.
    model_timeout_seconds: float = 120.0
    # How often a streaming reply is written to Neo4j: at most this much is lost on a crash
    # (the first tokens are written at once, so a reply cut off early still has them).
    checkpoint_seconds: float = 1.0
    # Seconds of silence on a reply's event stream before a keep-alive comment is sent.
    sse_heartbeat_seconds: float = 10.0
    # Replies written at once by one process: to the model endpoint (each a thread waiting
    # on I/O; 4 at a time made the 50th of 50 concurrent turns wait ~35 s for its first
    # token) and by the local CPU model (more than the cores only slows every reply).
    reply_workers: int = Field(default=256, ge=1)
    local_reply_workers: int = Field(default=2, ge=1)
    # Replicas: a reply being written is owned by one process (its instance id, random per
    # process unless set) for a lease it renews about once a second. Any replica marks a
    # reply ``incomplete`` only once its lease has run out: this long after its writer died.
    instance_id: str | None = None
    reply_lease_seconds: float = Field(default=15.0, ge=1.0)
    # Upper bound on tokens a model may generate for one reply.
    max_reply_tokens: int = 1024
    # Context assembly (tokens counted with the embedding model's WordPiece tokenizer).
    # Each one's default and meaning: context_knobs.ContextOptions (named in its knob).
    branch_budget_tokens: int = KNOBS.branch_budget_tokens
    memory_enabled: bool = KNOBS.memory
    memory_k: int = KNOBS.k
    memory_budget_tokens: int = KNOBS.memory_budget_tokens
    memory_vector_floor: float = KNOBS.vector_floor
    memory_candidates: int = KNOBS.candidates
    memory_keyword_weight: float = KNOBS.keyword_weight
    memory_topic_weight: float = KNOBS.topic_weight
    memory_topic_floor: float = KNOBS.topic_floor
    memory_fusion: Literal["rrf", "score"] = KNOBS.fusion  # type: ignore[assignment]
    memory_unit: Literal["exchange", "message"] = KNOBS.unit  # type: ignore[assignment]
    memory_neighbour_weight: float = KNOBS.neighbour_weight
    memory_neighbour_candidates: bool = KNOBS.neighbour_candidates
    memory_date_weight: float = KNOBS.date_weight
    # Context assemblies run in the background after a start, so the JVM has compiled
    # Neo4j's search code before people ask (services/warm_up.py); 0 turns it off.
    warm_up_reads: int = 1000

    # Topics extracted after each reply, off the hot path: "keyphrases" (offline, with
    # the embedding model) or "model" (the chat model names them as JSON; key phrases
    # when it fails). topics_model: which model; empty means the one that answered.
    topics_enabled: bool = True
    topics_extractor: Literal["keyphrases", "model"] = "keyphrases"
    topics_model: str = ""

    # Embeddings: "local" (all-MiniLM-L6-v2, offline) or "openai" (the endpoint above).
    embeddings: str = "local"
    embedding_model: str = "text-embedding-3-small"
    embedding_dimension: int = 384
    local_model_enabled: bool = True
    local_model_threads: int = 2
    # Threads torch may use to embed (local embedder). One: torch's default (every core)
    # spins its OpenMP threads on the cores Neo4j and other requests need; under load on
    # 2 cores a one-sentence embed took p50 38 / max 238 ms with 2 threads, 16 / 26 ms
    # with 1, and a batch of 64 885 against 389 ms. Raise it on a large, quiet machine.
    embedding_threads: int = 1
    # ...but `threadgraph import` and `threadgraph embeddings` are run by a person who
    # waits for them, and their embedding passes are most of their time: they use this
    # many threads, 0 meaning every core (bench/import_throughput.py --threads).
    command_embedding_threads: int = 0

    # Limits on what a person can store in one message.
    max_message_chars: int = 200_000
    max_title_chars: int = 200
    # Largest export file (or JSON inside a zip) an import reads; larger ones get 413.
    import_max_bytes: int = 512 * 1024 * 1024
    # Largest request body (any route but the import, which may be import_max_bytes and
    # a little more): beyond it a 413 as the body arrives, before it is kept anywhere.
    # A message is at most max_message_chars; /v1 resends the whole conversation.
    max_body_bytes: int = Field(default=16 * 1024 * 1024, ge=1)
    # Conversations written at once (each in its own transaction) while importing.
    import_workers: int = 4

    @property
    def effective_neo4j_uri(self) -> str:
        """The Bolt URI to use: NEO4J_URI, or the local Neo4j's loopback address."""
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.local_neo4j_bolt_port}"

    @property
    def model_endpoint(self) -> str | None:
        """The OpenAI-compatible base URL, or None (an empty variable counts as unset)."""
        return self.openai_base_url or None

    @property
    def uses_local_neo4j(self) -> bool:
        return self.neo4j_uri is None

    @property
    def accounts(self) -> bool:
        """Multi-user: every request is signed in as one person."""
        return self.auth == "accounts"


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def check_exposure(settings: Settings, host: str) -> None:
    """Refuse to serve beyond loopback without accounts: in local mode every request
    acts as the local user, so anyone who could reach the port would read every chat."""
    if not settings.accounts and not is_loopback(host):
        raise ThreadgraphError(
            f"refusing to serve on {host} in local mode: every request would act as the "
            "local user, with no sign-in. Set THREADGRAPH_AUTH=accounts (then create the "
            "first admin with `threadgraph users create --admin NAME`), or bind to 127.0.0.1"
        )
