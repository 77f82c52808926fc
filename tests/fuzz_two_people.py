"""The API fuzzer with two people: schemathesis' stateful testing (it follows the OpenAPI
links, ``api/openapi_links.py``) against a real server in accounts mode, each scenario
acted by one person, and every request that names that person's ids swapped to the other.

For each call the owner makes, schemathesis' conformance checks run on the answer (the
status is documented, the body matches its schema, ...). When the request names an id
the owner made (in the path, the query or the body), the other person sends it too, and
the same request with those ids replaced by fresh ones. Found, and counted:

- a 5xx answer, to anyone;
- a cross-person read: the other person's answer to the owner's ids differs from their
  answer to fresh ids (status, or the error with the ids masked), or any answer of theirs
  holds an id of the owner's that their request did not;
- a cross-person write: the owner's graph in Neo4j (chats, heads, titles, messages,
  keys) is not the same after the other person's requests as before.

``tests/test_api_fuzz_two_people.py`` runs it bounded; ``bench/fuzz_two_people.py`` runs
it for 10,000 calls or more and prints what it counted.
"""

from __future__ import annotations

import json
import uuid
import zlib
from typing import Any

import hypothesis
import hypothesis.errors
import schemathesis
from neo4j import Driver
from schemathesis import Case, Response
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation.stateful.state_machine import APIStateMachine
from schemathesis.specs.openapi import checks as openapi_checks

from tests.fuzz_findings import (
    Ledger,
    Person,
    Tally,
    describe,
    masked,
    replaced,
    request_text,
)
from threadgraph.config import Settings
from threadgraph.models import AccountRole
from threadgraph.rules import new_id
from threadgraph.wiring import Services

# The conformance checks run on every answer. positive_data_acceptance (a schema-valid
# request is accepted) is filtered by TOLERATED below.
CHECKS = [
    not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.positive_data_acceptance,
    openapi_checks.use_after_free,
]

# Rules a JSON schema cannot state, answered 400 on a schema-valid request: the
# operation, and words of the error's message. Each is documented in its description.
TOLERATED: dict[str, tuple[str, ...]] = {
    "GET /api/chats": ("cursor is not one this server handed out",),
    "GET /api/export": ("needs the",),
    "GET /api/graph": ("needs the",),
    "GET /api/search": ("since must be before until",),
    "PATCH /api/chats/{chat_id}": ("is not a message of this chat",),
    "POST /api/chats/{chat_id}/messages": ("is not a message of this chat",),
    "POST /api/chats/{chat_id}/context": ("is not a message of this chat",),
    # Which role the message has (schemathesis' own inferred links take any message).
    "POST /api/messages/{message_id}/edit": ("only a prompt (a user message) can be edited",),
    "POST /api/messages/{message_id}/regenerate": (
        "only a reply (an assistant message) can be regenerated",
        "only a prompt (a user message) can be answered again",
    ),
    "POST /api/import": ("",),  # whether a file is an export of a known format
    # The last message is the user's, with some text (a list of parts may hold none).
    "POST /v1/chat/completions": ("the last message must be the user's", "content is empty"),
}


# The same, on any operation: the models on offer are the endpoint's, listed at run time.
EVERYWHERE = ("is not offered here",)


def load_schema(url: str) -> Any:
    """The server's OpenAPI document, less two operations that would end the run: signing
    out (with a key, it revokes the key the fuzzer uses) and deleting one's account."""
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    return schema.exclude(method="DELETE", path=["/api/session", "/api/account"])


FINGERPRINT = """
MATCH (u:User {id: $user_id})
OPTIONAL MATCH (c:Chat)-[:BELONGS_TO]->(u)
OPTIONAL MATCH (c)-[:HEAD]->(h:Message)
OPTIONAL MATCH (m:Message)-[:BELONGS_TO]->(c)
WITH u, c, h, m ORDER BY m.id
WITH u, c, h, collect([m.id, m.status, m.content]) AS messages
WITH u, c, [c.id, c.deleted_at, c.model, CASE c.title_source WHEN 'user' THEN c.title END,
     h.id, messages] AS chat ORDER BY c.id
WITH u, collect(chat) AS chats
OPTIONAL MATCH (k:ApiKey)-[:BELONGS_TO]->(u)
WITH chats, k ORDER BY k.id
RETURN chats, collect([k.id, k.revoked_at]) AS keys
"""


