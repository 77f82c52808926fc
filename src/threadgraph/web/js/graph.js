// The graph view: the open chat's tree with its topics, or the whole history per chat
// (GET /api/graph), drawn with cytoscape. Click a message or a chat to open it.
import { get } from "./api.js";
import { el, guarded, openPanel, showError } from "./ui.js";
import { state } from "./state.js";

const enc = encodeURIComponent;
let cy = null;

const STYLE = [
  { selector: "node", style: { label: "data(label)", "font-size": 9, "text-wrap": "ellipsis", "text-max-width": 120, color: "#222", "background-color": "#999", width: 14, height: 14 } },
  { selector: "node[kind = 'message'][role = 'user']", style: { "background-color": "#2f6fb3" } },
  { selector: "node[kind = 'message'][role = 'assistant']", style: { "background-color": "#3a9a5b" } },
  { selector: "node[status = 'failed'], node[status = 'incomplete']", style: { "border-width": 2, "border-color": "#c0392b" } },
  { selector: "node[kind = 'chat']", style: { shape: "round-rectangle", "background-color": "#7d5ba6", width: 22, height: 16 } },
  { selector: "node[kind = 'topic']", style: { shape: "diamond", "background-color": "#e0a030" } },
  { selector: "edge", style: { width: 1, "line-color": "#bbb", "curve-style": "bezier", "target-arrow-shape": "triangle", "target-arrow-color": "#bbb", "arrow-scale": 0.6 } },
  { selector: "edge[kind = 'about']", style: { "line-style": "dotted", "target-arrow-shape": "none", "line-color": "#e0a030" } },
  { selector: "edge[kind = 'forked_from']", style: { "line-color": "#7d5ba6", "target-arrow-color": "#7d5ba6", width: 2 } },
  { selector: "edge[kind = 'memory'], edge[kind = 'used_context']", style: { "line-color": "#d35400", "target-arrow-color": "#d35400", "line-style": "dashed" } },
  { selector: "edge[kind = 'head']", style: { "line-color": "#7d5ba6", "line-style": "dashed" } },
];

export async function openGraph(scope) {
  const wanted = scope === "chat" && !state.chat ? "all" : scope;
  const caption = el("p", { class: "graph-caption", role: "status" }, "Loading the graph…");
  const canvas = el("div", { id: "graph-canvas", class: "graph-canvas", "aria-label": "Graph drawing: scroll to zoom, drag to pan, click a message or chat to open it" });
  const tab = (value, label) =>
    el("button", { type: "button", class: `tab${wanted === value ? " current" : ""}`, "aria-pressed": String(wanted === value), disabled: value === "chat" && !state.chat, onclick: () => guarded(() => openGraph(value)) }, label);
  const legend = el("p", { class: "legend muted" }, "Blue: your messages · green: replies · purple: chats and forks · orange diamonds: topics · dashed orange: memory links");
  openPanel("Graph", el("div", { class: "tabs" }, tab("chat", "This chat"), tab("all", "Everything")), canvas, caption, legend);
  try {
    const path = wanted === "chat" ? `/api/graph?scope=chat&id=${enc(state.chat.id)}` : "/api/graph?scope=all";
    const graph = await get(path);
    await draw(canvas, graph);
    caption.textContent = `${graph.nodes.length} nodes · ${graph.edges.length} edges`;
    canvas.dataset.nodes = String(graph.nodes.length);
    canvas.dataset.edges = String(graph.edges.length);
  } catch (error) {
    caption.textContent = "The graph could not be loaded.";
    showError(error);
  }
}

async function draw(canvas, graph) {
  const { default: cytoscape } = await import("/static/vendor/cytoscape.esm.min.js");
  if (cy) cy.destroy();
  cy = cytoscape({
    container: canvas,
    elements: [
      ...graph.nodes.map((data) => ({ group: "nodes", data })),
      ...graph.edges.map((data) => ({ group: "edges", data })),
    ],
    style: STYLE,
    layout: graph.scope === "chat" ? { name: "breadthfirst", directed: false, roots: roots(graph), spacingFactor: 0.9 } : { name: "cose", animate: false },
    wheelSensitivity: 0.3,
  });
  window.threadgraphGraph = cy; // for people poking at it in the console, and for tests
  canvas.dataset.drawn = String(cy.nodes().length);
  cy.on("tap", "node", (event) => {
    const data = event.target.data();
    if (data.kind === "message" && data.chat_id) location.hash = `#/chat/${enc(data.chat_id)}/${enc(data.id)}`;
    else if (data.kind === "chat") location.hash = `#/chat/${enc(data.id)}`;
  });
}

// Root messages first, so the tree reads top-down (FOLLOWS points child -> parent).
function roots(graph) {
  const children = new Set(graph.edges.filter((e) => e.kind === "follows").map((e) => e.source));
  return graph.nodes.filter((n) => n.kind === "message" && !children.has(n.id)).map((n) => `#${CSS.escape(n.id)}`);
}
