"""The offline default: with no endpoint configured, the local model answers."""

from __future__ import annotations

from tests.app_client import ready_client
from tests.sse import parse_events, text_of
from threadgraph.config import Settings
from threadgraph.llm.local_model import MODEL_ID


def test_local_model_answers_offline(app_settings: Settings) -> None:
    offline = app_settings.model_copy(
        update={"openai_base_url": None, "default_model": None, "model_timeout_seconds": 120}
    )
    with ready_client(offline) as client:
        models = client.get("/api/models").json()
        assert models["default"] == MODEL_ID
        assert models["endpoint"] is None
        chat = client.post("/api/chats", json={}).json()
        with client.stream(
            "POST",
            f"/api/chats/{chat['id']}/messages",
            json={"content": "What is the capital of France?"},
        ) as response:
            events = list(parse_events(response.iter_lines()))
    assert events[0][1]["local_model"] is True
    assert events[-1][0] == "done"
    assert events[-1][1]["status"] == "complete"
    reply = events[-1][1]["reply"]
    assert reply["model"] == MODEL_ID
    assert reply["content"].strip()
    assert reply["content"] == text_of(events)
    assert reply["tokens"] > 0
