// Semantic memory and search. all-MiniLM-L6-v2 gives 384 dimensions. `WITH [m.user_id]`
// stores the user id beside each vector so that `SEARCH ... WHERE m.user_id = $user_id`
// filters inside the index query (Cypher 25, Neo4j 2026.x) instead of after it.
CYPHER 25
CREATE VECTOR INDEX message_embedding IF NOT EXISTS
FOR (m:Message) ON m.embedding
WITH [m.user_id]
OPTIONS {indexConfig: {`vector.dimensions`: 384, `vector.similarity_function`: 'cosine'}};
