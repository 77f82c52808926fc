"""Migrations: numbered, recorded, idempotent; the indexes the queries need exist."""

from __future__ import annotations

from neo4j import Driver

from tests.graph_helpers import rows
from threadgraph.config import Settings
from threadgraph.store import Neo4jStore
from threadgraph.store.migrations import load_migrations, split_statements


def test_schema_version_is_the_latest_migration(store: Neo4jStore, settings: Settings) -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert store.schema_version() == migrations[-1].version


def test_migrate_again_applies_nothing_new(
    store: Neo4jStore, driver: Driver, settings: Settings
) -> None:
    before = rows(
        driver,
        settings.neo4j_database,
        "MATCH (m:SchemaMigration) RETURN m.version AS v, m.applied_at AS at ORDER BY v",
    )
    latest = len(load_migrations())
    assert store.migrate() == latest
    after = rows(
        driver,
        settings.neo4j_database,
        "MATCH (m:SchemaMigration) RETURN m.version AS v, m.applied_at AS at ORDER BY v",
    )
    assert after == before
    assert [r["v"] for r in after] == list(range(1, latest + 1))


def test_constraints_and_indexes_exist_and_are_online(driver: Driver, settings: Settings) -> None:
    constraints = rows(
        driver, settings.neo4j_database, "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type"
    )
    unique = {
        (c["labelsOrTypes"][0], c["properties"][0]) for c in constraints if "UNIQUE" in c["type"]
    }
    assert {("User", "id"), ("Chat", "id"), ("Message", "id"), ("Topic", "id")} <= unique

    indexes = {
        r["name"]: r
        for r in rows(
            driver,
            settings.neo4j_database,
            "SHOW INDEXES YIELD name, type, state, options RETURN name, type, state, options",
        )
    }
    vector = indexes["message_embedding"]
    assert vector["type"] == "VECTOR"
    assert vector["state"] == "ONLINE"
    assert vector["options"]["indexConfig"]["vector.dimensions"] == 384
    assert vector["options"]["indexConfig"]["vector.similarity_function"].lower() == "cosine"
    # Full floats: the default one-bit quantisation lost most true neighbours (0006).
    assert vector["options"]["indexConfig"]["vector.quantization.type"] == "NONE"
    assert vector["options"]["indexConfig"]["vector.default_search_expansion_factor"] == 4.0
    assert indexes["topic_embedding"]["options"]["indexConfig"]["vector.quantization.type"] == (
        "NONE"
    )
    assert indexes["message_content"]["type"] == "FULLTEXT"
    assert indexes["message_content"]["state"] == "ONLINE"


def test_vector_index_filters_by_user_inside_the_index_query(
    driver: Driver, settings: Settings
) -> None:
    """The reason for Neo4j 2026.x: SEARCH ... WHERE m.user_id = $u runs in the index."""
    db = settings.neo4j_database
    vec_a = [1.0] + [0.0] * 383
    vec_b = [0.99, 0.01] + [0.0] * 382
    rows(
        driver,
        db,
        "CREATE (:Message {id: randomUUID(), user_id: 'vec-a', embedding: $a}),"
        " (:Message {id: randomUUID(), user_id: 'vec-b', embedding: $b})",
        a=vec_a,
        b=vec_b,
    )
    rows(driver, db, "CALL db.awaitIndexes(60)")
    found = rows(
        driver,
        db,
        "CYPHER 25 MATCH (m:Message) SEARCH m IN (VECTOR INDEX message_embedding FOR $q"
        " WHERE m.user_id = $u LIMIT 5) SCORE AS s RETURN m.user_id AS user, s",
        q=vec_a,
        u="vec-b",
    )
    assert found
    assert {r["user"] for r in found} == {"vec-b"}
    rows(driver, db, "MATCH (m:Message) WHERE m.user_id IN ['vec-a', 'vec-b'] DELETE m")


def test_split_statements_drops_comments_and_splits_on_semicolons() -> None:
    source = "// a comment; with a semicolon\nCREATE A;\n\nCREATE B\n  ON C;\n"
    assert split_statements(source) == ["CREATE A", "CREATE B\n  ON C"]
