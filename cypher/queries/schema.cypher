// Bookkeeping for the numbered migrations in cypher/migrations/.

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
