"""The API's real error responses, written into its OpenAPI document.

FastAPI documents 422 for every route with a body or parameters, but threadgraph answers
a validation error with 400 (``api/errors.py``) and never 422. Each operation instead
lists the errors it can give, all in the one error shape: 400 for a malformed body or
parameter, 401 when not signed in (accounts mode), 403 for a member on an admin route,
404 for an id that is not the caller's (or none at all), 409 for a write that
clashes with what is stored, 413 for a body over a limit, 503 when Neo4j cannot be
reached. Clients and conformance checkers (schemathesis) can then trust the document.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

from threadgraph.api.openapi_links import add_links

ERROR_SCHEMA = "Error"


class ErrorDetail(BaseModel):
    code: str = Field(description="invalid_input, not_found, conflict, too_large, ...")
    message: str = Field(description="What went wrong, for a person to read")


class Error(BaseModel):
    error: ErrorDetail


WRITES = {"post", "patch", "put", "delete"}


def _errors_of(path: str, method: str, operation: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if operation.get("parameters") or operation.get("requestBody"):
        errors["400"] = "A malformed body or parameter, or a request that breaks a rule"
    if path.startswith(("/api/", "/v1/")):
        errors["401"] = "Not signed in (accounts mode): no key, or a wrong, revoked or expired one"
        errors["429"] = (
            "Too many requests with this API key, too many sign-in attempts, or (a turn) too "
            "many replies of yours being written at once: wait Retry-After seconds"
        )
    if path.startswith("/api/admin/"):
        errors["403"] = "Only an admin manages accounts"
    # An id in the path or query, or the chat a /v1 call records into (its header).
    names = {p.get("name", "").lower() for p in operation.get("parameters", [])}
    ids = any(n == "id" or n.endswith("_id") or n == "x-threadgraph-chat" for n in names)
    if "{" in path or ids:
        errors["404"] = "No such object of yours (another person's is not found either)"
    if path.startswith("/api/") and method in WRITES:
        errors["409"] = "The write clashes with what is stored"
    if operation.get("requestBody"):
        errors["413"] = "The body, a message or an import is over its size limit"
    if path.startswith("/api/"):
        errors["503"] = "Neo4j (or another dependency) cannot be reached"
    return errors


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components[ERROR_SCHEMA] = Error.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(components[ERROR_SCHEMA].pop("$defs", {}))
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            for status, description in _errors_of(path, method, operation).items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if status.startswith(("4", "5")) and "content" not in response:
                    response["content"] = {"application/json": {"schema": reference}}
    return schema


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            made = get_openapi(
                title=app.title, version=app.version, summary=app.summary, routes=app.routes
            )
            app.openapi_schema = add_links(document_errors(made))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
