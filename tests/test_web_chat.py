"""The web app's chat in a real browser: send and stream, stop, edit, regenerate, the
< n/m > between versions, fork, delete a branch, rename and delete a chat."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser import BrowserPage, new_page
from tests.fake_openai import FakeOpenAI, settings_with_fake_model
from tests.wait import until
from tests.web_helpers import Api, api, page, serve, server
from threadgraph.config import Settings

__all__ = ["api", "page", "server"]


def ask_the_slow_model(page: BrowserPage, chat_id: str, prompt: str) -> tuple[Page, Locator]:
    """Open the chat, pick the model that writes slowly, send ``prompt``: the page and
    the reply being written."""
    p = page.open(f"/#/chat/{chat_id}")
    p.select_option("#model-picker", "fake-slow")
    p.fill("#composer-input", prompt)
    p.keyboard.press("Enter")
    return p, p.locator("#messages article.assistant").last


def test_send_edit_regenerate_and_switch_versions(page: BrowserPage, api: Api) -> None:
    p = page.open()
    # Local mode (the default): straight to chatting, nobody signs in.
    expect(p.locator("#sign-in")).to_be_hidden()
    expect(p.locator("#account")).to_be_hidden()
    p.click("#new-chat")
    expect(p.locator("#composer-input")).to_be_focused()
    p.fill("#composer-input", "Hello **world**")
    p.keyboard.press("Shift+Enter")
    p.keyboard.type("second line")
    assert p.input_value("#composer-input") == "Hello **world**\nsecond line"
    p.keyboard.press("Enter")

    reply = p.locator("#messages article.assistant").last
    expect(reply).to_have_attribute("data-status", "complete")
    assert reply.locator(".body").inner_text() == "Echo: Hello world\nsecond line"
    expect(reply.locator(".body strong")).to_have_text("world")  # Markdown, rendered
    expect(p.locator("#composer-input")).to_have_value("")
    chat_id = p.evaluate("location.hash").split("/")[2]
    expect(p.locator(f"#chat-list li[data-chat-id='{chat_id}']")).to_be_visible()
    page.shot("01-chat-streamed-markdown")

    prompt = p.locator("#messages article.user").first
    prompt.locator("button.edit").click()
    p.fill("textarea.edit-box", "Hello again")
    p.keyboard.press("Enter")
    expect(reply.locator(".body")).to_have_text("Echo: Hello again")
    expect(reply).to_have_attribute("data-status", "complete")
    expect(prompt.locator(".siblings .position")).to_have_text("2/2")

    prompt.locator(".siblings button.prev").click()
    expect(prompt.locator(".siblings .position")).to_have_text("1/2")
    expect(prompt.locator(".body br")).to_have_count(1)
    assert prompt.locator(".body").inner_text() == "Hello world\nsecond line"
    assert reply.locator(".body").inner_text() == "Echo: Hello world\nsecond line"

    reply.locator("button.regenerate").click()
    expect(reply.locator(".siblings .position")).to_have_text("2/2")
    expect(reply).to_have_attribute("data-status", "complete")
    page.shot("02-chat-after-edit-and-regenerate")

    tree = api.json("GET", f"/api/chats/{chat_id}/tree")["messages"]
    assert sorted(m["role"] for m in tree) == ["assistant"] * 3 + ["user"] * 2
    page.assert_clean()


def test_stream_shows_text_as_it_comes_and_escape_stops_it(page: BrowserPage, api: Api) -> None:
    chat_id = api.chat("Slow one")
    p, reply = ask_the_slow_model(page, chat_id, "take your time")
    expect(reply.locator(".body")).to_contain_text("w3")
    expect(reply).to_have_attribute("data-status", "streaming")
    expect(p.locator("#stop")).to_be_visible()
    page.shot("03-chat-streaming")
    p.keyboard.press("Escape")

    expect(reply).to_have_attribute("data-status", "incomplete")
    expect(reply.locator(".problem")).to_contain_text("incomplete")
    expect(p.locator("#stop")).to_be_hidden()
    text = reply.locator(".body").inner_text()
    assert "w39" not in text
    stored = api.json("GET", f"/api/chats/{chat_id}")["messages"][-1]
    assert stored["status"] == "incomplete"
    assert stored["content"].strip() == text.strip()

    p.select_option("#model-picker", "fake-echo")
    reply.locator("button.regenerate").click()  # "Retry" on an incomplete reply
    expect(reply).to_have_attribute("data-status", "complete")
    expect(reply.locator(".siblings .position")).to_have_text("2/2")
    retried = api.json("GET", f"/api/chats/{chat_id}")["messages"][-1]
    assert retried["status"] == "complete"
    assert retried["model"] == "fake-echo"
    expect(reply.locator(".body")).to_have_text(retried["content"])
    page.assert_clean()


def test_fork_prune_rename_and_delete(page: BrowserPage, api: Api) -> None:
    chat_id = api.chat("Original")
    api.turn(chat_id, "first question")
    second = api.turn(chat_id, "second question")
    p = page.open(f"/#/chat/{chat_id}")
    expect(p.locator("#messages article")).to_have_count(4)

    p.locator("#messages article.assistant").first.locator("button.fork").click()
    expect(p.locator("#chat-title")).to_have_text("Original (fork)")
    fork_id = p.evaluate("location.hash").split("/")[2]
    assert fork_id != chat_id
    expect(p.locator("#messages article")).to_have_count(2)
    expect(p.locator("#messages article .badge", has_text="from the original chat")).to_have_count(
        2
    )
    p.fill("#composer-input", "only in the fork")
    p.keyboard.press("Enter")
    expect(p.locator("#messages article.assistant").last.locator(".body")).to_have_text(
        "Echo: only in the fork"
    )
    page.shot("04-fork")

    p.locator(f"#chat-list li[data-chat-id='{chat_id}'] a").click()
    expect(p.locator("#chat-title")).to_have_text("Original")
    p.locator(f"#m-{second['prompt']['id']} button.prune").click()
    expect(p.locator("dialog#confirm")).to_be_visible()
    p.click("#confirm-ok")
    expect(p.locator("#messages article")).to_have_count(2)
    assert len(api.json("GET", f"/api/chats/{chat_id}/tree")["messages"]) == 2

    p.click("#rename-chat")
    p.fill("input.rename", "Renamed <b>chat</b>")
    p.keyboard.press("Enter")
    expect(p.locator("#chat-title")).to_have_text("Renamed <b>chat</b>")
    expect(p.locator(f"#chat-list li[data-chat-id='{chat_id}']")).to_have_text(
        "Renamed <b>chat</b>"
    )

    p.click("#delete-chat")
    p.keyboard.press("Escape")  # the dialog cancels: nothing deleted
    expect(p.locator("dialog#confirm")).to_be_hidden()
    expect(p.locator(f"#chat-list li[data-chat-id='{chat_id}']")).to_have_count(1)
    p.click("#delete-chat")
    p.click("#confirm-ok")
    expect(p.locator(f"#chat-list li[data-chat-id='{chat_id}']")).to_have_count(0)
    expect(p.locator("#chat-title")).to_have_text("No chat open")
    assert api.http.get(f"/api/chats/{chat_id}").status_code == 404
    page.assert_clean()


def test_a_reload_reattaches_to_the_reply_being_written(page: BrowserPage, api: Api) -> None:
    chat_id = api.chat("Reload me")
    p, reply = ask_the_slow_model(page, chat_id, "keep going")
    expect(reply.locator(".body")).to_contain_text("w2")
    p.reload()
    p.wait_for_selector("body[data-ready=true]")
    expect(reply).to_have_attribute("data-status", "streaming")
    expect(p.locator("#stop")).to_be_visible()
    expect(reply).to_have_attribute("data-status", "complete")
    expect(reply.locator(".body")).to_contain_text("w39")
    page.assert_clean()


def test_the_chat_list_pages(page: BrowserPage, api: Api) -> None:
    for n in range(31):
        api.chat(f"Paged {n}")
    total = len(api.json("GET", "/api/chats?limit=200")["chats"])
    p = page.open()
    expect(p.locator("#chat-list li")).to_have_count(30)
    expect(p.locator("#chat-list li").first).to_have_text("Paged 30")  # newest first
    p.click("#more-chats")
    expect(p.locator("#chat-list li")).to_have_count(min(total, 60))
    page.assert_clean()


def test_the_offline_model_is_marked(
    browser: Browser, settings: Settings, fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    """The local model really answers here (llama.cpp), on a server of its own with a
    timeout long enough for it."""
    slow_ok = settings_with_fake_model(settings, fake_openai).model_copy(
        update={"model_timeout_seconds": 120.0}
    )
    for process in serve(slow_ok, tmp_path / "server.log"):
        for own_page in new_page(browser, process.url):
            p = own_page.open()
            local = p.locator("#model-picker option", has_text="offline")
            expect(local).to_have_count(1)
            p.select_option("#model-picker", local.get_attribute("value"))
            p.click("#new-chat")  # typed at once: the message must land in this chat
            p.fill("#composer-input", "Say hello.")
            p.keyboard.press("Enter")
            reply = p.locator("#messages article.assistant").last
            expect(reply).to_have_attribute("data-status", "complete", timeout=120_000)
            expect(reply.locator(".badge.offline")).to_have_text("offline model")
            expect(p.locator("#chat-list li")).to_have_count(1)
            expect(p.locator("#messages .badge", has_text="original chat")).to_have_count(0)
            own_page.shot("15-offline-model")
            own_page.assert_clean()


def test_leaving_a_chat_while_it_streams_does_not_stop_the_reply(
    page: BrowserPage, api: Api
) -> None:
    slow, other = api.chat("Left behind"), api.chat("Elsewhere")
    p = page.open(f"/#/chat/{slow}")
    p.select_option("#model-picker", "fake-slow")
    p.fill("#composer-input", "write on")
    p.keyboard.press("Enter")
    expect(p.locator("#messages article.assistant .body")).to_contain_text("w2")
    p.locator(f"#chat-list li[data-chat-id='{other}'] a").click()
    expect(p.locator("#chat-title")).to_have_text("Elsewhere")
    expect(p.locator("#stop")).to_be_hidden()
    expect(p.locator("#messages article")).to_have_count(0)

    reply_id = api.json("GET", f"/api/chats/{slow}")["messages"][-1]["id"]
    done = until(
        lambda: (m := api.json("GET", f"/api/messages/{reply_id}"))["status"] != "streaming" and m
    )
    assert done["status"] == "complete"
    p.locator(f"#chat-list li[data-chat-id='{slow}'] a").click()
    reply = p.locator(f"#m-{reply_id}")
    expect(reply).to_have_attribute("data-status", "complete")
    expect(reply.locator(".body")).to_contain_text("w39")
    page.assert_clean()
