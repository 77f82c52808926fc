"""threadgraph: a conversation knowledge store kept as a graph in Neo4j."""

__version__ = "0.1.0"
