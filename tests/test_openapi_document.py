"""The OpenAPI document states the rules the API enforces (enums, non-blank text, UUIDs),
the links that hand ids from one operation to the next, and a 405 names every method
the path has."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from threadgraph.api.schemas import NON_BLANK


def parameter(spec: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    for found in spec["paths"][path]["get"]["parameters"]:
        if found["name"] == name:
            schema: dict[str, Any] = found["schema"]
            return schema
    raise AssertionError(f"{path} has no parameter {name}")


def test_the_rules_of_parameters_and_bodies_are_in_the_document(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert parameter(spec, "/api/graph", "scope")["enum"] == ["chat", "all"]
    assert parameter(spec, "/api/export", "scope")["enum"] == ["chat", "topic", "all"]
    assert parameter(spec, "/api/export", "format")["enum"] == ["graphml", "gexf", "json", "cypher"]
    assert parameter(spec, "/api/search", "role")["enum"] == ["system", "user", "assistant"]
    q = parameter(spec, "/api/search", "q")
    assert q["pattern"] == NON_BLANK
    assert all(re.search(NON_BLANK, t) for t in ("a", " a ", "\ufeff"))
    assert not any(re.search(NON_BLANK, t) for t in ("", " \t\n", "\x1f\x1c", "\x85\xa0"))
    assert next(p for p in spec["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "q")[
        "required"
    ]
    # A chat_id in the query can name no chat of the caller's: 404 is documented too.
    assert "404" in spec["paths"]["/api/search"]["get"]["responses"]
    bodies = spec["components"]["schemas"]
    content = bodies["MessageCreate"]["properties"]["content"]["pattern"]
    assert re.search(content, "hello")
    assert re.search(content, "  a\n")
    assert not any(re.search(content, bad) for bad in ("", "  \n\t", "a\x00b", "\x1f"))
    assert bodies["ChatCreate"]["properties"]["id"]["format"] == "uuid"
    assert bodies["ChatUpdate"]["properties"]["head_id"]["format"] == "uuid"


def test_what_the_document_says_is_what_the_api_does(client: TestClient) -> None:
    """Each rule written above answers 400 in the error shape when broken."""
    chat = client.post("/api/chats", json={"title": "rules"}).json()["id"]
    broken = [
        ("GET", "/api/graph?scope=topic", None),
        ("GET", "/api/export?format=pdf", None),
        ("GET", "/api/search?q=%20%20", None),
        ("GET", "/api/search", None),
        ("GET", "/api/search?q=a&role=robot", None),
        ("POST", f"/api/chats/{chat}/messages", {"content": " \n", "stream": False}),
        ("POST", f"/api/chats/{chat}/context", {"content": ""}),
        ("POST", "/api/chats", {"id": "not-a-uuid"}),
        ("PATCH", f"/api/chats/{chat}", {"model": "  "}),
        ("PATCH", f"/api/chats/{chat}", {"title": "\t"}),
    ]
    for method, url, body in broken:
        answer = client.request(method, url, json=body)
        assert answer.status_code == 400, (method, url, answer.text)
        assert answer.json()["error"]["code"] == "invalid_input"


def test_links_hand_the_ids_of_one_answer_to_the_next_operation(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    made = paths["/api/chats"]["post"]["responses"]["201"]["links"]
    chat_ops = {
        op["operationId"]
        for path, ops in paths.items()
        if "{chat_id}" in path
        for op in ops.values()
    }
    search = paths["/api/search"]["get"]["operationId"]
    assert {link["operationId"] for link in made.values()} == chat_ops | {
        search,
        paths["/api/export"]["get"]["operationId"],
        paths["/api/graph"]["get"]["operationId"],
    }
    assert made[f"{search}.chat_id"]["parameters"] == {"query.chat_id": "$response.body#/id"}
    made = {k: v for k, v in made.items() if v["operationId"] in chat_ops}
    assert all(link["parameters"] == {"chat_id": "$response.body#/id"} for link in made.values())
    turn = paths["/api/chats/{chat_id}/messages"]["post"]["responses"]["200"]["links"]
    edit = paths["/api/messages/{message_id}/edit"]["post"]["operationId"]
    assert turn[f"{edit}.prompt_id"]["parameters"] == {"message_id": "$response.body#/prompt/id"}
    assert f"{edit}.message_id" not in turn  # a reply is not edited
    topics = paths["/api/topics"]["get"]["responses"]["200"]["links"]
    assert {tuple(link["parameters"].items()) for link in topics.values()} == {
        (("topic_id", "$response.body#/0/id"),),
        (("query.id", "$response.body#/0/id"),),
    }
    # Every link names an operation that exists, and a parameter it takes.
    operations = {op["operationId"]: path for path, ops in paths.items() for op in ops.values()}
    for ops in paths.values():
        for op in ops.values():
            for response in op["responses"].values():
                for link in response.get("links", {}).values():
                    ((name, _),) = link["parameters"].items()
                    path = operations[link["operationId"]]
                    assert "{" + name + "}" in path or name.startswith("query.")


def test_a_method_the_path_does_not_have_is_a_405_naming_those_it_has(client: TestClient) -> None:
    chat = client.post("/api/chats", json={}).json()["id"]
    answer = client.request("PUT", f"/api/chats/{chat}")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "DELETE, GET, PATCH"
    assert answer.json()["error"]["code"] == "http_error"
    assert client.request("PUT", "/api/chats").headers["allow"] == "GET, POST"
