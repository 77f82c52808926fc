"""The ``threadgraph`` command.

threadgraph serve [--host H] [--port P]   run the API (starts the local Neo4j when
                                         NEO4J_URI is not set)
threadgraph neo4j start|stop|status      manage the local Neo4j
threadgraph migrate                      apply schema migrations and print the version
"""

from __future__ import annotations

import argparse
import sys
import time

from threadgraph.config import Settings
from threadgraph.errors import ThreadgraphError
from threadgraph.local_neo4j import LocalNeo4j


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="threadgraph", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web app and JSON API")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1: local mode)")
    serve.add_argument("--port", type=int, help="port (default 8000)")

    neo4j = commands.add_parser("neo4j", help="manage the local Neo4j")
    neo4j.add_argument("action", choices=["start", "stop", "status"])

    commands.add_parser("migrate", help="apply schema migrations")

    export = commands.add_parser("export", help="write a chat or a whole history as a graph")
    export.add_argument("--scope", choices=["chat", "topic", "all"], default="all")
    export.add_argument("--id", help="the chat's or topic's id, for --scope chat|topic")
    export.add_argument("--format", choices=["graphml", "gexf", "json", "cypher"], default="json")
    export.add_argument("--embeddings", action="store_true", help="include message vectors")
    export.add_argument("--user", help="whose history (default: the local user)")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")

    embeddings = commands.add_parser("embeddings", help="manage message embeddings")
    embeddings.add_argument("action", choices=["backfill"])
    embeddings.add_argument("--batch", type=int, default=64, help="messages per batch")

    args = parser.parse_args(argv)
    settings = Settings()
    try:
        if args.command == "serve":
            return _serve(settings, args.host, args.port)
        if args.command == "neo4j":
            return _neo4j(settings, args.action)
        if args.command == "migrate":
            return _migrate(settings)
        if args.command == "export":
            return _export(settings, args)
        if args.command == "embeddings":
            return _backfill(settings, args.batch)
    except ThreadgraphError as error:
        print(f"threadgraph: {error.message}", file=sys.stderr)
        return 1
    return 2


def _neo4j(settings: Settings, action: str) -> int:
    local = LocalNeo4j(settings)
    if action == "start":
        started = time.monotonic()
        status = local.start()
        print(f"Neo4j {status.describe()} ({time.monotonic() - started:.1f}s)")
    elif action == "stop":
        print("Neo4j stopped" if local.stop() else "Neo4j was not running")
    else:
        status = local.status()
        print(f"Neo4j {status.describe()}")
        return 0 if status.running else 3
    return 0


def _migrate(settings: Settings) -> int:
    from threadgraph.store import Neo4jStore

    _ensure_neo4j(settings)
    store = Neo4jStore.connect(settings)
    try:
        print(f"schema version {store.migrate()}")
    finally:
        store.close()
    return 0


def _backfill(settings: Settings, batch: int) -> int:
    """Embed every complete message that has no vector yet, in batches, with progress.
    Safe to interrupt and run again: it only picks up what is still missing."""
    from tqdm import tqdm

    from threadgraph.api.app import build_embedder, check_embedding_dimension
    from threadgraph.store import Neo4jStore

    _ensure_neo4j(settings)
    store = Neo4jStore.connect(settings)
    try:
        store.migrate()
        embedder = build_embedder(settings)
        check_embedding_dimension(store, embedder)
        missing = store.count_missing_embeddings()
        with tqdm(total=missing, unit="msg", desc="embedding") as progress:
            while rows := store.messages_missing_embeddings(batch):
                vectors = embedder.embed([content for _, content in rows])
                store.set_embeddings([(i, v) for (i, _), v in zip(rows, vectors, strict=True)])
                progress.update(len(rows))
        print(f"embedded {missing} message(s)")
    finally:
        store.close()
    return 0


def _export(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from threadgraph.services.export import Exporter
    from threadgraph.store import Neo4jStore

    _ensure_neo4j(settings, quiet=args.output is None)
    store = Neo4jStore.connect(settings)
    try:
        exporter = Exporter(store)
        user = args.user or settings.local_user_id
        graph = exporter.graph(user, args.scope, args.id, args.embeddings)
        text = exporter.render(graph, args.format)
    finally:
        store.close()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
        print(f"wrote {nodes} nodes and {edges} relationships to {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def _serve(settings: Settings, host: str | None, port: int | None) -> int:
    import uvicorn

    from threadgraph.api.app import create_app

    _ensure_neo4j(settings)
    host = host or settings.host
    port = port or settings.port
    print(f"threadgraph on http://{host}:{port}/  (API docs at /docs)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    return 0


def _ensure_neo4j(settings: Settings, quiet: bool = False) -> None:
    if settings.uses_local_neo4j:
        status = LocalNeo4j(settings).start()
        if not quiet:
            print(f"Neo4j {status.describe()}")


if __name__ == "__main__":
    raise SystemExit(main())
