"""Export a chat or a person's whole history as a graph file, built with networkx.

Scopes: one chat (with the history a fork continues), one topic's neighbourhood (the
topic, its messages and their chats), or a person's whole history.
Formats: GraphML and GEXF (Gephi, Cytoscape, yEd), node-link JSON (d3, the web app, and
threadgraph's own import), and a Cypher script that recreates the part in an empty
Neo4j. Node keys are the application ids; labels and relationship types are kept as the
``label`` / ``type`` attributes (in GEXF, whose edge ``type`` is reserved for
directed/undirected/mutual, the relationship type is ``relationship``). Embeddings are
left out unless asked for. Text comes back exactly, carriage returns included; the
Cypher script writes times as Neo4j datetimes.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime
from typing import Any

import networkx as nx

from threadgraph.errors import InvalidInput
from threadgraph.store import Neo4jStore

FORMATS = ("graphml", "gexf", "json", "cypher")
SCOPES = ("chat", "topic", "all")
MEDIA_TYPES = {
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "json": "application/json",
    "cypher": "text/plain; charset=utf-8",
}
LABELS = ("User", "Chat", "Message", "Topic")  # the only labels an export may create
TYPES = ("BELONGS_TO", "FOLLOWS", "HEAD", "FORKED_FROM", "USED_CONTEXT")


class Exporter:
    def __init__(self, store: Neo4jStore) -> None:
        self.store = store

    def graph(
        self, user_id: str, scope: str, scope_id: str | None, embeddings: bool = False
    ) -> nx.MultiDiGraph[str]:
        if scope not in SCOPES:
            raise InvalidInput(f"scope must be one of {', '.join(SCOPES)}")
        if scope != "all" and not scope_id:
            raise InvalidInput(f"scope={scope} needs the {scope}'s id")
        nodes, edges = self.store.export_subgraph(user_id, scope, scope_id, embeddings)
        graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        # Which properties were Neo4j times (ISO text in the graph): the Cypher script
        # writes them back as datetimes.
        temporal: set[str] = set()
        graph.graph["temporal"] = temporal
        for node in nodes:
            items = node["properties"].items()
            temporal.update(k for k, v in items if hasattr(v, "to_native"))
            props = {k: _plain(v) for k, v in items if v is not None}
            graph.add_node(node["id"], label=node["label"], **props)
        for edge in edges:
            props = {k: _plain(v) for k, v in edge["properties"].items()}
            graph.add_edge(
                edge["source"], edge["target"], key=edge["type"], type=edge["type"], **props
            )
        return graph

    def render(self, graph: nx.MultiDiGraph[str], fmt: str) -> str:
        if fmt == "json":
            data = nx.node_link_data(graph, edges="edges")
            data["graph"] = {k: v for k, v in data["graph"].items() if k != "temporal"}
            return json.dumps(data, ensure_ascii=False, indent=1)
        if fmt == "graphml":
            return _xml(nx.write_graphml, _flat(graph))
        if fmt == "gexf":
            return _xml(nx.write_gexf, _flat(graph, edge_type="relationship"))
        if fmt == "cypher":
            return cypher_script(graph)
        raise InvalidInput(f"format must be one of {', '.join(FORMATS)}")


def _plain(value: Any) -> Any:
    """Neo4j temporal values become ISO strings; everything else stays as it is."""
    if hasattr(value, "to_native"):
        value = value.to_native()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _flat(graph: nx.MultiDiGraph[str], edge_type: str = "type") -> nx.MultiDiGraph[str]:
    """GraphML and GEXF take scalar attributes only: lists (embeddings) become JSON text,
    and missing values are left out. ``edge_type`` names the relationship type's attribute."""
    flat: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **_scalars(data))
    for source, target, key, data in graph.edges(keys=True, data=True):
        attributes = _scalars(data)
        attributes[edge_type] = attributes.pop("type")
        flat.add_edge(source, target, key=key, **attributes)
    return flat


def _xml(write: Any, graph: nx.MultiDiGraph[str]) -> str:
    """The whole document as networkx writes it (its line-by-line generators split text at
    carriage returns). XML readers turn a raw CR into LF, so each is written as a
    character reference: a message's ``a\r\nb`` comes back as it was. networkx writes no
    CR of its own, so every CR in the output is one of the graph's."""
    buffer = io.BytesIO()
    write(graph, buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8").replace("\r", "&#13;")


# Characters XML 1.0 cannot hold at all, even escaped (NUL, most C0 controls such as the
# ESC of pasted terminal colours, lone surrogates, U+FFFE/U+FFFF). One of them in a message
# would make the whole GraphML or GEXF file unreadable, so each becomes U+FFFD.
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _scalars(data: dict[str, Any]) -> dict[str, Any]:
    return {
        k: _xml_text(json.dumps(v) if isinstance(v, list | dict) else v)
        for k, v in data.items()
        if v is not None
    }


def _xml_text(value: Any) -> Any:
    return NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value


def cypher_script(graph: nx.MultiDiGraph[str]) -> str:
    """Statements that recreate the graph in an empty Neo4j. Values are written as Cypher
    literals (escaped); labels and types come only from the fixed lists above."""
    lines = [
        "// threadgraph export: run in an empty database (Neo4j Browser or cypher-shell).",
        "CREATE CONSTRAINT IF NOT EXISTS FOR (n:User) REQUIRE n.id IS UNIQUE;",
        "CREATE CONSTRAINT IF NOT EXISTS FOR (n:Chat) REQUIRE n.id IS UNIQUE;",
        "CREATE CONSTRAINT IF NOT EXISTS FOR (n:Message) REQUIRE n.id IS UNIQUE;",
        "CREATE CONSTRAINT IF NOT EXISTS FOR (n:Topic) REQUIRE n.id IS UNIQUE;",
    ]
    temporal = graph.graph.get("temporal", set())
    for node, data in graph.nodes(data=True):
        label = data.get("label")
        if label not in LABELS:
            continue
        props = {
            k: _Time(v) if k in temporal and isinstance(v, str) else v
            for k, v in data.items()
            if k != "label" and v is not None
        }
        props["id"] = node
        lines.append(f"CREATE (:{label} {_literal(props)});")
    for source, target, data in graph.edges(data=True):
        rel = data.get("type")
        if rel not in TYPES:
            continue
        props = {k: v for k, v in data.items() if k != "type" and v is not None}
        lines.append(
            f"MATCH (a {{id: {_literal(source)}}}), (b {{id: {_literal(target)}}}) "
            f"CREATE (a)-[:{rel} {_literal(props)}]->(b);"
        )
    return "\n".join(lines) + "\n"


class _Time(str):
    """An ISO time that the Cypher script writes as a Neo4j datetime."""


def _literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, _Time):
        return f"datetime({_literal(str(value))})"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
        return "'" + escaped.replace("\r", "\\r").replace("\t", "\\t") + "'"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"`{k.replace('`', '')}`: {_literal(v)}" for k, v in value.items())
            + "}"
        )
    return _literal(str(value))
