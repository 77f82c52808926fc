// The schema (store/schema.py): bookkeeping for the numbered migrations in
// cypher/migrations/, and what the indexes are.

// name: ensure_migration_constraint
CREATE CONSTRAINT schema_migration_version IF NOT EXISTS
FOR (m:SchemaMigration) REQUIRE m.version IS UNIQUE

// name: applied_migrations
MATCH (m:SchemaMigration)
RETURN m.version AS version, m.name AS name, m.applied_at AS applied_at
ORDER BY version

// name: record_migration
MERGE (m:SchemaMigration {version: $version})
ON CREATE SET m.name = $name, m.applied_at = $now

// name: await_indexes
CALL db.awaitIndexes($timeout_seconds)

// name: vector_index_dimension
SHOW VECTOR INDEXES YIELD name, options
WHERE name = 'message_embedding'
RETURN options.indexConfig.`vector.dimensions` AS dimension
