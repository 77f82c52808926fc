"""The store: the only code that talks to Neo4j."""

from threadgraph.store.neo4j_store import Neo4jStore

__all__ = ["Neo4jStore"]
