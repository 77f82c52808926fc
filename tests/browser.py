"""The web app in a real Chromium (Debian's, driven by Playwright; never a downloaded
browser), against the real server process, real Neo4j and the fake OpenAI server.

`BrowserPage` records what a page did that it must not do: dialogs (alert, confirm),
requests anywhere but the app's own origin, scripts that threw, and CSP violations.
Screenshots go to var/screenshots/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    Dialog,
    Page,
    Request,
    ViewportSize,
    expect,
    sync_playwright,
)

from threadgraph.config import SOURCE_ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = SOURCE_ROOT / "var" / "screenshots"
# The first reply of a fresh server waits for the embedding model to load (seconds, on a
# busy machine); assertions wait for the page up to this long.
expect.set_options(timeout=20_000)


@dataclass
class BrowserPage:
    page: Page
    origin: str
    dialogs: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    accept_dialogs: bool = False

    def attach(self) -> BrowserPage:
        self.page.on("dialog", self._on_dialog)
        self.page.on("request", self._on_request)
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        self.page.on("console", self._on_console)
        return self

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        if self.accept_dialogs:
            dialog.accept()
        else:
            dialog.dismiss()

    def _on_request(self, request: Request) -> None:
        if not request.url.startswith(self.origin + "/"):
            self.foreign_requests.append(request.url)

    def _on_console(self, message: object) -> None:
        text = getattr(message, "text", "")
        if "Content Security Policy" in text or "Refused to" in text:
            self.errors.append(f"csp: {text}")

    def open(self, path: str = "/") -> Page:
        self.page.goto(self.origin + path)
        self.page.wait_for_selector("body[data-ready=true]")
        return self.page

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=path)
        return path

    def assert_clean(self) -> None:
        """Nothing ran, asked or reached out that should not have."""
        assert self.dialogs == [], self.dialogs
        assert self.foreign_requests == [], self.foreign_requests
        assert self.errors == [], self.errors


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def assert_nothing_off_screen(p: Page) -> None:
    width = p.evaluate("document.scrollingElement.scrollWidth")
    viewport = p.evaluate("window.innerWidth")
    assert width <= viewport, f"the page is {width}px wide in a {viewport}px window"


PHONE: ViewportSize = {"width": 390, "height": 844}
LAPTOP: ViewportSize = {"width": 1280, "height": 800}


def new_page(
    browser: Browser, origin: str, viewport: ViewportSize | None = None
) -> Iterator[BrowserPage]:
    context = browser.new_context(viewport=viewport or {"width": 1400, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    context.set_default_timeout(15_000)
    try:
        yield BrowserPage(context.new_page(), origin).attach()
    finally:
        context.close()
