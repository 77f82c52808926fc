// Small DOM helpers shared by the views. Text always goes in as text nodes, never as HTML.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const $ = (id) => document.getElementById(id);

// What a person can do about a database that does not answer; the driver's own words
// (addresses, retries) are kept folded under "Details".
const DATABASE_DOWN =
  "Can't reach the database (Neo4j). If you run it yourself, start it with " +
  "`threadgraph neo4j start` (scripts/run does), or check NEO4J_URI; then reload the page.";

export function showError(error) {
  if (error && error.name === "AbortError") return;
  const text = error && error.message ? error.message : String(error);
  const databaseDown =
    error && (error.code === "database_down" || (error.code === "unavailable" && /neo4j|database/i.test(text)));
  $("banner-text").textContent = databaseDown ? DATABASE_DOWN : text;
  $("banner-raw").textContent = databaseDown ? text : "";
  $("banner-details").hidden = !databaseDown;
  $("banner").hidden = false;
  console.warn("threadgraph:", text);
}

export function clearError() {
  $("banner").hidden = true;
  $("banner-text").textContent = "";
  $("banner-raw").textContent = "";
  $("banner-details").hidden = true;
}

// A modal confirmation (a <dialog>, so Esc cancels and focus stays inside it).
export function confirmAction(text, okLabel = "Delete") {
  const dialog = $("confirm");
  $("confirm-text").textContent = text;
  $("confirm-ok").textContent = okLabel;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
  });
}

// Runs an async action, showing its error in the banner instead of failing silently.
export async function guarded(action) {
  try {
    return await action();
  } catch (error) {
    showError(error);
    return undefined;
  }
}

export function when(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleString();
}

// The side panel (provenance, context preview, graph, import and export).
export function openPanel(title, ...content) {
  $("panel-title").textContent = title;
  $("panel-body").replaceChildren(...content);
  $("panel").hidden = false;
  $("panel").dataset.view = title;
  document.body.classList.add("with-panel");
}

export function closePanel() {
  $("panel").hidden = true;
  $("panel-body").replaceChildren();
  document.body.classList.remove("with-panel");
}

// A button that copies text to the clipboard and says so for a moment.
export function copyButton(text, label = "Copy") {
  const button = el("button", { type: "button", class: "copy", "aria-label": `${label} to the clipboard` }, label);
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(typeof text === "function" ? text() : text);
      button.textContent = "Copied";
    } catch {
      button.textContent = "Copy failed";
    }
    setTimeout(() => (button.textContent = label), 1500);
  });
  return button;
}

// The chat list as a drawer on narrow screens (a no-op look on wide ones).
export function setSidebar(open) {
  document.body.classList.toggle("sidebar-open", open);
  $("open-sidebar").setAttribute("aria-expanded", String(open));
  if (open) $("search-input").focus();
}
