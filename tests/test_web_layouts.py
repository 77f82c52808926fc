"""The page on a phone (390x844) and a laptop (1280x800): the chat list reachable,
nothing off-screen, message actions quiet until wanted, copy buttons, and the header
that follows a chat's title. Screenshots of each view at both sizes go to
var/screenshots/ for people to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser import LAPTOP, PHONE, BrowserPage, assert_nothing_off_screen, new_page
from tests.fake_openai import FakeOpenAI, settings_with_fake_model
from tests.server_process import ServerProcess
from tests.web_helpers import Api, api, serve, server
from threadgraph.config import Settings

__all__ = ["api", "server"]

SIZES = {"phone": PHONE, "laptop": LAPTOP}


@pytest.fixture(params=sorted(SIZES))
def sized(
    request: pytest.FixtureRequest, browser: Browser, server: ServerProcess
) -> Iterator[tuple[str, BrowserPage]]:
    for page in new_page(browser, server.url, SIZES[request.param]):
        yield request.param, page


def test_every_view_fits_and_the_chat_list_is_reachable(
    sized: tuple[str, BrowserPage], api: Api
) -> None:
    size, page = sized
    chat = api.chat(f"Layout on a {size}")
    api.turn(chat, "Show me some code:\n```python\nprint('hello')\n```")
    p = page.open()
    assert_nothing_off_screen(p)
    for control in ("#open-graph", "#open-transfer", "#model-picker"):
        expect(p.locator(control)).to_be_in_viewport()
    expect(p.locator("#messages .empty")).not_to_contain_text("on the left")
    page.shot(f"layout-{size}-start")

    link = p.locator(f"#chat-list a[href='#/chat/{chat}']")
    if size == "phone":
        expect(p.locator("#sidebar")).not_to_be_in_viewport()
        p.click("#open-sidebar")
        expect(p.locator("#open-sidebar")).to_have_attribute("aria-expanded", "true")
        expect(p.locator("#new-chat")).to_be_in_viewport()
        expect(p.locator("#search-input")).to_be_in_viewport()
        page.shot(f"layout-{size}-chat-list")
    link.click()
    expect(p.locator("#chat-title")).to_have_text(f"Layout on a {size}")
    if size == "phone":
        expect(p.locator("#sidebar")).not_to_be_in_viewport()  # picking a chat closes it
    expect(p.locator("#rename-chat")).to_be_in_viewport()
    expect(p.locator("#delete-chat")).to_be_in_viewport()
    assert_nothing_off_screen(p)
    page.shot(f"layout-{size}-chat")

    reply = p.locator("#messages article.assistant").last
    reply.hover()
    reply.locator("button.why").click()
    expect(p.locator("#panel-title")).to_have_text("Why this reply")
    expect(p.locator("#panel-close")).to_be_in_viewport()
    assert_nothing_off_screen(p)
    page.shot(f"layout-{size}-why")
    p.click("#panel-close")
    p.click("#open-graph")
    expect(p.locator("#panel-title")).to_have_text("Graph")
    expect(p.locator("#graph-canvas[data-drawn]")).to_be_visible()  # drawn, not loading
    assert_nothing_off_screen(p)
    page.shot(f"layout-{size}-graph")
    p.click("#panel-close")
    p.click("#open-transfer")
    assert_nothing_off_screen(p)
    page.shot(f"layout-{size}-import-export")
    page.assert_clean()


def test_message_actions_show_on_hover_and_focus(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    chat = api.chat("Quiet actions")
    api.turn(chat, "A question")
    for page in new_page(browser, server.url, LAPTOP):
        p = page.open(f"/#/chat/{chat}")
        reply = p.locator("#messages article.assistant").last
        tools = reply.locator("footer.tools")
        p.mouse.move(0, 0)
        expect(tools).to_have_css("opacity", "0")
        reply.hover()
        expect(tools).to_have_css("opacity", "1")
        p.mouse.move(0, 0)
        expect(tools).to_have_css("opacity", "0")
        # The keyboard reaches them: focus inside the message shows them too.
        reply.locator("button.regenerate").focus()
        expect(tools).to_have_css("opacity", "1")
        page.shot("actions-on-focus")
        page.assert_clean()


def test_copy_buttons_copy_code_and_messages(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    chat = api.chat("Copying")
    api.turn(chat, "Run this:\n```python\nprint('hi')\n```")
    for page in new_page(browser, server.url, LAPTOP):
        p = page.open(f"/#/chat/{chat}")
        prompt = p.locator("#messages article.user").first
        prompt.hover()
        prompt.locator("button.copy", has_text="Copy").first.click()
        expect(prompt.locator("button.copy").first).to_have_text("Copied")
        assert (
            p.evaluate("navigator.clipboard.readText()") == "Run this:\n```python\nprint('hi')\n```"
        )
        prompt.locator(".code-block button.copy").click()
        assert p.evaluate("navigator.clipboard.readText()") == "print('hi')"
        page.assert_clean()


def test_renaming_while_a_reply_streams_and_the_title_that_arrives_later(
    browser: Browser, server: ServerProcess, api: Api
) -> None:
    for page in new_page(browser, server.url, LAPTOP):
        # A new chat: its title comes from the model after the first exchange, and the
        # header follows it (it used to keep saying "New chat").
        p = page.open()
        p.click("#new-chat")
        p.fill("#composer-input", "Tell me about lighthouses")
        p.keyboard.press("Enter")
        expect(p.locator("#messages article.assistant").last).to_have_attribute(
            "data-status", "complete"
        )
        expect(p.locator("#chat-title")).not_to_have_text("New chat", timeout=20_000)
        chat_id = p.evaluate("location.hash").split("/")[2]
        titled = api.json("GET", f"/api/chats/{chat_id}")["chat"]["title"]
        expect(p.locator("#chat-title")).to_have_text(titled)
        expect(p.locator("#chat-list li.current a")).to_have_text(titled)

        # Rename while the next reply is being written: no error, and the reply ends.
        p.select_option("#model-picker", "fake-slow")
        p.fill("#composer-input", "And a slow answer, please")
        p.keyboard.press("Enter")
        reply = p.locator("#messages article.assistant").last
        expect(reply).to_have_attribute("data-status", "streaming")
        p.click("#rename-chat")
        box = p.locator(".chat-head input.rename")
        box.fill("Lighthouses, renamed")
        expect(reply).to_have_attribute("data-status", "complete", timeout=20_000)
        expect(reply.locator(".badge.live")).to_have_count(0)
        box.press("Enter")
        expect(p.locator("#chat-title")).to_have_text("Lighthouses, renamed")
        expect(p.locator("#banner")).to_be_hidden()
        assert api.json("GET", f"/api/chats/{chat_id}")["chat"]["title"] == "Lighthouses, renamed"
        page.assert_clean()


def test_a_reply_cut_off_at_the_length_limit_says_so(
    browser: Browser,
    settings: Settings,
    fake_openai: FakeOpenAI,
    tmp_path: Path,
    server: ServerProcess,
    api: Api,
) -> None:
    # The fake endpoint reports 3 completion tokens for every reply: with a cap of 3,
    # each reply reached it; with the usual cap (the module's server), none did.
    uncapped = api.chat("Not capped")
    api.turn(uncapped, "Say something short")
    capped = settings_with_fake_model(settings, fake_openai).model_copy(
        update={"max_reply_tokens": 3}
    )
    for own_server in serve(capped, tmp_path / "server.log"):
        with Api(own_server.url) as own:
            chat = own.chat("Capped")
            own.turn(chat, "Tell me everything")
        for page in new_page(browser, own_server.url, LAPTOP):
            p = page.open(f"/#/chat/{chat}")
            note = p.locator("#messages article.assistant .note-capped")
            expect(note).to_contain_text("reached the length limit (3 tokens)")
            page.shot("capped-reply")
            page.assert_clean()
    for page in new_page(browser, server.url, LAPTOP):
        p = page.open(f"/#/chat/{uncapped}")
        expect(p.locator("#messages article.assistant")).to_have_count(1)
        expect(p.locator(".note-capped")).to_have_count(0)
