// The open chat: its active branch, streaming replies, and the branch tools (edit,
// regenerate, < n/m > between siblings, fork, delete a branch).
import { del, get, patch, post } from "./api.js";
import { setMarkdown } from "./markdown.js";
import { streamEvents } from "./sse.js";
import { $, clearError, confirmAction, copyButton, el, guarded, showError, when } from "./ui.js";
import { actions, isLocalModel, selectedModel, state } from "./state.js";
import { showProvenance } from "./why.js";

const enc = encodeURIComponent;

export async function openChat(chatId, focusId) {
  const [detail, tree] = await Promise.all([
    get(`/api/chats/${enc(chatId)}`),
    get(`/api/chats/${enc(chatId)}/tree`),
  ]);
  if (focusId && !detail.messages.some((m) => m.id === focusId) && tree.messages.some((m) => m.id === focusId)) {
    // The message is on another branch of this chat: show that branch.
    await patch(`/api/chats/${enc(chatId)}`, { head_id: focusId });
    return openChat(chatId, focusId);
  }
  state.chat = detail.chat;
  state.messages = detail.messages;
  state.tree = tree.messages;
  if (state.chat.model && state.models.some((m) => m.id === state.chat.model)) {
    $("model-picker").value = state.chat.model;
  }
  render();
  const focus = focusId && document.getElementById(`m-${focusId}`);
  if (focus) {
    focus.scrollIntoView({ block: "center" });
    focus.classList.add("focused");
    focus.focus();
  }
  const last = state.messages[state.messages.length - 1];
  if (last && last.status === "streaming" && !state.streaming) reattach(last);
}

export function closeChat() {
  state.chat = null;
  state.messages = [];
  state.tree = [];
  render();
}

export function render() {
  const open = Boolean(state.chat);
  $("chat-title").textContent = open ? state.chat.title : "No chat open";
  document.title = open ? `${state.chat.title} · threadgraph` : "threadgraph";
  $("rename-chat").hidden = !open;
  $("delete-chat").hidden = !open;
  const list = $("messages");
  if (!open) {
    list.replaceChildren(el("p", { class: "empty" }, "Start a new chat, or pick one of your chats."));
    return;
  }
  if (!state.messages.length) {
    list.replaceChildren(el("p", { class: "empty" }, "No messages yet. Write one below."));
    return;
  }
  list.replaceChildren(...state.messages.map(messageView));
  list.scrollTop = list.scrollHeight;
}

function messageView(message) {
  const mine = message.chat_id === state.chat.id;
  const article = el("article", {
    class: `msg ${message.role} status-${message.status}`,
    id: `m-${message.id}`,
    tabindex: "-1",
    dataset: { id: message.id, role: message.role, status: message.status },
    "aria-label": message.role === "user" ? "Your message" : "Reply",
  });
  const body = el("div", { class: "body markdown" });
  setMarkdown(body, message.content);
  article.append(header(message, mine), body);
  if (message.status === "failed") {
    article.append(el("p", { class: "problem" }, `The model failed: ${message.error || "no reason given"}`));
  } else if (message.status === "incomplete") {
    article.append(el("p", { class: "problem" }, "This reply is incomplete: it was stopped or cut off."));
  } else if (message.role === "assistant" && state.maxReplyTokens && message.tokens >= state.maxReplyTokens) {
    article.append(
      el("p", { class: "note-capped" }, `This reply reached the length limit (${state.maxReplyTokens} tokens), so it may stop mid-way. Regenerate it, or ask it to go on.`),
    );
  }
  article.append(tools(message, mine));
  return article;
}

function header(message, mine) {
  const parts = [el("span", { class: "who" }, message.role === "user" ? "You" : "Assistant")];
  if (message.role === "assistant" && message.model) {
    parts.push(el("span", { class: "model-name" }, message.model));
    if (isLocalModel(message.model)) {
      parts.push(el("span", { class: "badge offline", title: "Answered by the local offline model" }, "offline model"));
    }
  }
  if (message.status === "streaming") parts.push(el("span", { class: "badge live" }, "writing…"));
  if (!mine) parts.push(el("span", { class: "badge", title: "Shared history this fork continues" }, "from the original chat"));
  parts.push(el("time", { datetime: message.created_at }, when(message.created_at)));
  if (mine) parts.push(siblingNav(message));
  if (message.status !== "streaming") parts.push(copyButton(message.content, "Copy"));
  return el("header", {}, parts);
}

