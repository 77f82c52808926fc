"""The web app with accounts (THREADGRAPH_AUTH=accounts) in a real browser: the sign-in
form, chatting, signing out; a second person in the same browser sees nothing of the
first; API keys made and revoked in the page; and a cookie-signed write without the CSRF
token refused. The people are real accounts in the real Neo4j, made as
``threadgraph users create`` makes them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Request, expect

from tests.browser import LAPTOP, PHONE, BrowserPage, assert_nothing_off_screen, new_page
from tests.fake_openai import FakeOpenAI, settings_with_fake_model
from tests.server_process import ServerProcess
from tests.web_helpers import serve
from threadgraph.api.web import WEB_DIR
from threadgraph.config import Settings
from threadgraph.models import AccountRole
from threadgraph.rules import new_id
from threadgraph.services.accounts import Accounts
from threadgraph.services.api_keys import KeyRing
from threadgraph.store import Neo4jStore

PASSWORD = "correct horse battery staple"


def test_every_request_of_the_page_goes_through_api_send() -> None:
    """api.send adds the CSRF header to every write: a module that called fetch itself
    could write without it. The one other fetch is main.js's GET /health."""
    calls = {f.name: f.read_text().count("fetch(") for f in (WEB_DIR / "js").glob("*.js")}
    assert calls["api.js"] == 1
    assert {name: n for name, n in calls.items() if n and name != "api.js"} == {"main.js": 1}
    assert 'fetch("/health")' in (WEB_DIR / "js" / "main.js").read_text()


@dataclass
class WebPerson:
    name: str
    login: str
    key: str  # an API key of theirs, for checking what the page did through the API

    def api(self, server: ServerProcess, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.key}"}
        response = httpx.request(method, server.url + path, headers=headers, timeout=30, **kwargs)
        assert response.is_success, response.text
        return response.json() if response.content else None


MakePerson = Callable[..., WebPerson]


