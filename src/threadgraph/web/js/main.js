// Start-up and wiring: health, signing in (accounts mode), models, the chat list,
// routing by the address (#/chat/<id>[/<message id>]), and the keyboard (Enter sends,
// Shift+Enter new line, Esc stops a reply, or closes the panel).
import { askToSignIn, currentAccount, showAccount, wireAccount } from "./account.js";
import { ApiError, get } from "./api.js";
import { closeChat, deleteChat, openChat, send, startRename, stopReply } from "./chat.js";
import { openGraph } from "./graph.js";
import { openKeys } from "./keys.js";
import { openPeople } from "./people.js";
import { initSidebar, loadChats, loadTopics, markCurrent } from "./sidebar.js";
import { actions, state } from "./state.js";
import { openTransfer, showExportThisChat } from "./transfer.js";
import { $, clearError, closePanel, el, guarded, setSidebar, showError } from "./ui.js";
import { showContextPreview } from "./why.js";

actions.openChat = async (chatId, focusId) => {
  await openChat(chatId, focusId);
  markCurrent();
  showExportThisChat();
};
actions.refreshChats = () => guarded(() => loadChats(true));
actions.refreshTopics = () => ($("topics").open ? guarded(loadTopics) : Promise.resolve());

// The health report (it also says whether people sign in), or an error a person can act on.
async function checkHealth() {
  const response = await fetch("/health").catch(() => null);
  if (!response) throw new Error("Cannot reach the threadgraph server. Is it running?");
  const health = await response.json().catch(() => null);
  if (health?.auth) state.auth = health.auth;
  // With accounts, someone not signed in yet gets the status alone (no details).
  if (health && !health.neo4j && health.status !== "degraded") return;
  if (!health?.neo4j?.connected) {
    throw new ApiError(`Neo4j at ${health?.neo4j?.uri || "?"}: ${health?.neo4j?.error || response.status}`, 503, "database_down");
  }
  // "starting" (the models still loading) is no problem: a first reply just waits for them.
  if (health.models?.error) throw new Error(`A model could not be loaded: ${health.models.error}`);
}

// Accounts mode: the signed-in person, after the sign-in form if nobody is signed in.
// False when that could not be found out (the error is in the banner).
async function signIn() {
  if (state.auth !== "accounts") return true;
  let account = await guarded(currentAccount);
  if (account === undefined) return false;
  if (account === null) {
    document.body.dataset.ready = "sign-in";
    account = await askToSignIn();
  }
  showAccount(account);
  return true;
}

async function loadModels() {
  const list = await get("/api/models");
  state.models = list.models;
  state.defaultModel = list.default;
  state.maxReplyTokens = list.max_reply_tokens;
  const picker = $("model-picker");
  picker.replaceChildren(
    ...list.models.map((m) => el("option", { value: m.id }, m.local && !/offline/i.test(m.label) ? `${m.label} (offline)` : m.label)),
  );
  // The default may be an endpoint model the endpoint no longer offers (it is down):
  // then the first model offered (the offline one) is picked rather than nothing.
  if (list.models.some((m) => m.id === list.default)) picker.value = list.default;
  const note = $("model-note");
  note.textContent = list.endpoint_error ? `Model endpoint unreachable: ${list.endpoint_error}` : "";
  note.classList.toggle("problem", Boolean(list.endpoint_error));
  if (!list.models.length) showError("No chat model is available: set OPENAI_BASE_URL or enable the local model.");
}

async function route() {
  const match = location.hash.match(/^#\/chat\/([^/]+)(?:\/([^/]+))?$/);
  if (!match) {
    if (state.chat) closeChat();
    markCurrent();
    showExportThisChat();
    return;
  }
  const [chatId, focusId] = [decodeURIComponent(match[1]), match[2] && decodeURIComponent(match[2])];
  if (state.chat && state.chat.id === chatId && !focusId) return;
  // Leaving a chat stops reading its reply, not writing it: the server finishes it.
  if (state.streaming && state.chat && state.chat.id !== chatId) state.streaming.controller.abort();
  await actions.openChat(chatId, focusId);
}

function wireKeys() {
  const input = $("composer-input");
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      guarded(send);
    }
  });
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(send);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || document.querySelector("dialog[open]")) return;
    if (document.body.classList.contains("sidebar-open")) setSidebar(false);
    else if (state.streaming) stopReply();
    else if (!$("panel").hidden) closePanel();
  });
}

function wireButtons() {
  $("stop").addEventListener("click", stopReply);
  $("preview-context").addEventListener("click", () => guarded(showContextPreview));
  $("rename-chat").addEventListener("click", startRename);
  $("delete-chat").addEventListener("click", () => guarded(deleteChat));
  $("open-graph").addEventListener("click", () => guarded(() => openGraph("chat")));
  $("open-transfer").addEventListener("click", openTransfer);
  $("open-keys").addEventListener("click", () => guarded(openKeys));
  $("open-people").addEventListener("click", () => guarded(openPeople));
  $("panel-close").addEventListener("click", closePanel);
  $("banner-close").addEventListener("click", clearError);
  $("open-sidebar").addEventListener("click", () => setSidebar(!document.body.classList.contains("sidebar-open")));
  $("sidebar-backdrop").addEventListener("click", () => setSidebar(false));
  // Picking a chat, a search hit or New chat in the drawer closes it.
  $("sidebar").addEventListener("click", (event) => {
    if (event.target.closest("a[href^='#/chat/'], #new-chat")) setSidebar(false);
  });
}

async function start() {
  initSidebar();
  wireKeys();
  wireButtons();
  wireAccount();
  closeChat();
  await guarded(checkHealth);
  if (!(await signIn())) {
    document.body.dataset.ready = "true";
    return;
  }
  window.addEventListener("hashchange", () => guarded(route));
  await Promise.all([guarded(loadModels), guarded(() => loadChats(true))]);
  await guarded(route);
  document.body.dataset.ready = "true";
}

start();
