"""The web app's other views in a real browser: search, topics, "why this reply", the
context preview, the graph, import and export, and errors shown plainly."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser import BrowserPage, new_page
from tests.fake_openai import FakeOpenAI, settings_with_fake_model
from tests.server_process import ServerProcess
from tests.wait import until
from tests.web_helpers import Api, api, page, serve, server
from threadgraph.config import Settings
from threadgraph.local_neo4j import LocalNeo4j

__all__ = ["api", "page", "server"]


def test_search_finds_a_message_and_opens_it(page: BrowserPage, api: Api) -> None:
    chat_id = api.chat("Travel")
    trip = api.turn(chat_id, "Planning a trip to Kyoto in the autumn")
    api.turn(chat_id, "Also the train times")
    p = page.open()
    p.fill("#search-input", "Kyoto")
    hit = p.locator("#search-results .hits a", has_text="Travel").first
    expect(hit).to_be_visible()
    expect(hit.locator("mark").first).to_have_text("Kyoto")
    page.shot("05-search")
    p.locator(f"#search-results a[href$='{trip['prompt']['id']}']").click()
    expect(p.locator("#chat-title")).to_have_text("Travel")
    expect(p.locator(f"#m-{trip['prompt']['id']}")).to_have_class(re.compile(r"\bfocused\b"))
    p.press("#search-input", "Escape")
    expect(p.locator("#search-results")).to_be_hidden()
    page.assert_clean()


def test_topics_list_opens_a_topic(page: BrowserPage, api: Api) -> None:
    chat_id = api.chat("Garden")
    api.turn(chat_id, "The tomatoes in my greenhouse need more water in summer")
    topics = until(lambda: api.json("GET", f"/api/chats/{chat_id}/topics"), timeout=30)
    p = page.open()
    p.click("#topics summary")
    topic = p.locator("#topic-list button", has_text=topics[0]["name"])
    topic.click()
    expect(p.locator("#search-results h3")).to_have_text(f"Topic: {topics[0]['name']}")
    expect(p.locator("#search-results .hits a", has_text="Garden").first).to_be_visible()
    page.assert_clean()


def test_why_this_reply_and_context_preview(page: BrowserPage, api: Api) -> None:
    pets = api.chat("Pets")
    fact = api.turn(pets, "My cat is called Pixel and she loves cardboard boxes.")
    question = api.chat("Question")
    p = page.open(f"/#/chat/{question}")
    p.fill("#composer-input", "What is my cat called?")
    p.click("#preview-context")
    expect(p.locator("#panel-title")).to_have_text("Context preview")
    memory = p.locator("#panel .memories li", has_text="Pets").first
    expect(memory).to_contain_text("Pixel")
    expect(memory.locator(".why")).to_contain_text("shares your words")
    expect(memory.locator(".why")).to_contain_text("cat")
    expect(p.locator("#panel .prompt-messages li").last).to_contain_text("What is my cat called?")
    # The counts add up: the draft, no earlier message here, and one note of memories
    # (the fact's prompt and its reply, each a memory of its own).
    expect(p.locator("#panel .summary")).to_have_text(
        "The model would be given 2 messages: your draft, 0 earlier messages of this "
        "conversation and a note quoting 2 messages from your other chats."
    )
    page.shot("06-context-preview")

    p.press("#composer-input", "Enter")
    reply = p.locator("#messages article.assistant").last
    expect(reply).to_have_attribute("data-status", "complete")
    reply.locator("button.why").click()
    expect(p.locator("#panel-title")).to_have_text("Why this reply")
    expect(p.locator("#panel .summary")).to_contain_text("1 message of this conversation")
    expect(p.locator("#panel .summary")).to_contain_text("1 earlier exchange from 1 other chat")
    # The remembered exchange once, prompt then reply, with why it was picked in words.
    expect(p.locator("#panel .memories > li")).to_have_count(1)
    source = p.locator("#panel .memories li", has_text="Pets").first
    expect(source).not_to_contain_text("score")
    expect(source.locator(".why")).to_contain_text("shares your words")
    expect(source.locator(".quote").first).to_contain_text("My cat is called Pixel")
    expect(source.locator(".quote.reply")).to_contain_text("Echo: My cat is called Pixel")
    expect(p.locator("#panel .branch li")).to_have_count(1)  # the question itself
    page.shot("07-why-this-reply")
    source.locator("a").click()
    expect(p.locator("#chat-title")).to_have_text("Pets")
    focused = p.locator("#messages article.focused")
    expect(focused).to_have_count(1)
    assert focused.get_attribute("data-id") in (fact["prompt"]["id"], fact["reply"]["id"])
    p.keyboard.press("Escape")
    expect(p.locator("#panel")).to_be_hidden()
    page.assert_clean()


def settled_topics(api: Api, chat_id: str) -> list[dict[str, Any]]:
    """The chat's topics once extraction (a background task) has stopped adding any."""
    last: list[dict[str, Any]] = []
    for _ in range(40):
        now: list[dict[str, Any]] = api.json("GET", f"/api/chats/{chat_id}/topics")
        if now and now == last:
            return now
        last = now
        time.sleep(0.75)
    raise AssertionError(f"topics did not settle: {last}")


