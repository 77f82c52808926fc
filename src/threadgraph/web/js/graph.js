// The graph view: the open chat's tree with its topics, or the whole history per chat
// (GET /api/graph), drawn with cytoscape. Click a message or a chat to open it.
import { get } from "./api.js";
import { el, guarded, openPanel, showError } from "./ui.js";
import { state } from "./state.js";

const enc = encodeURIComponent;
let cy = null;

const STYLE = [
  { selector: "node", style: { label: "data(label)", "font-size": 9, "text-wrap": "ellipsis", "text-max-width": 100, color: "#222", "background-color": "#999", width: 14, height: 14 } },
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
  const listing = el("details", { class: "graph-list" }, el("summary", {}, "The same, as a list"));
  openPanel("Graph", el("div", { class: "tabs" }, tab("chat", "This chat"), tab("all", "Everything")), canvas, caption, legend, listing);
  try {
    const path = wanted === "chat" ? `/api/graph?scope=chat&id=${enc(state.chat.id)}` : "/api/graph?scope=all";
    const graph = await get(path);
    await draw(canvas, graph);
    caption.textContent = `${graph.nodes.length} nodes · ${graph.edges.length} edges`;
    canvas.dataset.nodes = String(graph.nodes.length);
    canvas.dataset.edges = String(graph.edges.length);
    listing.append(nodeList(graph));
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
    layout: graph.scope === "chat"
      ? { name: "preset", positions: treePositions(graph), padding: 20 }
      : { name: "cose", animate: false, padding: 30, nodeDimensionsIncludeLabels: true, nodeRepulsion: () => 40000, idealEdgeLength: () => 60 },
    maxZoom: 2,
    wheelSensitivity: 0.3,
  });
  // "Everything": many messages, so only chats and topics are named (a message's text
  // shows when hovered); the drawing stays readable instead of a heap of labels.
  if (graph.scope !== "chat") cy.nodes("[kind = 'message']").style("label", "");
  cy.on("mouseover", "node[kind = 'message']", (event) => event.target.style("label", event.target.data("label")));
  cy.on("mouseout", "node[kind = 'message']", (event) => graph.scope !== "chat" && event.target.style("label", ""));
  // Labels keep a readable size on screen whatever the zoom (a fitted tree is small).
  const readable = () => cy.style().selector("node").style("font-size", Math.min(14, 11 / cy.zoom())).update();
  readable();
  cy.on("zoom", readable);
  window.threadgraphGraph = cy; // for people poking at it in the console, and for tests
  canvas.dataset.drawn = String(cy.nodes().length);
  cy.on("tap", "node", (event) => {
    const data = event.target.data();
    if (data.kind === "message" && data.chat_id) location.hash = `#/chat/${enc(data.chat_id)}/${enc(data.id)}`;
    else if (data.kind === "chat") location.hash = `#/chat/${enc(data.id)}`;
  });
}

// The drawing is for the mouse; the same nodes as links are for the keyboard and
// screen readers.
function nodeList(graph) {
  const href = (n) =>
    n.kind === "message" ? `#/chat/${enc(n.chat_id)}/${enc(n.id)}` : n.kind === "chat" ? `#/chat/${enc(n.id)}` : null;
  return el(
    "ul",
    {},
    graph.nodes.map((n) => {
      const target = href(n);
      return el("li", { class: `kind-${n.kind}` }, `${n.kind}: `, target ? el("a", { href: target }, n.label) : n.label);
    }),
  );
}

// A top-down tree (cytoscape's own layouts put a chat's few branches on one line): each
// message one row below its parent, leaves side by side, a parent above the middle of its
// children; the chat node above the roots, topics in a column to the right.
function treePositions(graph) {
  const children = new Map();
  const hasParent = new Set();
  for (const edge of graph.edges) {
    if (edge.kind !== "follows") continue;
    hasParent.add(edge.source);
    if (!children.has(edge.target)) children.set(edge.target, []);
    children.get(edge.target).push(edge.source);
  }
  const messages = graph.nodes.filter((n) => n.kind === "message");
  const roots = messages.filter((n) => !hasParent.has(n.id)).map((n) => n.id);
  const at = {};
  let slot = 0;
  const place = (id, depth) => {
    const below = children.get(id) || [];
    below.forEach((child) => place(child, depth + 1));
    const x = below.length ? below.reduce((sum, c) => sum + at[c].x, 0) / below.length : slot++ * 110;
    at[id] = { x, y: depth * 70 };
  };
  roots.forEach((id) => place(id, 1));
  const width = Math.max(slot - 1, 0) * 110;
  graph.nodes.filter((n) => n.kind === "topic").forEach((n, i) => (at[n.id] = { x: width + 220, y: 40 + i * 45 }));
  graph.nodes.filter((n) => n.kind === "chat").forEach((n, i) => (at[n.id] = { x: width / 2 + i * 110, y: 0 }));
  return (node) => at[node.id()] || { x: 0, y: 0 };
}