def make_people(services: Services) -> tuple[Person, Person]:
    """Two members, each with an API key (as ``threadgraph users create`` and ``key`` do)."""
    people = []
    for name in ("alice", "bob"):
        login = f"{name}-{new_id()[:8]}"
        account, _ = services.accounts.create(login, role=AccountRole.MEMBER, password=new_id())
        made, key = services.keys.create(account.id, "fuzz", None)
        people.append(Person(name, account.id, key, made.id))
    return people[0], people[1]


def fuzz_env(server_env: dict[str, str]) -> None:
    """What a fuzzed server runs with: accounts, and no rate limit per key (the limit's
    429 is tested on its own; here it would only hide the rest)."""
    server_env.update(THREADGRAPH_AUTH="accounts", THREADGRAPH_KEY_RATE_PER_SECOND="0")


# Operations that answer a turn: as server-sent events by default, whose ids no link can
# follow, so three in four are sent with stream=false (JSON) to reach the messages.
TURNS = {
    "POST /api/chats/{chat_id}/messages",
    "POST /api/messages/{message_id}/edit",
    "POST /api/messages/{message_id}/regenerate",
}


def mostly_json(case: Case[Any]) -> None:
    if (
        case.operation.label in TURNS
        and isinstance(case.body, dict)
        and zlib.crc32(case.id.encode()) % 4
    ):
        case.body = {**case.body, "stream": False}


def protect_keys(case: Case[Any], keys: set[str]) -> None:
    """The fuzzer never revokes the keys it signs in with (schemathesis links the list of
    one's keys to revoking one): such an id is replaced by a fresh one."""
    if case.path == "/api/account/keys/{key_id}" and case.path_parameters.get("key_id") in keys:
        case.path_parameters = {"key_id": str(uuid.uuid4())}


