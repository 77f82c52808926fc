// The person's API keys (accounts mode), in the side panel: each key's name, prefix,
// dates and state; make one (shown once, with a copy button); revoke one.
// Web sign-ins are keys too ("web sign-in"): revoking one signs that browser out.
import { del, get, post } from "./api.js";
import { confirmAction, copyButton, el, guarded, openPanel, when } from "./ui.js";

const EXPIRY_DAYS = [
  ["", "Never"],
  ["7", "In 7 days"],
  ["30", "In 30 days"],
  ["90", "In 90 days"],
  ["365", "In a year"],
];

export async function openKeys() {
  const name = el("input", { id: "key-name", maxlength: "100", required: true, autocomplete: "off", placeholder: "e.g. laptop script" });
  const expiry = el("select", { id: "key-expiry" }, EXPIRY_DAYS.map(([days, label]) => el("option", { value: days }, label)));
  const form = el(
    "form",
    { id: "key-form", class: "panel-form" },
    el("label", {}, "Name", name),
    el("label", {}, "Expires", expiry),
    el("button", { type: "submit", class: "primary" }, "Create key"),
  );
  const created = el("div", { id: "new-key", role: "status" });
  const list = el("div", { id: "key-list" });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(async () => {
      const days = expiry.value ? Number(expiry.value) : null;
      const made = await post("/api/account/keys", { name: name.value, expires_in_days: days });
      form.reset();
      created.replaceChildren(shownOnce(made));
      await showKeys(list);
    });
  });
  openPanel(
    "API keys",
    el("p", { class: "muted" }, "A key lets a program use threadgraph as you: send it as Authorization: Bearer <key>. Each web sign-in is listed too: revoking one signs that browser out."),
    form,
    created,
    el("h3", {}, "Your keys"),
    list,
  );
  await showKeys(list);
}

// The secret, this once: the server keeps only its hash.
function shownOnce(made) {
  return el(
    "div",
    { class: "shown-once" },
    el("strong", {}, `Key “${made.key.name}” made. Copy it now: it will not be shown again.`),
    el("code", { id: "new-key-secret" }, made.secret),
    copyButton(made.secret, "Copy key"),
  );
}

async function showKeys(list) {
  const keys = await get("/api/account/keys");
  // Live keys first, newest first within each group.
  keys.sort((a, b) => Boolean(a.revoked_at) - Boolean(b.revoked_at) || b.created_at.localeCompare(a.created_at));
  if (!keys.length) {
    list.replaceChildren(el("p", { class: "muted" }, "No keys yet."));
    return;
  }
  list.replaceChildren(el("ul", { class: "item-list" }, keys.map((key) => keyItem(key, list))));
}

function keyItem(key, list) {
  const expired = key.expires_at && new Date(key.expires_at) <= new Date();
  const revoke = async () => {
    const sure = await confirmAction(`Revoke the key “${key.name}”? Anything using it stops working.`, "Revoke");
    if (!sure) return;
    await del(`/api/account/keys/${encodeURIComponent(key.id)}`);
    await showKeys(list);
  };
  let status;
  if (key.revoked_at) status = el("span", { class: "muted" }, `Revoked ${when(key.revoked_at)}`);
  else if (expired) status = el("span", { class: "muted" }, "Expired");
  else status = el("button", { type: "button", class: "revoke", onclick: () => guarded(revoke) }, "Revoke");
  const dated = (label, iso, cls) => el("span", { class: cls, title: iso ? when(iso) : undefined }, `${label} ${iso ? day(iso) : "never"}`);
  return el(
    "li",
    { class: key.revoked_at || expired ? "revoked" : "", dataset: { keyId: key.id } },
    el("div", { class: "item-head" }, el("strong", { class: "key-name" }, key.name), el("span", { class: "key-state" }, status)),
    el(
      "div",
      { class: "item-meta" },
      el("code", { class: "key-prefix" }, `tgk_${key.prefix}_…`),
      dated("created", key.created_at, "key-created"),
      dated("last used", key.last_used_at, "key-used"),
      dated("expires", key.expires_at, "key-expires"),
    ),
  );
}

// The day alone (the time is in the tooltip): the panel is narrow.
function day(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleDateString();
}
