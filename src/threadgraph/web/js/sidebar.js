// The sidebar: chats newest first (paged), new chat, search across chats, topics.
import { get, post, query } from "./api.js";
import { $, el, guarded, when } from "./ui.js";
import { actions, selectedModel, state } from "./state.js";

const PAGE = 30;
let cursor = null;

export function initSidebar() {
  $("new-chat").addEventListener("click", () => guarded(newChat));
  $("more-chats").addEventListener("click", () => guarded(() => loadChats(false)));
  let timer;
  $("search-input").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => guarded(search), 250);
  });
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    guarded(search);
  });
  $("search-input").addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.stopPropagation(); // clears the search only; does not stop a reply
      $("search-input").value = "";
      guarded(search);
    }
  });
  $("topics").addEventListener("toggle", () => $("topics").open && guarded(loadTopics));
}

export async function newChat() {
  // Typing and sending while the new chat is still being made must land in it, not in
  // a second chat made by send(): send() waits for this promise.
  state.opening = (async () => {
    const chat = await post("/api/chats", { model: selectedModel() });
    await actions.openChat(chat.id);
    location.hash = `#/chat/${encodeURIComponent(chat.id)}`; // already open: routing keeps it
  })();
  try {
    await state.opening;
  } finally {
    state.opening = null;
  }
  $("composer-input").focus();
  await loadChats(true);
}

export async function loadChats(fromStart = true) {
  if (fromStart) cursor = null;
  const page = await get(`/api/chats?${query({ limit: PAGE, cursor })}`);
  const list = $("chat-list");
  if (fromStart) list.replaceChildren();
  for (const chat of page.chats) list.append(chatItem(chat));
  cursor = page.next_cursor;
  $("more-chats").hidden = !cursor;
  markCurrent();
}

function chatItem(chat) {
  return el(
    "li",
    { dataset: { chatId: chat.id } },
    el(
      "a",
      { href: `#/chat/${encodeURIComponent(chat.id)}`, title: when(chat.updated_at) },
      chat.forked_from_id ? el("span", { class: "fork-mark", title: "A fork" }, "↳ ") : "",
      chat.title,
    ),
  );
}

export function markCurrent() {
  for (const item of $("chat-list").children) {
    const current = state.chat && item.dataset.chatId === state.chat.id;
    item.classList.toggle("current", Boolean(current));
    const link = item.querySelector("a");
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function search() {
  const q = $("search-input").value.trim();
  const box = $("search-results");
  if (!q) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const results = await get(`/api/search?${query({ q, limit: 20 })}`);
  box.replaceChildren(
    el("h3", {}, results.hits.length ? `Results for “${q}”` : `Nothing found for “${q}”`),
    el("ul", { class: "hits" }, results.hits.map(hitItem)),
  );
  box.hidden = false;
}

function hitItem(hit) {
  return el(
    "li",
    {},
    el(
      "a",
      { href: `#/chat/${encodeURIComponent(hit.chat_id)}/${encodeURIComponent(hit.message.id)}` },
      el("span", { class: "hit-chat" }, hit.chat_title),
      el("span", { class: "hit-role" }, ` · ${hit.message.role}`),
      el("span", { class: "snippet" }, highlighted(hit.snippet, hit.highlights)),
    ),
  );
}

// The snippet with its matched ranges in <mark>, built from text nodes only.
function highlighted(text, ranges) {
  const parts = [];
  let at = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (start < at) continue;
    parts.push(text.slice(at, start), el("mark", {}, text.slice(start, end)));
    at = end;
  }
  parts.push(text.slice(at));
  return parts;
}

export async function loadTopics() {
  const topics = await get("/api/topics?limit=50");
  $("topic-list").replaceChildren(
    ...(topics.length
      ? topics.map((t) =>
          el(
            "li",
            {},
            el("button", { type: "button", class: "link", onclick: () => guarded(() => showTopic(t)) }, t.name),
            el("span", { class: "count" }, ` ${t.messages} in ${t.chats} chat${t.chats === 1 ? "" : "s"}`),
          ),
        )
      : [el("li", { class: "muted" }, "No topics yet: they appear after a few replies.")]),
  );
}

async function showTopic(topic) {
  const detail = await get(`/api/topics/${encodeURIComponent(topic.id)}`);
  const box = $("search-results");
  box.replaceChildren(
    el("h3", {}, `Topic: ${detail.name}`),
    el(
      "ul",
      { class: "hits" },
      detail.mentions.map((m) =>
        el(
          "li",
          {},
          el(
            "a",
            { href: `#/chat/${encodeURIComponent(m.chat_id)}/${encodeURIComponent(m.message.id)}` },
            el("span", { class: "hit-chat" }, m.chat_title),
            el("span", { class: "snippet" }, m.message.content.slice(0, 140)),
          ),
        ),
      ),
    ),
  );
  box.hidden = false;
}
