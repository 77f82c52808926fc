"""Dates a question names ("in October 2023", "on 1 February, 2023", "on May 23, 2023"):
messages are not indexed by the words of their dates, but each memory knows when it was
said, so a memory from the named month (or day) can be put ahead of the others.

Only a named month counts (with a day and a year when given): a year alone, or words such
as "yesterday", say too little to choose between a person's memories."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from threadgraph.services.fusion import Memory

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
# Capitalised, as dates are written: "march" or "may" in lower case are verbs.
_MONTH = "|".join(name.capitalize() for name in sorted(MONTHS, key=len, reverse=True))
# "13 October 2023", "October 13, 2023", "October 2023", "October" (day and year optional).
_DATE = re.compile(
    rf"\b(?:(?P<day1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?P<month>{_MONTH})\b\.?"
    rf"(?:\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\b)?,?(?:\s+(?P<year>\d{{4}})\b)?",
)


@dataclass(frozen=True)
class NamedDate:
    month: int
    year: int | None = None
    day: int | None = None

    def holds(self, moment: datetime) -> bool:
        return (
            moment.month == self.month
            and (self.year is None or moment.year == self.year)
            and (self.day is None or moment.day == self.day)
        )


def dates_named(text: str) -> list[NamedDate]:
    """The months (with their day and year where given) a text names. "May" alone is
    taken as the month only when a day or a year comes with it ("May I ask")."""
    found = []
    for match in _DATE.finditer(text):
        month = MONTHS[match["month"].lower()]
        day = match["day1"] or match["day2"]
        year = match["year"]
        if match["month"].lower() == "may" and not (day or year):
            continue
        found.append(NamedDate(month, int(year) if year else None, int(day) if day else None))
    return found


def put_named_dates_first(memories: list[Memory], question: str, weight: float) -> list[Memory]:
    """``weight`` added to the score of each memory said on a date the question names
    (a month, with its day and year when given), best first again."""
    named = dates_named(question) if weight > 0 else []
    if not named:
        return memories
    dated = [
        replace(m, score=m.score + weight) if any(d.holds(m.hit.created_at) for d in named) else m
        for m in memories
    ]
    return sorted(dated, key=lambda m: -m.score)
