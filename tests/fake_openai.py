"""A real HTTP server that speaks the OpenAI chat-completions protocol, for tests.

It is the one stand-in allowed: the network edge to the LLM. The real ``openai`` client
talks to it over HTTP. What it does depends on the model asked for:

  fake-echo     answers "Echo: <last user message>" in small chunks (a title request,
                recognised by its instruction, gets "Fake Title"; a topics request gets
                FAKE_TOPICS as JSON inside a sentence, as small models tend to answer)
  fake-slow     40 chunks "w0 w1 ...", 0.1 s apart
  fake-500      HTTP 500 with an OpenAI-style error body
  fake-timeout  says nothing for 3 s (longer than the tests' client timeout)
  fake-garbage  one good chunk, then a line that is not JSON
Every request body is recorded in ``requests``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from threadgraph.config import Settings
from threadgraph.rules import new_id

FAKE_TOPICS = ["Quasar Lighthouses", "quasar lighthouses", "Orbital Gardening", 42]
MODELS = ["fake-echo", "fake-slow", "fake-500", "fake-timeout", "fake-garbage"]
SLOW_CHUNKS = 40
SLOW_DELAY = 0.1


def slow_text() -> str:
    return "".join(f"w{i} " for i in range(SLOW_CHUNKS))


class _Server(ThreadingHTTPServer):
    # socketserver's listen backlog is 5: twenty or two hundred replies asked for at once
    # overflowed it, and a dropped connection attempt waits a second or more to be tried
    # again (a turn that ended with no words in one CI run of test_turn_throughput).
    request_queue_size = 512


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def chat_requests(self, model: str | None = None) -> list[dict[str, Any]]:
        return [r for r in self.requests if model is None or r.get("model") == model]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    data = [{"id": m, "object": "model", "owned_by": "fake"} for m in MODELS]
                    self._json(200, {"object": "list", "data": data})
                else:
                    self._json(404, {"error": {"message": "no such route"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                fake.requests.append(body)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._json(404, {"error": {"message": "no such route"}})
                    return
                model = body.get("model")
                if model == "fake-500":
                    self._json(500, {"error": {"message": "the fake model fell over"}})
                    return
                if model == "fake-timeout":
                    time.sleep(3)
                if model not in MODELS:
                    self._json(404, {"error": {"message": f"model {model} does not exist"}})
                    return
                pieces = list(_pieces(model, body["messages"]))
                if body.get("stream"):
                    self._stream(model, pieces, garbage=model == "fake-garbage")
                else:
                    self._json(200, _completion(model, "".join(pieces)))

            def _stream(self, model: str, pieces: list[str], garbage: bool) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for i, piece in enumerate(pieces):
                        self._event(_chunk(model, piece))
                        if garbage and i == 0:
                            self.wfile.write(b"data: {this is not json\n\n")
                            self.wfile.flush()
                            return
                        if model == "fake-slow":
                            time.sleep(SLOW_DELAY)
                    self._event(_chunk(model, None, finish="stop"))
                    usage = {
                        "prompt_tokens": 7,
                        "completion_tokens": len(pieces),
                        "total_tokens": 7 + len(pieces),
                    }
                    self._event({**_chunk(model, None), "choices": [], "usage": usage})
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client went away
                self.close_connection = True

            def _event(self, data: dict[str, Any]) -> None:
                self.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
                self.wfile.flush()

            def _json(self, status: int, data: dict[str, Any]) -> None:
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        return Handler


def _pieces(model: str, messages: list[dict[str, Any]]) -> Iterator[str]:
    if model == "fake-slow":
        yield from (f"w{i} " for i in range(SLOW_CHUNKS))
        return
    system = " ".join(m["content"].lower() for m in messages if m["role"] == "system")
    if "label conversations with topics" in system:
        yield f"Sure! Here they are: {json.dumps({'topics': FAKE_TOPICS})} Hope it helps."
        return
    # The title instruction itself (services/titles.py), not any system text that says
    # "title": a memory block quoting an earlier chat may well contain the word.
    if "a short title" in system:
        yield from ("Fake ", "Title")
        return
    last = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
    text = f"Echo: {last}"
    for start in range(0, len(text), 4):
        yield text[start : start + 4]


def _chunk(model: str, content: str | None, finish: str | None = None) -> dict[str, Any]:
    delta = {"content": content} if content is not None else {}
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _completion(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
    }


def settings_with_fake_model(settings: Settings, fake: FakeOpenAI) -> Settings:
    """Settings for one app under test: this fake as the model endpoint, a fresh local
    user, quick timeouts and checkpoints."""
    return settings.model_copy(
        update={
            "openai_base_url": fake.base_url,
            "openai_api_key": "test-key",
            "default_model": "fake-echo",
            "local_user_id": new_id(),
            "model_timeout_seconds": 1.0,
            "checkpoint_seconds": 0.2,
        }
    )
