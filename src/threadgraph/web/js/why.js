// "Why this reply": what a reply was built from (its USED_CONTEXT provenance), and a
// preview of what the model will be given for the draft in the message box.
import { get, post } from "./api.js";
import { $, el, openPanel, when } from "./ui.js";
import { state } from "./state.js";

const enc = encodeURIComponent;
const score = (value) => value.toFixed(3);
const link = (chatId, messageId, text) =>
  el("a", { href: `#/chat/${enc(chatId)}/${enc(messageId)}` }, text);
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
const clip = (text, n = 280) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

export async function showProvenance(reply) {
  const found = await get(`/api/messages/${enc(reply.id)}/provenance`);
  const branch = found.items.filter((i) => i.via === "branch");
  const memories = found.items.filter((i) => i.via !== "branch");
  const item = (i) =>
    el(
      "li",
      { class: `source via-${i.via}` },
      el(
        "div",
        { class: "source-head" },
        link(i.chat_id, i.message.id, i.chat_title || "untitled chat"),
        el("span", { class: "meta" }, ` · ${i.message.role} · rank ${i.rank} · score ${score(i.score)}`),
      ),
      el("p", { class: "quote" }, clip(i.message.content)),
    );
  openPanel(
    "Why this reply",
    el(
      "p",
      { class: "summary" },
      found.items.length
        ? `Built from ${plural(branch.length, "message")} of this conversation and ${plural(memories.length, "message")} from ${plural(new Set(memories.map((m) => m.chat_id)).size, "other chat")}.`
        : "This reply was not given any earlier messages (or it was written before provenance was kept).",
    ),
    el("h3", {}, "Memories from other chats"),
    memories.length ? el("ol", { class: "sources memories" }, memories.map(item)) : el("p", { class: "muted" }, "None."),
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
    el("p", { class: "summary" }, `The model would get ${preview.messages.length} messages: ${preview.branch.length} from this branch and ${preview.memories.length} memor${preview.memories.length === 1 ? "y" : "ies"} from other chats.`),
    el("h3", {}, "Memories"),
    preview.memories.length
      ? el(
          "ol",
          { class: "sources memories" },
          preview.memories.map((m) =>
            el(
              "li",
              { class: "source via-memory" },
              el("div", { class: "source-head" }, link(m.chat_id, m.prompt_id, m.chat_title), el("span", { class: "meta" }, ` · ${when(m.date)} · score ${score(m.score)}`)),
              el("p", { class: "quote" }, clip(m.prompt, 160)),
              el("p", { class: "quote reply" }, clip(m.reply, 200)),
            ),
          ),
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