def drawn(p: Any) -> int:
    canvas = p.locator("#graph-canvas[data-drawn]")
    expect(canvas).to_be_visible()
    return int(canvas.get_attribute("data-drawn"))


def test_graph_of_a_chat_and_of_everything(page: BrowserPage, api: Api) -> None:
    chat_id = api.chat("Branchy")
    first = api.turn(chat_id, "Tell me about graph databases and Cypher queries")
    api.json(
        "POST",
        f"/api/messages/{first['prompt']['id']}/edit",
        json={"content": "Tell me about Neo4j graph databases", "stream": False},
    )
    api.turn(chat_id, "And how do indexes work in Neo4j")
    topics = settled_topics(api, chat_id)
    tree = api.json("GET", f"/api/chats/{chat_id}/tree")["messages"]

    p = page.open(f"/#/chat/{chat_id}")
    p.click("#open-graph")
    # Every message of the tree, the chat, and each of its topics.
    expected = len(tree) + 1 + len(topics)
    assert drawn(p) == expected
    expect(p.locator("#panel .graph-caption")).to_contain_text(f"{expected} nodes")
    # Labels are readable at the fitted zoom: at least 10 px on screen.
    label_px = p.evaluate("parseFloat(threadgraphGraph.nodes()[0].renderedStyle('font-size'))")
    assert label_px >= 10, label_px
    page.shot("08-graph-chat")

    # Click the first, since replaced, prompt: its branch is shown, the prompt focused.
    old = first["prompt"]["id"]
    box = p.locator("#graph-canvas").bounding_box()
    assert box is not None
    at = p.evaluate(f"threadgraphGraph.getElementById('{old}').renderedPosition()")
    p.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    expect(p.locator(f"#m-{old}")).to_have_class(re.compile(r"\bfocused\b"))
    expect(p.locator(f"#m-{old} .siblings .position")).to_have_text("1/2")

    p.click("#panel .tabs button:has-text('Everything')")
    everything = api.json("GET", "/api/graph?scope=all")
    chats = api.json("GET", "/api/chats?limit=200")["chats"]
    kinds = [n["kind"] for n in everything["nodes"]]
    assert kinds.count("chat") == len(chats)
    assert drawn(p) == len(everything["nodes"])
    page.shot("09-graph-everything")
    page.assert_clean()


def test_export_links_and_import_of_an_export(page: BrowserPage, api: Api, tmp_path: Path) -> None:
    """Needs POST /api/import (branch import); exports a chat, deletes it, imports it."""
    chat_id = api.chat("Round trip")
    api.turn(chat_id, "Something worth keeping")
    p = page.open(f"/#/chat/{chat_id}")
    p.click("#open-transfer")
    link = p.locator("#panel .export-links a", has_text="JSON").first
    with p.expect_download() as download:
        link.click()
    saved = tmp_path / "export.json"
    download.value.save_as(saved)
    exported = json.loads(saved.read_text())
    assert any(n.get("title") == "Round trip" for n in exported["nodes"])

    api.json("DELETE", f"/api/chats/{chat_id}")
    p.set_input_files("#import-file", str(saved))
    p.select_option("#import-format", "threadgraph")
    p.click("#import-form button[type=submit]")
    expect(p.locator("#import-result")).to_contain_text("Imported 1 chat")
    page.shot("10-import")
    expect(p.locator("#chat-list a", has_text="Round trip")).to_have_count(1)
    page.assert_clean()


@pytest.fixture
def own_server(
    settings: Settings, fake_openai: FakeOpenAI, tmp_path: Path
) -> Iterator[ServerProcess]:
    """A server of its own: this test stops it."""
    yield from serve(settings_with_fake_model(settings, fake_openai), tmp_path / "server.log")


def test_errors_are_shown_plainly(browser: Browser, own_server: ServerProcess) -> None:
    for own_page in new_page(browser, own_server.url):
        p = own_page.open()
        p.click("#new-chat")
        expect(p.locator("#chat-title")).to_have_text("New chat")  # opening sets its model
        p.select_option("#model-picker", "fake-500")
        p.fill("#composer-input", "this will fail")
        p.keyboard.press("Enter")
        reply = p.locator("#messages article.assistant").last
        expect(reply).to_have_attribute("data-status", "failed")
        expect(reply.locator(".problem")).to_contain_text("The model failed")
        expect(p.locator("#banner")).to_be_visible()
        expect(p.locator("#banner-text")).to_contain_text("fell over")
        own_page.shot("11-model-failed")

        p.select_option("#model-picker", "fake-echo")
        reply.locator("button.regenerate", has_text="Retry").click()
        expect(reply).to_have_attribute("data-status", "complete")
        expect(reply.locator(".body")).to_have_text("Echo: this will fail")

        own_server.stop()
        p.fill("#composer-input", "anyone there?")
        p.keyboard.press("Enter")
        expect(p.locator("#banner-text")).to_have_text(
            "Cannot reach the threadgraph server. Is it running?"
        )
        expect(p.locator("#composer-input")).to_have_value("anyone there?")  # the draft is kept
        own_page.shot("12-server-gone")
        assert own_page.dialogs == []
        assert own_page.foreign_requests == []


