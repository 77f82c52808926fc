// "Why this reply": what a reply was built from (its USED_CONTEXT provenance), and a
// preview of what the model will be given for the draft in the message box.
import { get, post } from "./api.js";
import { $, el, openPanel, when } from "./ui.js";
import { state } from "./state.js";

const enc = encodeURIComponent;
const link = (chatId, messageId, text) =>
  el("a", { href: `#/chat/${enc(chatId)}/${enc(messageId)}` }, text);
const plural = (n, word, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
const clip = (text, n = 280) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

// Words that say nothing about a subject, left out when telling which words matched.
const COMMON = new Set(
  ("the and for are but not you your with this that was were have has had what when where which who " +
    "how why can could would should will about from they them their there then than into just also " +
    "some any all our out get got like its it's i'm don't does did been being very much more most")
    .split(" "),
);
const words = (text) => new Set((text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) || []).filter((w) => !COMMON.has(w)));

// Why an earlier exchange was given to the model, in words: the words it shares with the
// question, else that it was found by meaning (the embedding), which has no words to show.
export function reasonFor(question, exchangeText) {
  const asked = words(question);
  const shared = [...words(exchangeText)].filter((w) => asked.has(w));
  return shared.length
    ? `shares your words: ${shared.slice(0, 6).join(", ")}`
    : "similar in meaning to your question (no words in common)";
}

// Memory items come as messages; a remembered exchange is a prompt and its reply. Each is
// shown once, prompt first, in the order the model got them.
export function exchanges(memories) {
  const byId = new Map(memories.map((m) => [m.message.id, m]));
  const seen = new Set();
  const result = [];
  for (const item of [...memories].sort((a, b) => a.rank - b.rank)) {
    if (seen.has(item.message.id)) continue;
    const prompt = item.message.role === "user" ? item : byId.get(item.message.parent_id);
    const reply = prompt && memories.find((m) => m.message.parent_id === prompt.message.id && m.message.role === "assistant");
    for (const part of [prompt, reply, item]) if (part) seen.add(part.message.id);
    result.push({ prompt: prompt || null, reply: reply || (item.message.role === "assistant" ? item : null), first: item });
  }
  return result;
}

function exchangeView(exchange, question) {
  const head = exchange.prompt || exchange.reply;
  const text = [exchange.prompt?.message.content, exchange.reply?.message.content].filter(Boolean).join(" ");
  return el(
    "li",
    { class: "source exchange" },
    el(
      "div",
      { class: "source-head" },
      link(head.chat_id, head.message.id, head.chat_title || "untitled chat"),
      el("span", { class: "meta" }, ` · ${when(head.message.created_at)}`),
    ),
    el("p", { class: "why" }, `Picked because it ${reasonFor(question, text)}.`),
    exchange.prompt ? el("p", { class: "quote" }, clip(exchange.prompt.message.content, 200)) : null,
    exchange.reply ? el("p", { class: "quote reply" }, clip(exchange.reply.message.content, 280)) : null,
  );
}

export async function showProvenance(reply) {
  const found = await get(`/api/messages/${enc(reply.id)}/provenance`);
  const branch = found.items.filter((i) => i.via === "branch").sort((a, b) => a.rank - b.rank);
  const memories = found.items.filter((i) => i.via !== "branch");
  const remembered = exchanges(memories);
  const question = state.messages.find((m) => m.id === reply.parent_id)?.content || "";
  const item = (i) =>
    el(
      "li",
      { class: `source via-${i.via}` },
      el(
        "div",
        { class: "source-head" },
        link(i.chat_id, i.message.id, i.message.role === "user" ? "You" : "Reply"),
        el("span", { class: "meta" }, ` · ${when(i.message.created_at)}`),
      ),
      el("p", { class: "quote" }, clip(i.message.content)),
    );
  openPanel(
    "Why this reply",
    el(
      "p",
      { class: "summary" },
      found.items.length
        ? `Built from ${plural(branch.length, "message")} of this conversation and ${plural(remembered.length, "earlier exchange")} from ${plural(new Set(memories.map((m) => m.chat_id)).size, "other chat")}.`
        : "This reply was not given any earlier messages (or it was written before provenance was kept).",
    ),
    el("h3", {}, "Remembered from other chats"),
    remembered.length
      ? el("ol", { class: "sources memories" }, remembered.map((x) => exchangeView(x, question)))
      : el("p", { class: "muted" }, "None."),
    el("h3", {}, "From this conversation"),
    branch.length ? el("ol", { class: "sources branch" }, branch.map(item)) : el("p", { class: "muted" }, "None."),
  );
}

export async function showContextPreview() {
  if (!state.chat) throw new Error("Open or start a chat first: the preview is for a chat's next message.");
  const content = $("composer-input").value;
  const preview = await post(`/api/chats/${enc(state.chat.id)}/context`, { content });
  openPanel(
    "Context preview",
    el("p", { class: "summary" }, previewSummary(preview)),
    el("h3", {}, "Remembered from other chats"),
    preview.memories.length
      ? el(
          "ol",
          { class: "sources memories" },
          preview.memories.map((m) => {
            // Only the turns the model is given (quoted_ids): one message, or an exchange.
            const prompt = m.quoted_ids.includes(m.prompt_id) ? m.prompt : "";
            const reply = m.quoted_ids.includes(m.reply_id) ? m.reply : "";
            return el(
              "li",
              { class: "source via-memory" },
              el("div", { class: "source-head" }, link(m.chat_id, m.quoted_ids[0], m.chat_title), el("span", { class: "meta" }, ` · ${when(m.date)}`)),
              el("p", { class: "why" }, `Picked because it ${reasonFor(content, `${prompt} ${reply}`)}.`),
              prompt ? el("p", { class: "quote" }, clip(prompt, 160)) : null,
              reply ? el("p", { class: "quote reply" }, clip(reply, 200)) : null,
            );
          }),
        )
      : el("p", { class: "muted" }, "None."),
    el("h3", {}, "Exactly what the model gets"),
    el(
      "ol",
      { class: "prompt-messages" },
      preview.messages.map((m) => el("li", {}, el("span", { class: "role" }, m.role), el("pre", {}, m.content))),
    ),
  );
}

// "The model would be given 4 messages: your draft, 2 earlier messages of this
// conversation, and a note quoting 3 messages from your other chats." A memory quotes one
// message or a prompt and its reply (its quoted_ids).
function previewSummary(preview) {
  const k = preview.memories.length;
  const quoted = preview.memories.reduce((n, m) => n + m.quoted_ids.length, 0);
  const parts = ["your draft", `${plural(preview.branch.length, "earlier message")} of this conversation`];
  if (k) parts.push(`a note quoting ${plural(quoted, "message")} from your other chats`);
  const other = preview.messages.length - 1 - preview.branch.length - (k ? 1 : 0);
  if (other > 0) parts.push(plural(other, "other message"));
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : parts[0];
  return `The model would be given ${plural(preview.messages.length, "message")}: ${list}.`;
}