function siblingNav(message) {
  const siblings = state.tree
    .filter((m) => m.parent_id === message.parent_id)
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
  if (siblings.length < 2) return null;
  const at = siblings.findIndex((m) => m.id === message.id);
  const go = (step) => () => guarded(() => switchTo(siblings[at + step].id));
  return el(
    "span",
    { class: "siblings", role: "group", "aria-label": "Versions" },
    el("button", { type: "button", class: "prev", "aria-label": "Previous version", disabled: at <= 0, onclick: go(-1) }, "<"),
    el("span", { class: "position" }, `${at + 1}/${siblings.length}`),
    el("button", { type: "button", class: "next", "aria-label": "Next version", disabled: at >= siblings.length - 1, onclick: go(1) }, ">"),
  );
}

async function switchTo(messageId) {
  await patch(`/api/chats/${enc(state.chat.id)}`, { head_id: messageId });
  await openChat(state.chat.id);
}

function tools(message, mine) {
  const buttons = [];
  const busy = Boolean(state.streaming) || message.status === "streaming";
  const button = (label, cls, action) =>
    el("button", { type: "button", class: cls, disabled: busy, onclick: () => guarded(action) }, label);
  if (message.role === "user" && mine) buttons.push(button("Edit", "edit", () => startEdit(message)));
  if (message.role === "assistant") {
    const retry = message.status === "failed" || message.status === "incomplete";
    if (mine) buttons.push(button(retry ? "Retry" : "Regenerate", "regenerate", () => regenerate(message)));
    buttons.push(button("Why this reply", "why", () => showProvenance(message)));
  }
  buttons.push(button("Fork", "fork", () => fork(message)));
  if (mine) buttons.push(button("Delete branch", "prune", () => prune(message)));
  return el("footer", { class: "tools" }, buttons);
}

// -- streaming --------------------------------------------------------------------------

async function runStream(path, body, onStart) {
  if (state.streaming) return;
  const chatId = state.chat.id;
  state.streaming = { replyId: null, controller: new AbortController(), stopping: false };
  setBusy(true);
  clearError();
  let text = "";
  let frame = 0;
  const paint = () => {
    frame = 0;
    const node = document.querySelector(`#m-${CSS.escape(state.streaming?.replyId || "")} .body`);
    if (node) setMarkdown(node, text);
    $("messages").scrollTop = $("messages").scrollHeight;
  };
  try {
    await streamEvents(path, body, (kind, data) => {
      if (kind === "start") {
        onStart(data);
        state.streaming.replyId = data.reply.id;
        text = data.reply.content || "";
        render();
        if (state.streaming.stopping) stopReply();
      } else if (kind === "delta") {
        text += data.text;
        if (!frame) frame = requestAnimationFrame(paint);
      } else if (kind === "done" || kind === "error") {
        replaceMessage(data.reply);
        if (kind === "error") showError(`The model failed: ${data.message || "no reason given"}`);
      }
    }, state.streaming.controller.signal);
  } catch (error) {
    showError(error);
  } finally {
    cancelAnimationFrame(frame);
    const left = state.streaming.controller.signal.aborted; // another chat is being opened
    state.streaming = null;
    setBusy(false);
    if (!left && state.chat && state.chat.id === chatId) await guarded(() => openChat(chatId));
    actions.refreshChats();
    actions.refreshTopics();
    followTitle(chatId);
  }
}

// The title is written in the background after the first exchange (the model is asked
// for one): look for it a few times, and show it in the header and the list when it comes.
async function followTitle(chatId) {
  if (!state.chat || state.chat.id !== chatId || state.messages.length > 2) return; // first exchange only
  const before = state.chat.title;
  for (const wait of [500, 1000, 2000, 4000, 8000]) {
    await new Promise((resolve) => setTimeout(resolve, wait));
    if (!state.chat || state.chat.id !== chatId) return;
    const chat = await get(`/api/chats/${enc(chatId)}`).then((d) => d.chat, () => null);
    if (chat && chat.title !== before) {
      if (state.chat && state.chat.id === chatId) state.chat = { ...state.chat, title: chat.title };
      if (!document.querySelector(".chat-head input.rename")) render();
      await actions.refreshChats();
      return;
    }
  }
}

function reattach(reply) {
  runStream(`/api/messages/${enc(reply.id)}/stream`, undefined, () => {});
}

function replaceMessage(message) {
  state.messages = state.messages.map((m) => (m.id === message.id ? message : m));
  render();
}