class Fuzzer:
    """The checks around each call; ``machine()`` is the state machine that makes them."""

    def __init__(
        self, schema: Any, people: tuple[Person, Person], driver: Driver, settings: Settings
    ) -> None:
        self.schema = schema
        self.people = people
        self.driver = driver
        self.database = settings.neo4j_database
        self.ledger = Ledger(*people)
        self.tally = Tally()
        self.scenarios = 0

    # -- the checks ---------------------------------------------------------------------

    def conform(self, case: Case[Any], response: Response, recorder: Any = None) -> None:
        try:
            case.validate_response(response, checks=CHECKS, recorder=recorder)
        except (FailureGroup, Failure) as error:
            failures = error.exceptions if isinstance(error, FailureGroup) else (error,)
            for failure in failures:
                if not self.tolerated(case, response, failure):
                    title = failure.title.splitlines()[0]
                    self.tally.nonconformant.append(f"{title}: {describe(case, response)}")

    @staticmethod
    def tolerated(case: Case[Any], response: Response, failure: Failure) -> bool:
        if failure.code != "ST202" or response.status_code != 400:
            return False
        words = (*TOLERATED.get(case.operation.label, ()), *EVERYWHERE)
        return any(w in response.text for w in words)

    def fingerprint(self, person: Person) -> Any:
        records, _, _ = self.driver.execute_query(
            FINGERPRINT, user_id=person.id, database_=self.database
        )
        return json.dumps([dict(r) for r in records], default=str, sort_keys=True)

    def call(self, case: Case[Any], person: Person) -> Response:
        protect_keys(case, {p.key_id for p in self.people})
        response = case.call(headers=person.headers, timeout=60)
        self.tally.count(case, response)
        return response

    def after(self, case: Case[Any], response: Response, owner: Person) -> None:
        """The owner's call is done: claim what it handed out, then swap."""
        if 200 <= response.status_code < 300 and case.path.startswith(("/api/", "/v1/")):
            self.ledger.claim(owner, response.text)
            self.ledger.claim(owner, json.dumps(case.path_parameters))
        theirs = self.ledger.of(owner, request_text(case))
        if theirs:
            other = self.people[1] if owner is self.people[0] else self.people[0]
            self.swap(case, owner, other, theirs)

    def swap(self, case: Case[Any], owner: Person, other: Person, theirs: set[str]) -> None:
        before = self.fingerprint(owner)
        fresh = {i: str(uuid.uuid4()) for i in theirs}
        answers = []
        for variant in (replaced(case, {}), replaced(case, fresh)):
            response = self.call(variant, other)
            self.tally.swapped += 1
            self.conform(variant, response)
            leaked = self.ledger.of(owner, response.text) - self.ledger.of(
                owner, request_text(variant)
            )
            if leaked:
                self.tally.cross_reads.append(
                    f"{other.name} got {owner.name}'s {sorted(leaked)}: "
                    f"{describe(variant, response)}"
                )
            answers.append((variant, response))
        (own_case, own), (_, free) = answers
        ids = [*theirs, *fresh.values()]
        differs = own.status_code != free.status_code or (
            own.status_code >= 400 and masked(own, *ids) != masked(free, *ids)
        )
        if differs:
            self.tally.cross_reads.append(
                f"{other.name}'s answer to {owner.name}'s ids differs from one to fresh ids: "
                f"{describe(own_case, own)} / fresh: {free.status_code} {free.text[:200]}"
            )
        if self.fingerprint(owner) != before:
            self.tally.cross_writes.append(
                f"{other.name} changed {owner.name}'s graph: {describe(own_case, own)}"
            )

    # -- the state machine --------------------------------------------------------------

    def machine(self) -> type[APIStateMachine]:
        fuzzer = self
        base: type[APIStateMachine] = self.schema.as_state_machine()

        class TwoPeople(base):  # type: ignore[valid-type, misc]
            def setup(self) -> None:
                # Scenarios alternate between the two: each one's ids are tried by the other.
                self.owner = fuzzer.people[fuzzer.scenarios % 2]
                fuzzer.scenarios += 1

            def call(self, case: Case[Any], **kwargs: Any) -> Response:
                mostly_json(case)
                return fuzzer.call(case, self.owner)

            def after_call(self, response: Response, case: Case[Any]) -> None:
                super().after_call(response, case)
                fuzzer.after(case, response, self.owner)

            def validate_response(self, response: Response, case: Case[Any], **_: Any) -> None:
                fuzzer.conform(case, response, getattr(self, "recorder", None))

        return TwoPeople

    def run_each(self, examples: int) -> None:
        """Every operation alone, ``examples`` cases each, the two people in turn: the
        operations no link leads to (models, health, import, ...) are called too."""
        settings = hypothesis.settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[hypothesis.Phase.generate],
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        for result in self.schema.get_all_operations():
            operation = result.ok()

            @settings
            @hypothesis.given(case=operation.as_strategy())
            def one(case: Case[Any]) -> None:
                owner = self.people[self.tally.calls % 2]
                response = self.call(case, owner)
                self.conform(case, response)
                self.after(case, response, owner)

            one()

    def run(self, calls: int, steps: int) -> None:
        """State machine runs (scenarios of at most ``steps`` calls each) until ``calls``
        calls are made. Hypothesis ends a run early when a replayed scenario takes another
        turn than before (the server's answers are not a pure function of the draws: ids
        are new each time); that is no finding (schemathesis' own runner starts a new run
        too), so the next run starts."""
        settings = hypothesis.settings(
            max_examples=max(1, calls // steps),
            stateful_step_count=steps,
            deadline=None,
            database=None,
            phases=[hypothesis.Phase.generate],
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        machine = self.machine()
        while self.tally.calls < calls:
            try:
                machine.run(settings=settings)
            except hypothesis.errors.Flaky:
                self.tally.restarts += 1
