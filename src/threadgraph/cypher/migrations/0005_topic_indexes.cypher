// Topics are per person (user_id) and found again by meaning when a near-duplicate name
// comes up ("neo4j" and "Neo4j graph database"): a vector index filtered by user.
// One topic per person and normalised name: extraction MERGEs on this pair.
CREATE CONSTRAINT topic_user_normalized IF NOT EXISTS
FOR (t:Topic) REQUIRE (t.user_id, t.normalized) IS UNIQUE;
CYPHER 25
CREATE VECTOR INDEX topic_embedding IF NOT EXISTS
FOR (t:Topic) ON t.embedding
WITH [t.user_id]
OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine'}};
