"""What the two-person fuzzer (``tests/fuzz_two_people.py``) counts and finds: the
calls and their statuses (:class:`Tally`), whose each id is (:class:`Ledger`), and the
small helpers that swap ids in a request and mask them in an answer."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from schemathesis import Case, Response

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class Person:
    name: str
    id: str
    key: str
    key_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


@dataclass
class Tally:
    """What the fuzzer did and found; ``problems`` lists the findings for a report."""

    calls: int = 0
    swapped: int = 0
    restarts: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    operations: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    cross_reads: list[str] = field(default_factory=list)
    cross_writes: list[str] = field(default_factory=list)
    nonconformant: list[str] = field(default_factory=list)

    def count(self, case: Case[Any], response: Response) -> None:
        self.calls += 1
        self.statuses[response.status_code] += 1
        self.operations[case.operation.label] += 1
        if response.status_code >= 500:
            self.server_errors.append(describe(case, response))

    @property
    def problems(self) -> list[str]:
        return self.server_errors + self.cross_reads + self.cross_writes + self.nonconformant

    def report(self, seconds: float) -> str:
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items()))
        lines = [
            f"calls made: {self.calls} ({self.swapped} by the other person on swapped ids; "
            f"{self.restarts} state machine runs ended early by Hypothesis and restarted)",
            f"per status: {statuses}",
            f"5xx: {len(self.server_errors)}",
            f"cross-person reads found: {len(self.cross_reads)}",
            f"cross-person writes found: {len(self.cross_writes)}",
            f"conformance failures: {len(self.nonconformant)}",
            f"operations called: {len(self.operations)}",
            f"duration: {seconds:.1f} s",
        ]
        return "\n".join(lines + [f"  {p}" for p in self.problems[:20]])


def describe(case: Case[Any], response: Response) -> str:
    body = json.dumps(case.body, default=str)[:300] if case.body is not None else ""
    return (
        f"{case.method} {case.formatted_path} query={case.query} body={body} -> "
        f"{response.status_code} {response.text[:300]}"
    )


class Ledger:
    """Whose each id is: the first person whose own answer (or own successful request)
    held it."""

    def __init__(self, *people: Person) -> None:
        self.owner_of: dict[str, str] = {p.id: p.id for p in people}

    def claim(self, person: Person, text: str) -> None:
        for found in UUID.findall(text):
            self.owner_of.setdefault(found, person.id)

    def of(self, person: Person, text: str) -> set[str]:
        """The ids in ``text`` that are the person's."""
        return {i for i in UUID.findall(text) if self.owner_of.get(i) == person.id}


def request_text(case: Case[Any]) -> str:
    return json.dumps([case.path_parameters, case.query, case.body], default=str)


def replaced(case: Case[Any], ids: dict[str, str]) -> Case[Any]:
    """The same request with every id in ``ids`` replaced by its value."""
    copy = case.derive()

    def swap(value: Any) -> Any:
        if isinstance(value, str):
            return UUID.sub(lambda m: ids.get(m.group(), m.group()), value)
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return value

    copy.path_parameters = swap(copy.path_parameters)
    copy.query = swap(copy.query)
    if isinstance(copy.body, dict | list | str):
        copy.body = swap(copy.body)
    return copy


def masked(response: Response, *values: str) -> str:
    text = response.text
    for value in values:
        text = text.replace(value, "<id>")
    return text
