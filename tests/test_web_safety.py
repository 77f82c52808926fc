"""Nothing in a message can run script: not in the web app (Markdown is sanitised and the
page has a strict Content-Security-Policy), and not in the exports (each format escapes
what it holds, and nothing is served for a browser to sniff into a page)."""

from __future__ import annotations

import io
import json
from typing import Any

import httpx
import networkx as nx
from fastapi.testclient import TestClient
from neo4j import Driver
from playwright.sync_api import expect

from tests.api_helpers import turn
from tests.browser import BrowserPage
from tests.server_process import ServerProcess
from tests.web_helpers import Api, page, server
from threadgraph.services.export import _literal

__all__ = ["page", "server"]

# Each tries to run script, load something, or leave the page. `window.__pwned` is set by
# any that manages to run.
XSS = [
    "<script>window.__pwned = 1; alert(1)</script>",
    '<img src=x onerror="window.__pwned = 2; alert(2)">',
    "<svg onload=alert(3)><circle r=10></circle></svg>",
    "[click me](javascript:window.__pwned=4)",
    "[JaVaScRiPt](JaVaScRiPt:alert(5))",
    "[spaced](  javascript:alert(6))",
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==)",
    "![tracking pixel](http://evil.example/pixel.png)",
    "![data image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoOCk+)",
    '<iframe src="javascript:alert(9)"></iframe>',
    '<a href="javascript:alert(10)" onclick="alert(11)">anchor</a>',
    "<details open ontoggle=alert(12)>x</details>",
    "<style>body { background: url(http://evil.example/css) }</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(13)>",
    '<form action="http://evil.example"><button>go</button></form>',
    '<object data="http://evil.example/x"></object>',
    "[vb](vbscript:msgbox(14))",
    '<div style="background:url(http://evil.example/inline)">styled</div>',
    "```html\n<script>alert(15)</script>\n```",
    "<a href='#' onmouseover='alert(16)'>hover</a>",
    "[ok link](https://example.org/page) and <http://example.org/auto>",
]
DANGEROUS = "script, img, svg, math, iframe, object, embed, form, style, link, meta, base, input"


def test_the_page_has_a_strict_policy(server: ServerProcess) -> None:
    page = httpx.get(f"{server.url}/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = dict(
        part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["connect-src"] == "'self'"
    assert "unsafe" not in page.headers["content-security-policy"]
    for path in ("/static/js/main.js", "/static/vendor/purify.es.js"):
        script = httpx.get(f"{server.url}{path}")
        assert script.status_code == 200
        assert "javascript" in script.headers["content-type"]
    exported = httpx.get(f"{server.url}/api/export", params={"format": "graphml"})
    assert exported.headers["x-content-type-options"] == "nosniff"
    assert exported.headers["content-disposition"].startswith("attachment")


def test_hostile_messages_render_as_inert_text(page: BrowserPage, server: ServerProcess) -> None:
    with Api(server.url) as api:
        chat_id = api.chat('<img src=x onerror="alert(99)"> title')
        for payload in XSS:
            api.turn(chat_id, payload)
    p = page.open(f"/#/chat/{chat_id}")
    expect(p.locator("#messages article")).to_have_count(2 * len(XSS))
    expect(p.locator("#chat-title")).to_have_text('<img src=x onerror="alert(99)"> title')
    page.shot("13-xss-corpus")

    assert p.evaluate("window.__pwned") is None
    assert p.locator(f"#messages :is({DANGEROUS})").count() == 0
    assert p.locator(f"#chat-list :is({DANGEROUS})").count() == 0
    handlers = p.evaluate(
        """[...document.querySelectorAll('#messages *')].flatMap(
            (e) => [...e.attributes].map((a) => a.name)).filter((n) => n.startsWith('on'))"""
    )
    assert handlers == []
    hrefs = p.evaluate(
        "[...document.querySelectorAll('#messages a[href]')].map((a) => a.getAttribute('href'))"
    )
    # Only web links survive (an image becomes a link to it, never a fetch).
    assert {"https://example.org/page", "http://example.org/auto"} <= set(hrefs)
    assert all(h.startswith(("https://", "http://")) for h in hrefs), hrefs
    # The raw HTML is there for a person to read, as text.
    text = p.locator("#messages").inner_text()
    assert "<script>window.__pwned = 1; alert(1)</script>" in text
    assert '<img src=x onerror="window.__pwned = 2; alert(2)">' in text
    assert "[image: tracking pixel]" in text
    assert text.count("<script>alert(15)</script>") == 2  # in the prompt's code block, and
    # the echo's stray HTML block (the fence does not start its line there)

    # The same texts through search results and the provenance panel.
    p.fill("#search-input", "onerror")
    expect(p.locator("#search-results .hits li").first).to_be_visible()
    assert p.locator(f"#search-results :is({DANGEROUS})").count() == 0
    p.locator("#messages article.assistant button.why").last.click()
    expect(p.locator("#panel .sources li").first).to_be_visible()
    assert p.locator(f"#panel :is({DANGEROUS})").count() == 0
    p.mouse.move(10, 10)
    for anchor in p.locator("#messages a").all():
        anchor.hover()
    assert p.evaluate("window.__pwned") is None
    page.assert_clean()


HOSTILE = (
    "</script><script>alert(1)</script> ]]> <![CDATA[x]]> &amp; \"quotes\" 'single' "
    "\\' \\\\ `tick` '; MATCH (n) DETACH DELETE n // {curly} $param \u2028 \x1b[31mred\x1b[0m"
)


def nodes_with(graph: nx.Graph[str], text: str) -> list[dict[str, Any]]:
    return [d for _, d in graph.nodes(data=True) if text in str(d.get("content", ""))]


def test_exports_escape_hostile_text(client: TestClient, driver: Driver) -> None:
    chat = client.post("/api/chats", json={"title": HOSTILE[:150]}).json()["id"]
    turn(client, chat, HOSTILE)

    def export(fmt: str) -> str:
        response = client.get("/api/export", params={"scope": "chat", "id": chat, "format": fmt})
        assert response.status_code == 200, response.text
        assert response.headers["x-content-type-options"] == "nosniff"
        return response.text

    data = json.loads(export("json"))
    assert any(n.get("content") == HOSTILE for n in data["nodes"])

    # XML cannot hold ESC at all: it becomes U+FFFD, and the file stays readable.
    readable = HOSTILE.replace("\x1b", "\ufffd")
    graphml = nx.read_graphml(io.BytesIO(export("graphml").encode()))
    both = sorted([readable, f"Echo: {readable}"])  # the prompt and the echoed reply
    assert sorted(d["content"] for d in nodes_with(graphml, "DETACH")) == both
    assert "<script>" not in export("graphml")
    gexf = nx.read_gexf(io.BytesIO(export("gexf").encode()))
    assert sorted(d["content"] for d in nodes_with(gexf, "DETACH")) == both

    # Every string literal of the Cypher script reads back, through Neo4j's own parser,
    # as exactly the text it came from.
    script = export("cypher")
    assert _literal(HOSTILE) in script
    with driver.session() as session:
        value = session.run(f"RETURN {_literal(HOSTILE)} AS v").single()
    assert value is not None
    assert value["v"] == HOSTILE