function setBusy(busy) {
  $("stop").hidden = !busy;
  $("send").disabled = busy;
  document.body.classList.toggle("busy", busy);
  for (const button of document.querySelectorAll(".msg footer button")) button.disabled = busy;
}

export function stopReply() {
  const live = state.streaming;
  if (!live) return;
  live.stopping = true;
  if (live.replyId) {
    guarded(() => post(`/api/messages/${enc(live.replyId)}/stop`));
  }
}

export async function send() {
  const input = $("composer-input");
  const content = input.value;
  if (!content.trim() || state.streaming) return;
  if (state.opening) await state.opening.catch(() => {});
  if (!state.chat) {
    const chat = await post("/api/chats", { model: selectedModel() });
    await openChat(chat.id);
    location.hash = `#/chat/${enc(chat.id)}`;
  }
  input.value = "";
  let started = false;
  await runStream(`/api/chats/${enc(state.chat.id)}/messages`, { content, model: selectedModel() }, (data) => {
    started = true;
    state.messages = [...state.messages, data.prompt, data.reply];
  });
  if (!started && !input.value) input.value = content; // nothing was stored: keep the draft
}

function regenerate(reply) {
  return runStream(`/api/messages/${enc(reply.id)}/regenerate`, { model: selectedModel() }, (data) => {
    const at = state.messages.findIndex((m) => m.id === reply.id);
    state.messages = [...state.messages.slice(0, at), data.reply];
  });
}

function startEdit(prompt) {
  const article = document.getElementById(`m-${prompt.id}`);
  const box = el("textarea", { class: "edit-box", rows: "3", "aria-label": "Edit your message" });
  box.value = prompt.content;
  const save = () => {
    const content = box.value;
    if (!content.trim()) return;
    guarded(() =>
      runStream(`/api/messages/${enc(prompt.id)}/edit`, { content, model: selectedModel() }, (data) => {
        const at = state.messages.findIndex((m) => m.id === prompt.id);
        state.messages = [...state.messages.slice(0, at), data.prompt, data.reply];
      }),
    );
  };
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      save();
    } else if (event.key === "Escape") {
      event.stopPropagation();
      render();
    }
  });
  const form = el(
    "div",
    { class: "edit-form" },
    box,
    el(
      "div",
      { class: "edit-actions" },
      el("button", { type: "button", class: "cancel", onclick: () => render() }, "Cancel"),
      el("button", { type: "button", class: "primary save", onclick: save }, "Save and send"),
    ),
  );
  article.querySelector(".body").replaceWith(form);
  article.querySelector("footer").hidden = true;
  box.focus();
}

async function fork(message) {
  const detail = await post(`/api/messages/${enc(message.id)}/fork`, {});
  await actions.refreshChats();
  location.hash = `#/chat/${enc(detail.chat.id)}`;
}

async function prune(message) {
  const below = message.role === "user" ? "this message, its replies" : "this reply";
  if (!(await confirmAction(`Delete ${below} and everything below it?`, "Delete branch"))) return;
  await del(`/api/messages/${enc(message.id)}`);
  await openChat(state.chat.id);
}

// -- the chat itself ----------------------------------------------------------------------

export function startRename() {
  const title = $("chat-title");
  const input = el("input", { type: "text", class: "rename", "aria-label": "Chat title", maxlength: "200" });
  input.value = state.chat.title;
  let done = false;
  const finish = async (saveIt) => {
    if (done) return;
    done = true;
    const value = input.value.trim();
    if (saveIt && value && value !== state.chat.title) {
      state.chat = await patch(`/api/chats/${enc(state.chat.id)}`, { title: value });
      await actions.refreshChats();
    }
    input.remove();
    title.hidden = false;
    render();
  };
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") guarded(() => finish(true));
    if (event.key === "Escape") {
      event.stopPropagation();
      guarded(() => finish(false));
    }
  });
  input.addEventListener("blur", () => guarded(() => finish(true)));
  // The title stays in the page, hidden: a reply that ends meanwhile re-renders it.
  title.hidden = true;
  title.after(input);
  input.focus();
  input.select();
}

export async function deleteChat() {
  if (!(await confirmAction(`Delete the chat “${state.chat.title}”?`, "Delete chat"))) return;
  await del(`/api/chats/${enc(state.chat.id)}`);
  closeChat();
  location.hash = "";
  await actions.refreshChats();
}