@pytest.fixture(scope="module")
def server(
    settings: Settings, fake_openai: FakeOpenAI, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    accounts = settings_with_fake_model(settings, fake_openai).model_copy(
        update={"auth": "accounts"}
    )
    yield from serve(accounts, tmp_path_factory.mktemp("web-accounts") / "server.log")


@pytest.fixture
def person(store: Neo4jStore) -> MakePerson:
    """Makes people with a password and one API key each."""
    keys = KeyRing(store.accounts, 5.0)
    accounts = Accounts(store.accounts, keys)

    def make(first_name: str, role: AccountRole = AccountRole.MEMBER) -> WebPerson:
        login = f"{first_name.lower()}-{new_id()[:8]}"
        account, _ = accounts.create(first_name, login, role=role, password=PASSWORD)
        _, key = keys.create(account.id, "tests", None)
        return WebPerson(account.name, login, key)

    return make


@pytest.fixture
def page(browser: Browser, server: ServerProcess) -> Iterator[BrowserPage]:
    yield from new_page(browser, server.url)


def sign_in(page: BrowserPage, who: WebPerson, password: str = PASSWORD) -> Page:
    p = page.page
    expect(p.locator("#sign-in-form")).to_be_visible()
    p.fill("#sign-in-login", who.login)
    p.fill("#sign-in-password", password)
    p.click("#sign-in-submit")
    return p


def open_signed_out(page: BrowserPage, path: str = "/") -> Page:
    page.page.goto(page.origin + path)
    page.page.wait_for_selector("body[data-ready=sign-in]")
    return page.page


def signed_in(page: BrowserPage, who: WebPerson) -> Page:
    p = sign_in(page, who)
    expect(p.locator("#account-name")).to_have_text(who.name)
    p.wait_for_selector("body[data-ready=true]")
    return p


def cookie(page: BrowserPage, name: str) -> str | None:
    found = [c["value"] for c in page.page.context.cookies() if c["name"] == name]
    return found[0] if found else None


def test_sign_in_chat_sign_out_and_the_next_person_sees_none_of_it(
    page: BrowserPage, server: ServerProcess, person: MakePerson
) -> None:
    alice, bob = person("Alice"), person("Bob")
    writes: list[Request] = []

    def record(request: Request) -> None:
        if request.method not in ("GET", "HEAD") and "/api/" in request.url:
            writes.append(request)

    page.page.on("request", record)

    p = open_signed_out(page)
    expect(p.locator("#chat-list")).to_be_hidden()
    expect(p.locator("#model-picker")).to_be_hidden()
    expect(p.locator("#sign-in-login")).to_be_focused()
    page.shot("20-sign-in")

    sign_in(page, alice, "not her password")
    expect(p.locator("#sign-in-error")).to_have_text(
        "Wrong login or password. Check both and try again."
    )
    expect(p.locator("#chat-list")).to_be_hidden()
    assert cookie(page, "tg_session") is None

    p = signed_in(page, alice)
    expect(p.locator("#sign-in")).to_be_hidden()
    expect(p.locator("#open-people")).to_be_hidden()  # a member, not an admin
    # The session is in an HttpOnly cookie: nothing a script can read holds it.
    session = cookie(page, "tg_session")
    assert session is not None
    assert "tg_session" not in p.evaluate("document.cookie")
    assert p.evaluate("Object.keys(localStorage).length + Object.keys(sessionStorage).length") == 0

    p.click("#new-chat")
    p.fill("#composer-input", "Alice's secret plan")
    p.keyboard.press("Enter")
    reply = p.locator("#messages article.assistant").last
    expect(reply).to_have_attribute("data-status", "complete")
    expect(reply.locator(".body")).to_have_text("Echo: Alice's secret plan")
    chat_id = p.evaluate("location.hash").split("/")[2]
    expect(p.locator(f"#chat-list li[data-chat-id='{chat_id}']")).to_be_visible()
    page.shot("21-signed-in-chat")
    assert [c["id"] for c in alice.api(server, "GET", "/api/chats")["chats"]] == [chat_id]

    p.click("#sign-out")
    expect(p.locator("#sign-in-form")).to_be_visible()
    expect(p.locator("#messages article")).to_have_count(0)
    assert p.evaluate("location.hash") == ""
    assert cookie(page, "tg_session") is None
    # The session itself ended, not only this browser's copy of it.
    stolen = httpx.get(f"{server.url}/api/chats", cookies={"tg_session": session})
    assert stolen.status_code == 401

    # Bob, in the same browser: none of Alice's chats, not even by their address.
    p = signed_in(page, bob)
    expect(p.locator("#account-name")).to_have_text("Bob")
    expect(p.locator("#chat-list li")).to_have_count(0)
    p.fill("#search-input", "secret plan")
    expect(p.locator("#search-results h3")).to_have_text("Nothing found for “secret plan”")
    p.goto(f"{server.url}/#/chat/{chat_id}")
    p.wait_for_selector("body[data-ready=true]")
    expect(p.locator("#banner-text")).to_contain_text("not found")
    expect(p.locator("#messages article")).to_have_count(0)
    assert "Alice" not in p.locator("body").inner_text()
    assert bob.api(server, "GET", "/api/chats")["chats"] == []

    # Every write the page made, but signing in, echoed the CSRF cookie.
    made = [(r.method, r.url.removeprefix(server.url)) for r in writes]
    assert ("POST", "/api/chats") in made
    assert ("DELETE", "/api/session") in made
    for request in writes:
        if request.url.endswith("/api/session") and request.method == "POST":
            assert "x-csrf-token" not in request.headers
        else:
            assert request.headers.get("x-csrf-token"), (request.method, request.url)
    page.assert_clean()


def test_a_key_made_in_the_page_works_until_revoked_there(
    page: BrowserPage, server: ServerProcess, person: MakePerson
) -> None:
    carol = person("Carol")
    carol.api(server, "POST", "/api/chats", json={"title": "Carol's notes"})
    open_signed_out(page)
    p = signed_in(page, carol)

    p.click("#open-keys")
    expect(p.locator("#panel-title")).to_have_text("API keys")
    p.fill("#key-name", "laptop script")
    p.select_option("#key-expiry", "30")
    p.click("#key-form button[type=submit]")
    secret = p.locator("#new-key-secret").inner_text()
    expect(p.locator("#new-key")).to_contain_text("will not be shown again")
    p.locator("#new-key button.copy").click()
    assert p.evaluate("navigator.clipboard.readText()") == secret
    row = p.locator("#key-list li", has=p.locator(".key-name", has_text="laptop script"))
    expect(row).to_have_count(1)
    prefix = secret.split("_")[1]
    expect(row.locator(".key-prefix")).to_have_text(f"tgk_{prefix}_…")
    assert secret not in row.inner_text()
    expect(row.locator(".key-expires")).not_to_have_text("expires never")
    page.shot("22-api-keys")

    bearer = {"Authorization": f"Bearer {secret}"}
    chats = httpx.get(f"{server.url}/api/chats", headers=bearer)
    assert chats.status_code == 200
    assert [c["title"] for c in chats.json()["chats"]] == ["Carol's notes"]

    row.locator("button.revoke").click()
    expect(p.locator("dialog#confirm")).to_be_visible()
    p.click("#confirm-ok")
    expect(row.locator(".key-state")).to_contain_text("Revoked")
    assert httpx.get(f"{server.url}/api/chats", headers=bearer).status_code == 401
    listed = carol.api(server, "GET", "/api/account/keys")
    assert [k["revoked_at"] is not None for k in listed if k["name"] == "laptop script"] == [True]

    # Closed and opened again, the panel lists the key but never shows its secret again.
    p.click("#panel-close")
    p.click("#open-keys")
    expect(row).to_have_count(1)
    expect(p.locator("#new-key-secret")).to_have_count(0)
    assert secret not in p.locator("body").inner_text()

    # This browser's own session is listed too; revoked, the page is signed out at once.
    session = p.locator("#key-list li:not(.revoked)", has=p.locator(".key-name", has_text="web"))
    expect(session).to_have_count(1)
    session.locator("button.revoke").click()
    p.click("#confirm-ok")
    expect(p.locator("#sign-in-form")).to_be_visible()
    expect(p.locator("#panel")).to_be_hidden()
    expect(p.locator("#chat-list li")).to_have_count(0)
    page.assert_clean()


def test_a_cookie_signed_write_without_the_csrf_token_is_refused(
    page: BrowserPage, server: ServerProcess, person: MakePerson
) -> None:
    dave = person("Dave")
    kept = dave.api(server, "POST", "/api/chats", json={"title": "Keep me"})["id"]
    open_signed_out(page)
    p = signed_in(page, dave)

    # Straight fetches from the signed-in page (the cookie goes with them), as a forged
    # form or script would send them: without the header, or with a wrong one.
    forged = """async ([method, path, body, token]) => {
        const headers = {"Content-Type": "application/json"};
        if (token) headers["X-CSRF-Token"] = token;
        const r = await fetch(path, {method, headers, body: body && JSON.stringify(body)});
        return [r.status, await r.text()];
    }"""
    status, text = p.evaluate(forged, ["POST", "/api/chats", {"title": "forged"}, None])
    assert status == 403, text
    assert "X-CSRF-Token" in text
    assert p.evaluate(forged, ["POST", "/api/chats", {"title": "forged"}, "guess"])[0] == 403
    assert p.evaluate(forged, ["DELETE", f"/api/chats/{kept}", None, None])[0] == 403
    assert p.evaluate(forged, ["DELETE", "/api/account", None, None])[0] == 403
    titles = [c["title"] for c in dave.api(server, "GET", "/api/chats")["chats"]]
    assert titles == ["Keep me"]
    assert dave.api(server, "GET", "/api/account")["name"] == "Dave"

    # The same write with the token from the cookie goes through: the refusal above was
    # for the missing token, not for something else about the request.
    token = cookie(page, "tg_csrf")
    assert p.evaluate(forged, ["POST", "/api/chats", {"title": "with token"}, token])[0] == 201
    titles = [c["title"] for c in dave.api(server, "GET", "/api/chats")["chats"]]
    assert sorted(titles) == ["Keep me", "with token"]
    # Reading needs no token.
    assert p.evaluate(forged, ["GET", "/api/chats", None, None])[0] == 200
    page.assert_clean()


def test_an_admin_adds_disables_and_deletes_people_in_the_page(
    page: BrowserPage, server: ServerProcess, person: MakePerson
) -> None:
    admin = person("Grace", AccountRole.ADMIN)
    open_signed_out(page)
    p = signed_in(page, admin)

    p.click("#open-people")
    expect(p.locator("#panel-title")).to_have_text("People")
    login = f"erin-{new_id()[:8]}"
    p.fill("#person-name", "Erin")
    p.fill("#person-login", login)
    p.click("#person-form button[type=submit]")
    password = p.locator("#new-person-password").inner_text()
    expect(p.locator("#new-person")).to_contain_text("will not be shown again")
    erin = p.locator("#people-list li", has=p.locator("code", has_text=login))
    expect(erin).to_have_count(1)
    expect(erin.locator(".person-name")).to_have_text("Erin")
    mine = p.locator("#people-list li", has=p.locator("code", has_text=admin.login))
    expect(mine.locator(".item-actions")).to_have_text("you")  # no disabling oneself here
    page.shot("23-people")

    def signs_in() -> int:
        body = {"login": login, "password": password}
        return httpx.post(f"{server.url}/api/session", json=body).status_code

    assert signs_in() == 200  # the one-time password works

    erin.locator("button.toggle").click()
    expect(erin.locator(".person-disabled")).to_have_text("disabled")
    assert signs_in() == 401
    erin.locator("button.toggle").click()
    expect(erin.locator(".person-disabled")).to_have_count(0)
    assert signs_in() == 200

    erin.locator("button.delete").click()
    expect(p.locator("#confirm-text")).to_contain_text("Erin")
    p.click("#confirm-ok")
    expect(erin).to_have_count(0)
    assert signs_in() == 401
    logins = [a["login"] for a in admin.api(server, "GET", "/api/admin/users")]
    assert login not in logins
    assert admin.login in logins
    page.assert_clean()


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_the_sign_in_form_and_the_account_controls_fit(
    browser: Browser, server: ServerProcess, person: MakePerson, size: str
) -> None:
    admin = person("Heidi", AccountRole.ADMIN)
    for page in new_page(browser, server.url, PHONE if size == "phone" else LAPTOP):
        p = open_signed_out(page)
        assert_nothing_off_screen(p)
        expect(p.locator("#sign-in-submit")).to_be_in_viewport()
        page.shot(f"layout-{size}-sign-in")
        signed_in(page, admin)
        assert_nothing_off_screen(p)
        for control in ("#account-name", "#open-keys", "#open-people", "#sign-out"):
            expect(p.locator(control)).to_be_in_viewport()
        p.click("#open-keys")
        expect(p.locator("#key-list li").first).to_be_visible()
        expect(p.locator("#key-form button[type=submit]")).to_be_in_viewport()
        expect(p.locator("#key-list .revoke").first).to_be_in_viewport()
        assert_nothing_off_screen(p)
        page.shot(f"layout-{size}-api-keys")
        page.assert_clean()
