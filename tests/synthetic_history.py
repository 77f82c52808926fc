"""Synthetic people with many chats, for the retrieval evaluation.

Each person states facts in some chats ("My sister Ines lives in Porto.") among many
distractor chats on nearby subjects; later questions paraphrase a fact without copying
its wording ("Which city is my sister in?"). The right answer is the exchange where
the fact was stated. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

NAMES = ["Ines", "Tomas", "Greta", "Omar", "Yuki", "Priya", "Lars", "Chiara", "Mateo", "Zoe"]
CITIES = ["Porto", "Tallinn", "Kyoto", "Montreal", "Nairobi", "Valparaiso", "Bergen", "Hanoi"]
RELATIVES = ["sister", "brother", "cousin", "aunt", "uncle", "grandmother", "neighbour"]
PETS = ["cat", "dog", "parrot", "tortoise", "hamster", "rabbit"]
FOODS = ["peanuts", "shellfish", "kiwi", "sesame", "strawberries", "gluten"]
THINGS = ["book", "film", "board game", "album", "hiking trail", "podcast"]
VALUES = ["Dune", "Spirited Away", "Catan", "Kind of Blue", "the West Highland Way", "Radiolab"]
PLACES = ["office", "gym", "library", "studio", "cabin"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

# (statement, question) pairs; the question avoids the statement's distinctive words
# where it can, as people do when they ask later.
TEMPLATES = [
    ("My {rel} {name} lives in {city} now.", "Which city is my {rel} in these days?"),
    ("Our {pet} is called {name}, we adopted her last spring.", "What name did we give the {pet}?"),
    ("I found out I'm allergic to {food}, so no more of that.", "What food makes me react badly?"),
    ("The wifi code at the {place} is {code}.", "How do I get online at the {place}?"),
    ("My favourite {thing} of all time is {value}.", "Which {thing} do I like best?"),
    ("The dentist booked me for {day} at {hour} o'clock.", "When do I see the dentist?"),
    ("I lent my {thing2} to {name} last week.", "Who has my {thing2} at the moment?"),
    (
        "We keep the spare key under the {colour} flowerpot by the door.",
        "Where is the spare key hidden?",
    ),
]
THINGS2 = ["drill", "tent", "camera", "ladder", "bike pump", "projector"]
COLOURS = ["blue", "green", "terracotta", "yellow", "white"]

DISTRACTORS = [
    "Can you suggest a recipe with {food2} for dinner?",
    "What's the history of {city}?",
    "Give me tips for training a {pet} to sit.",
    "How do I fix slow wifi at home?",
    "Recommend a {thing} similar to {value}.",
    "What should I pack for a trip to {city}?",
    "How often should I go to the dentist?",
    "Explain how to choose a good {thing2}.",
    "Write a birthday message for my {rel}.",
    "What are good houseplants for a shady flat?",
    "Summarise the news about electric cars.",
    "How do I keep my {pet} from scratching furniture?",
]
FOODS2 = ["lentils", "aubergine", "salmon", "tofu", "mushrooms", "chickpeas"]


@dataclass(frozen=True)
class Fact:
    statement: str
    question: str


def person_history(seed: int, facts: int, distractors: int) -> tuple[list[Fact], list[str]]:
    rng = random.Random(seed)
    chosen = rng.sample(TEMPLATES, k=min(facts, len(TEMPLATES)))
    while len(chosen) < facts:  # more facts than templates: reuse with other slots
        chosen.append(rng.choice(TEMPLATES))
    made, used = [], set()
    for statement, question in chosen:
        for _ in range(50):
            slots = _slots(rng)
            key = question.format(**slots)
            if key not in used:
                used.add(key)
                made.append(Fact(statement.format(**slots), key))
                break
    noise = [rng.choice(DISTRACTORS).format(**_slots(rng)) for _ in range(distractors)]
    return made, noise


def _slots(rng: random.Random) -> dict[str, str]:
    return {
        "rel": rng.choice(RELATIVES),
        "name": rng.choice(NAMES),
        "city": rng.choice(CITIES),
        "pet": rng.choice(PETS),
        "food": rng.choice(FOODS),
        "food2": rng.choice(FOODS2),
        "place": rng.choice(PLACES),
        "code": f"{rng.randrange(10**7):07d}",
        "thing": rng.choice(THINGS),
        "value": rng.choice(VALUES),
        "day": rng.choice(DAYS),
        "hour": str(rng.randrange(8, 18)),
        "thing2": rng.choice(THINGS2),
        "colour": rng.choice(COLOURS),
    }


ACK = "Noted. I'll keep that in mind."