DOWN_BOLT = int(os.environ.get("THREADGRAPH_TEST_DOWN_BOLT_PORT", "7694"))
DOWN_HTTP = int(os.environ.get("THREADGRAPH_TEST_DOWN_HTTP_PORT", "7481"))


def test_neo4j_going_down_is_said_plainly(
    browser: Browser,
    settings: Settings,
    fake_openai: FakeOpenAI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Neo4j of its own (on its own ports), stopped while the page is open."""
    local = LocalNeo4j(
        settings.model_copy(
            update={
                "local_neo4j_home": tmp_path / "neo4j",
                "local_neo4j_bolt_port": DOWN_BOLT,
                "local_neo4j_http_port": DOWN_HTTP,
            }
        )
    )
    local.start()
    monkeypatch.setenv("THREADGRAPH_NEO4J_MAX_RETRY_SECONDS", "1")
    own = settings_with_fake_model(settings, fake_openai).model_copy(
        update={"neo4j_uri": f"bolt://127.0.0.1:{DOWN_BOLT}", "neo4j_password": ""}
    )
    try:
        for process in serve(own, tmp_path / "server.log"):
            for own_page in new_page(browser, process.url):
                p = own_page.open()
                p.click("#new-chat")
                expect(p.locator("#chat-title")).to_have_text("New chat")
                local.stop()
                p.click("#new-chat")
                # What is wrong and what to do; the driver's own words folded away.
                expect(p.locator("#banner-text")).to_contain_text("Can't reach the database")
                expect(p.locator("#banner-text")).to_contain_text("threadgraph neo4j start")
                expect(p.locator("#banner-text")).not_to_contain_text("Neo4j is unavailable")
                expect(p.locator("#banner-raw")).not_to_be_visible()
                p.click("#banner-details summary")
                expect(p.locator("#banner-raw")).to_contain_text("Neo4j is unavailable")
                own_page.shot("14-neo4j-down")
                p.reload()
                expect(p.locator("#banner-text")).to_contain_text("Can't reach the database")
                expect(p.locator("#banner-raw")).to_contain_text(f"127.0.0.1:{DOWN_BOLT}")
                assert own_page.dialogs == []
    finally:
        local.stop()


def test_an_unreachable_model_endpoint_is_said_plainly(
    browser: Browser, settings: Settings, fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    """The endpoint's address answers nothing (port 9, discard): the picker says so and
    offers the offline model instead."""
    unreachable = settings_with_fake_model(settings, fake_openai).model_copy(
        update={"openai_base_url": "http://127.0.0.1:9/v1"}
    )
    for process in serve(unreachable, tmp_path / "server.log"):
        for own_page in new_page(browser, process.url):
            p = own_page.open()
            expect(p.locator("#model-note")).to_contain_text("Model endpoint unreachable")
            offline = p.locator("#model-picker option", has_text="offline")
            expect(offline).to_have_count(1)
            expect(p.locator("#model-picker option")).to_have_count(1)
            # The default (fake-echo) is not offered now: the offline model is picked.
            assert p.input_value("#model-picker") == offline.get_attribute("value")
            own_page.shot("16-model-endpoint-unreachable")
            assert own_page.dialogs == []


def test_the_import_panel_says_what_the_command_line_says(page: BrowserPage, api: Api) -> None:
    real = Path(__file__).parent / "fixtures" / "import" / "real" / "openwebui-export.json"
    p = page.open()
    p.click("#open-transfer")
    expect(p.locator("#export-this-chat")).to_contain_text("Open a chat to export it alone.")
    chat_id = api.chat("Export me")
    p.evaluate(f"location.hash = '#/chat/{chat_id}'")
    expect(p.locator("#chat-title")).to_have_text("Export me")
    # The panel stayed open and follows the chat now open.
    expect(p.locator("#export-this-chat a", has_text="JSON")).to_have_attribute(
        "href", re.compile(f"scope=chat&format=json&id={chat_id}")
    )

    p.set_input_files("#import-file", str(real))
    p.click("#import-form button[type=submit]")
    result = p.locator("#import-result")
    expect(result).to_contain_text("from your Open WebUI export")
    page.shot("10b-import-report")
    # The same file through the API: the same things left out and the same notes.
    with real.open("rb") as upload:
        again = api.json("POST", "/api/import", files={"file": upload}, data={"format": "auto"})
    for reason in again["messages_skipped"]:
        expect(result).to_contain_text(reason)
    for note in again["warnings"]:
        expect(result).to_contain_text(note["reason"])
    page.assert_clean()
