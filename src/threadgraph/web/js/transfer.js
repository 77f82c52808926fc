// Import and export from the app. Export is a set of download links to /api/export;
// import posts a file to /api/import (multipart: file, format) and says what happened.
import { call } from "./api.js";
import { el, guarded, openPanel, showError } from "./ui.js";
import { actions, state } from "./state.js";

const FORMATS = ["json", "graphml", "gexf", "cypher"];
const IMPORT_FORMATS = ["auto", "chatgpt", "claude", "openwebui", "librechat", "chatbotui", "threadgraph"];

export function openTransfer() {
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
  const file = el("input", { type: "file", name: "file", id: "import-file", required: true, accept: ".json,.zip,application/json,application/zip" });
  const format = el("select", { name: "format", id: "import-format" }, IMPORT_FORMATS.map((f) => el("option", { value: f }, f)));
  const result = el("div", { id: "import-result", role: "status" });
  const form = el(
    "form",
    { id: "import-form", class: "import-form" },
    el("label", { for: "import-file" }, "Export file (ChatGPT, Claude, Open WebUI, LibreChat or threadgraph)"),
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
    state.chat ? exportLinks("chat", state.chat.id) : el("p", { class: "muted" }, "Open a chat to export it alone."),
    el("h3", {}, "Export everything"),
    exportLinks("all"),
    el("h3", {}, "Import"),
    form,
    result,
  );
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

function summary(report) {
  const chats = report.chat_ids || [];
  return el(
    "div",
    { class: "import-summary" },
    el(
      "p",
      {},
      `Imported ${report.chats_imported} chat${report.chats_imported === 1 ? "" : "s"} (${report.messages_imported} messages) from a ${report.format} export; ${report.chats_unchanged} already here and unchanged.`,
    ),
    chats.length ? el("p", {}, el("a", { href: `#/chat/${encodeURIComponent(chats[0])}` }, "Open the first imported chat")) : null,
    report.skipped && report.skipped.length
      ? el(
          "details",
          {},
          el("summary", {}, `${report.skipped.length} skipped`),
          el("ul", {}, report.skipped.map((s) => el("li", {}, `#${s.position} ${s.title || "untitled"}: ${s.reason}`))),
        )
      : null,
  );
}
