"""Two people's histories for the MCP tests, written through the real API (the app with
the fake model): the owner's chats, a branch made by an edit, topics; and another
person's chat that says some of the same words, which the owner's tools must never show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from tests.api_helpers import turn
from tests.app_client import ready_client
from tests.wait import until
from threadgraph.config import Settings
from threadgraph.rules import new_id

KYOTO = "We are planning a trip to Kyoto in April for the cherry blossoms."
TEMPLES = "Which temples in Kyoto open early in the morning?"
KYOTO_EDITED = "We are planning a trip to Kyoto in November for the autumn leaves."
LENTILS = "How long should I simmer a red lentil soup?"
# The other person's words share "Kyoto" with the owner's: a search that was not scoped
# to the caller would find them.
SECRET = "Zanzibar"
THEIRS = f"The {SECRET} pelican project launches in Kyoto next spring."


@dataclass(frozen=True)
class History:
    owner: Settings
    travel: str  # the chat: KYOTO, TEMPLES, then KYOTO edited (the branch shown)
    cooking: str
    kyoto: dict[str, Any]  # the first turn of travel (prompt, reply)
    branch: list[str]  # travel's active branch, root to HEAD, as the API says
    tree: list[str]  # every message of travel
    topics: dict[str, dict[str, Any]]  # the owner's topics by id (GET /api/topics)
    topic: dict[str, Any]  # one of them in detail (GET /api/topics/{id})
    other_user: str
    other_chat: str
    other_ids: list[str]  # the other person's chat, message and topic ids


def _topics(client: TestClient, chats: int) -> dict[str, dict[str, Any]]:
    """The person's topics once every exchange of ``chats`` chats has some."""

    def ready() -> list[dict[str, Any]]:
        listed: list[dict[str, Any]] = client.get("/api/topics").json()
        return listed if sum(t["chats"] for t in listed) >= chats else []

    return {t["id"]: t for t in until(ready, timeout=60)}


def write_histories(settings: Settings) -> History:
    with ready_client(settings) as client:
        travel = client.post("/api/chats", json={"title": "Travel"}).json()["id"]
        kyoto = turn(client, travel, KYOTO)
        turn(client, travel, TEMPLES)
        edited = client.post(
            f"/api/messages/{kyoto['prompt']['id']}/edit",
            json={"content": KYOTO_EDITED, "stream": False},
        )
        assert edited.status_code == 200, edited.text
        cooking = client.post("/api/chats", json={"title": "Cooking"}).json()["id"]
        turn(client, cooking, LENTILS)
        branch = [m["id"] for m in client.get(f"/api/chats/{travel}").json()["messages"]]
        tree = [m["id"] for m in client.get(f"/api/chats/{travel}/tree").json()["messages"]]
        topics = _topics(client, chats=2)
        topic = client.get(f"/api/topics/{next(iter(topics))}").json()

    other = settings.model_copy(update={"local_user_id": new_id()})
    with ready_client(other) as theirs:
        chat = theirs.post("/api/chats", json={"title": f"{SECRET} plans"}).json()["id"]
        said = turn(theirs, chat, THEIRS)
        their_topics = _topics(theirs, chats=1)
    return History(
        owner=settings,
        travel=travel,
        cooking=cooking,
        kyoto=kyoto,
        branch=branch,
        tree=tree,
        topics=topics,
        topic=topic,
        other_user=other.local_user_id,
        other_chat=chat,
        other_ids=[chat, said["prompt"]["id"], said["reply"]["id"], *their_topics],
    )
