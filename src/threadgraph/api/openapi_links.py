"""OpenAPI links: which response hands out the ids that other operations take.

A chat made by ``POST /api/chats`` is the ``chat_id`` of every ``/api/chats/{chat_id}``
operation; a turn's reply (or its prompt) is the ``message_id`` of every
``/api/messages/{message_id}`` one; and so on. Written into the document so that a
client generator, and a stateful fuzzer (schemathesis), can follow them: without them a
fuzzer only ever meets ids it made up, and every such request is a 404.
"""

from __future__ import annotations

from typing import Any

# (path, method, status) of an operation -> {path parameter: where its response has one}.
SOURCES: dict[tuple[str, str, str], dict[str, str]] = {
    ("/api/chats", "post", "201"): {"chat_id": "$response.body#/id"},
    ("/api/chats", "get", "200"): {"chat_id": "$response.body#/chats/0/id"},
    ("/api/chats/{chat_id}/messages", "post", "200"): {
        "message_id": "$response.body#/reply/id",
        "prompt_id": "$response.body#/prompt/id",
    },
    ("/api/messages/{message_id}/regenerate", "post", "200"): {
        "message_id": "$response.body#/reply/id"
    },
    ("/api/messages/{message_id}/edit", "post", "200"): {
        "message_id": "$response.body#/reply/id",
        "prompt_id": "$response.body#/prompt/id",
    },
    ("/api/messages/{message_id}/fork", "post", "201"): {"chat_id": "$response.body#/chat/id"},
    ("/api/topics", "get", "200"): {"topic_id": "$response.body#/0/id"},
    ("/api/account/keys", "post", "201"): {"key_id": "$response.body#/key/id"},
}

# A prompt's id is a message id too, and the only one ``edit`` takes.
ALIASES = {"prompt_id": "message_id"}

# Query parameters that take an id handed out above: (path, its parameter) per kind.
QUERY_TARGETS: dict[str, list[tuple[str, str]]] = {
    "chat_id": [("/api/search", "chat_id"), ("/api/export", "id"), ("/api/graph", "id")],
    "topic_id": [("/api/export", "id")],
}


def _targets(paths: dict[str, Any], parameter: str) -> list[tuple[str, dict[str, Any]]]:
    """Every operation whose path takes ``parameter``."""
    return [
        (path, operation)
        for path, operations in paths.items()
        if "{" + parameter + "}" in path
        for operation in operations.values()
    ]


def add_links(schema: dict[str, Any]) -> dict[str, Any]:
    paths = schema.get("paths", {})
    for (path, method, status), handed_out in SOURCES.items():
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get(status)
        if response is None:
            continue
        links = response.setdefault("links", {})
        for name, expression in handed_out.items():
            parameter = ALIASES.get(name, name)
            for target_path, operation in _targets(paths, parameter):
                if (name == "prompt_id") != target_path.endswith("/edit"):
                    continue  # only a prompt is edited; a reply's id reaches the others
                links[f"{operation['operationId']}.{name}"] = {
                    "operationId": operation["operationId"],
                    "parameters": {parameter: expression},
                }
            for target_path, query in QUERY_TARGETS.get(name, []):
                operation = paths[target_path]["get"]
                links[f"{operation['operationId']}.{name}"] = {
                    "operationId": operation["operationId"],
                    "parameters": {f"query.{query}": expression},
                }
    return schema
