// Import and export from the app. Export is a set of download links to /api/export;
// import posts a file to /api/import (multipart: file, format) and says what happened.
import { call } from "./api.js";
import { el, guarded, openPanel, showError } from "./ui.js";
import { actions, state } from "./state.js";

const FORMATS = ["json", "graphml", "gexf", "cypher"];
const IMPORT_FORMATS = ["auto", "chatgpt", "claude", "openwebui", "librechat", "chatbotui", "threadgraph"];

const FORMAT_NAMES = {
  chatgpt: "ChatGPT",
  claude: "Claude",
  openwebui: "Open WebUI",
  librechat: "LibreChat",
  chatbotui: "Chatbot UI",
  threadgraph: "threadgraph",
};
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

const exportLinks = (scope, id) =>
  el(
    "ul",
    { class: "export-links" },
    FORMATS.map((format) => {
      const params = new URLSearchParams({ scope, format });
      if (id) params.set("id", id);
      return el("li", {}, el("a", { href: `/api/export?${params}`, download: "" }, format.toUpperCase()));
    }),
  );

// "Export this chat" follows the open chat while the panel stays open.
export function showExportThisChat() {
  const section = document.getElementById("export-this-chat");
  if (!section) return;
  section.replaceChildren(
    state.chat
      ? exportLinks("chat", state.chat.id)
      : el("p", { class: "muted" }, "Open a chat to export it alone."),
  );
}

export function openTransfer() {
  const file = el("input", { type: "file", name: "file", id: "import-file", required: true, accept: ".json,.zip,application/json,application/zip" });
  const format = el("select", { name: "format", id: "import-format" }, IMPORT_FORMATS.map((f) => el("option", { value: f }, f)));
  const result = el("div", { id: "import-result", role: "status" });
  const form = el(
    "form",
    { id: "import-form", class: "import-form" },
    el("label", { for: "import-file" }, "Export file (ChatGPT, Claude, Open WebUI, LibreChat, Chatbot UI or threadgraph)"),
    file,
    el("label", { for: "import-format" }, "Format"),
    format,
    el("button", { type: "submit", class: "primary" }, "Import"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(() => runImport(form, result));
  });
  openPanel(
    "Import and export",
    el("h3", {}, "Export this chat"),
    el("div", { id: "export-this-chat" }),
    el("h3", {}, "Export everything"),
    exportLinks("all"),
    el("h3", {}, "Import"),
    form,
    result,
  );
  showExportThisChat();
}

async function runImport(form, result) {
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  result.replaceChildren(el("p", {}, "Importing…"));
  try {
    const report = await call("POST", "/api/import", new FormData(form));
    result.replaceChildren(summary(report));
    await actions.refreshChats();
    actions.refreshTopics();
  } catch (error) {
    result.replaceChildren(el("p", { class: "problem" }, `Import failed: ${error.message}`));
    showError(error);
  } finally {
    button.disabled = false;
  }
}

// Everything the command line reports: what came in, what was left out and why, and
// what is worth knowing.
function summary(report) {
  const chats = report.chat_ids || [];
  const source = FORMAT_NAMES[report.format] || report.format;
  const left = Object.entries(report.messages_skipped || {});
  const listed = (title, items) =>
    items.length ? el("details", {}, el("summary", {}, title), el("ul", {}, items)) : null;
  return el(
    "div",
    { class: "import-summary" },
    el(
      "p",
      {},
      `Imported ${plural(report.chats_imported, "chat")} (${plural(report.messages_imported, "message")}) from your ${source} export; ${report.chats_unchanged} already here and unchanged.`,
    ),
    chats.length ? el("p", {}, el("a", { href: `#/chat/${encodeURIComponent(chats[0])}` }, "Open the first imported chat")) : null,
    listed(
      `${plural(left.reduce((n, [, count]) => n + count, 0), "message")} left out`,
      left.map(([reason, count]) => el("li", {}, `${count} × ${reason}`)),
    ),
    listed(
      `${plural((report.skipped || []).length, "conversation")} not imported`,
      (report.skipped || []).map((s) => el("li", {}, `#${s.position} ${s.title || "untitled"}: ${s.reason}`)),
    ),
    listed(
      `${plural((report.warnings || []).length, "note")}`,
      (report.warnings || []).map((s) => el("li", {}, `#${s.position} ${s.title || "untitled"}: ${s.reason}`)),
    ),
    report.enrichment === "background"
      ? el("p", { class: "muted" }, "Search by meaning and topics fill in over the next minutes.")
      : null,
  );
}
