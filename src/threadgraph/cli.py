"""The ``threadgraph`` command.

threadgraph serve [--host H] [--port P] [--workers N]
                                         run the API (starts the local Neo4j when
                                         NEO4J_URI is not set); N processes share the port
threadgraph neo4j start|stop|status      manage the local Neo4j
threadgraph migrate                      apply schema migrations and print the version
threadgraph import FILE [--format F]     import a ChatGPT, Claude, Open WebUI, LibreChat
                                         or threadgraph export (.json or .zip)
threadgraph users create [--admin] NAME  a person (THREADGRAPH_AUTH=accounts); prints a
                                         one-time password, or --password-stdin
threadgraph users list|disable|enable|delete|key ...
threadgraph mcp                          the MCP server over stdio (for an MCP client to
                                         start), acting as the local user
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

from threadgraph.config import Settings, check_exposure
from threadgraph.errors import InvalidInput, ThreadgraphError, TooLarge
from threadgraph.local_neo4j import LocalNeo4j

# The formats `threadgraph import` reads (kept here so --help needs no heavy imports).
IMPORT_FORMATS = ("chatgpt", "claude", "openwebui", "librechat", "chatbotui", "threadgraph")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="threadgraph", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web app and JSON API")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1: local mode)")
    serve.add_argument("--port", type=int, help="port (default 8000)")
    serve.add_argument(
        "--workers", type=int, default=1, help="server processes sharing the port (default 1)"
    )

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
    embeddings.add_argument(
        "action",
        choices=["backfill", "rebuild"],
        help="backfill: embed messages without a vector; rebuild: make every vector again",
    )
    embeddings.add_argument("--batch", type=int, default=256, help="messages per batch")

    importing = commands.add_parser("import", help="import chats exported from another app")
    importing.add_argument("file", help="the export: conversations.json, or the .zip")
    importing.add_argument(
        "--format", choices=["auto", *IMPORT_FORMATS], default="auto", help="default: detect"
    )
    importing.add_argument("--user", help="whose history it becomes (default: the local user)")
    importing.add_argument(
        "--no-enrich", action="store_true", help="skip embeddings and topics (run later)"
    )

    _users_parser(commands)
    commands.add_parser("mcp", help="serve the history to an MCP client over stdio")

    args = parser.parse_args(argv)
    settings = Settings()
    try:
        if args.command == "serve":
            return _serve(settings, args.host, args.port, args.workers)
        if args.command == "neo4j":
            return _neo4j(settings, args.action)
        if args.command == "migrate":
            return _migrate(settings)
        if args.command == "export":
            return _export(settings, args)
        if args.command == "embeddings":
            return _backfill(settings, args.batch, rebuild=args.action == "rebuild")
        if args.command == "import":
            return _import(settings, args)
        if args.command == "users":
            from threadgraph.cli_users import run_users

            _ensure_neo4j(settings, quiet=True)
            return run_users(settings, args)
        if args.command == "mcp":
            return _mcp(settings)
    except ThreadgraphError as error:
        print(f"threadgraph: {error.message}", file=sys.stderr)
        return 1
    return 2


def _users_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = commands.add_parser("users", help="manage people (THREADGRAPH_AUTH=accounts)")
    actions = users.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="add a person; prints a one-time password")
    create.add_argument("name")
    create.add_argument("--admin", action="store_true", help="may manage accounts")
    create.add_argument("--login", help="default: the name, lowercased")
    create.add_argument("--email")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    actions.add_parser("list", help="everyone with an account")
    for action, what in [
        ("disable", "stop a person signing in (their keys stop working)"),
        ("enable", "let a disabled person sign in again"),
        ("delete", "delete a person and everything of theirs"),
    ]:
        actions.add_parser(action, help=what).add_argument("login")
    key = actions.add_parser("key", help="make an API key for a person; printed once")
    key.add_argument("login")
    key.add_argument("--name", default="command line", help="what the key is for")
    key.add_argument("--expires-days", type=int, help="default: never expires")


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
    from threadgraph.wiring import open_services

    _ensure_neo4j(settings)
    with open_services(settings) as services:
        print(f"schema version {services.store.migrate()}")
    return 0


def _backfill(settings: Settings, batch: int, rebuild: bool = False) -> int:
    """Embed every complete message that has no vector yet (or, with ``rebuild``, every
    one again: for a store from before vectors were made of a message and the turn it
    answers), in batches, with progress. Safe to interrupt and run again."""
    from tqdm import tqdm

    from threadgraph.services.imports.enrich import embed_again, embed_missing
    from threadgraph.wiring import open_services

    _ensure_neo4j(settings)
    with open_services(_for_a_command(settings)) as services:
        store = services.store
        store.migrate()
        services.check_embedding_dimension()
        if rebuild:
            with tqdm(unit="msg", desc="embedding again") as progress:
                done = embed_again(store, services.embedder, None, batch, progress.update)
        else:
            done = store.count_missing_embeddings()
            with tqdm(total=done, unit="msg", desc="embedding") as progress:
                embed_missing(store, services.embedder, None, batch, progress.update)
        print(f"embedded {done} message(s)")
    return 0


def _for_a_command(settings: Settings) -> Settings:
    """The settings for a command a person waits on: its embedding passes may use every
    core (``command_embedding_threads``), not the one a server keeps for turns."""
    import os

    threads = settings.command_embedding_threads or os.cpu_count() or 1
    return settings.model_copy(update={"embedding_threads": threads})


def _import(settings: Settings, args: argparse.Namespace) -> int:
    """Import an export file: the graph first (one transaction per conversation), then
    embeddings and topics for what was written, each with a progress bar."""
    from pathlib import Path

    from tqdm import tqdm

    from threadgraph.services.imports.enrich import (
        embed_missing,
        topics_for_imported,
    )
    from threadgraph.services.imports.service import Importer
    from threadgraph.wiring import open_services

    path = Path(args.file)
    if not path.is_file():
        what = "is a directory, not a file" if path.is_dir() else "does not exist"
        raise InvalidInput(f"{path} {what}")
    if path.stat().st_size > settings.import_max_bytes:
        raise TooLarge(
            f"{path} is {path.stat().st_size / 1e6:,.1f} MB; the import limit is "
            f"{settings.import_max_bytes / 1e6:,.1f} MB (THREADGRAPH_IMPORT_MAX_BYTES)"
        )
    try:
        payload = path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"{path} cannot be read: {error.strerror}") from None
    _ensure_neo4j(settings)
    with open_services(_for_a_command(settings)) as services:
        store = services.store
        store.migrate()
        user = args.user or settings.local_user_id
        store.ensure_user(user, settings.local_user_name if args.user is None else "imported")
        with tqdm(unit="chat", desc="importing") as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            summary = Importer(store, settings).run(user, payload, args.format, progress)
        print(
            f"{summary.format}: {summary.chats_imported} chat(s) imported, "
            f"{summary.chats_unchanged} unchanged, {summary.messages_imported} message(s) "
            f"written, {len(summary.skipped)} chat(s) skipped"
        )
        for reason, count in sorted(summary.messages_skipped.items()):
            print(f"  left out {count} message(s): {reason}")
        for item in summary.skipped:
            print(f"  skipped #{item.position} {item.title!r}: {item.reason}")
        for item in summary.warnings:
            print(f"  note #{item.position} {item.title!r}: {item.reason}")
        if not args.no_enrich:
            services.check_embedding_dimension()
            missing = store.count_missing_embeddings(user)
            with tqdm(total=missing, unit="msg", desc="embedding") as bar:
                embed_missing(store, services.embedder, user, step=bar.update)
            if settings.topics_enabled:
                todo = store.count_imported_exchanges_without_topics(user)
                with tqdm(total=todo, unit="exchange", desc="topics") as bar:
                    topics_for_imported(store, services.embedder, user, step=bar.update)
    return 0


def _export(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from threadgraph.services.export import Exporter
    from threadgraph.wiring import open_services

    _ensure_neo4j(settings, quiet=args.output is None)
    with open_services(settings) as services:
        exporter = Exporter(services.store)
        user = args.user or settings.local_user_id
        graph = exporter.graph(user, args.scope, args.id, args.embeddings)
        text = exporter.render(graph, args.format)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
        print(f"wrote {nodes} nodes and {edges} relationships to {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def _mcp(settings: Settings) -> int:
    from threadgraph.mcp.stdio import serve_stdio

    _ensure_neo4j(settings, quiet=True)  # standard output is the protocol's
    serve_stdio(settings)
    return 0


def _serve(settings: Settings, host: str | None, port: int | None, workers: int = 1) -> int:
    import uvicorn

    from threadgraph.api.app import create_app

    if workers < 1:
        print("--workers must be at least 1", file=sys.stderr)
        return 2
    host = host or settings.host
    port = port or settings.port
    check_exposure(settings, host)
    _ensure_neo4j(settings)
    print(f"threadgraph on http://{host}:{port}/  (API docs at /docs)")
    # threadgraph's own notes (the warm-up, replies cut off by the last shutdown) beside
    # uvicorn's, which keeps its own handlers.
    logging.basicConfig(level=logging.INFO, format="%(levelname)-9s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per model request
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
        return 0
    # Several processes: each builds its app from the same environment, with its own
    # instance id, so each leases the replies it writes (services/reply_leases.py). The
    # schema is brought up to date here, once, before they start side by side.
    from threadgraph.store import Neo4jStore

    store = Neo4jStore.connect(settings)
    try:
        store.migrate()
    finally:
        store.close()
    uvicorn.run(
        "threadgraph.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )
    return 0


def _ensure_neo4j(settings: Settings, quiet: bool = False) -> None:
    if settings.uses_local_neo4j:
        status = LocalNeo4j(settings).start()
        if not quiet:
            print(f"Neo4j {status.describe()}")


if __name__ == "__main__":
    raise SystemExit(main())
