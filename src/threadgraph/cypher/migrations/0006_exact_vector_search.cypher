// The vector indexes again: full floats, and four times the asked-for candidates
// explored. Neo4j 2026.08's defaults (one-bit quantisation, expansion 3) kept only 6 of
// the true 20 nearest of a person's messages on the bench's random vectors, and on the
// retrieval evaluation returned tied ACK replies ahead of better matches. Full floats
// with expansion 1 were exact on random vectors but found the right exchange less often
// (recall@1/5/10 0.53/0.68/0.70) than with expansion 4 (0.72/0.90/0.97), because the
// person filter leaves the graph search few of its own neighbours to walk. Latency at
// 143k messages was the same within noise (bench/context_assembly.py). A person's memory
// is worth the 1.5 KiB per message that full floats cost.
DROP INDEX message_embedding IF EXISTS;
CYPHER 25
CREATE VECTOR INDEX message_embedding IF NOT EXISTS
FOR (m:Message) ON m.embedding
WITH [m.user_id]
OPTIONS {indexConfig: {
  `vector.dimensions`: 384,
  `vector.similarity_function`: 'cosine',
  `vector.quantization.type`: 'NONE',
  `vector.default_search_expansion_factor`: 4.0
}};
DROP INDEX topic_embedding IF EXISTS;
CYPHER 25
CREATE VECTOR INDEX topic_embedding IF NOT EXISTS
FOR (t:Topic) ON t.embedding
WITH [t.user_id]
OPTIONS {indexConfig: {
  `vector.dimensions`: 384,
  `vector.similarity_function`: 'cosine',
  `vector.quantization.type`: 'NONE',
  `vector.default_search_expansion_factor`: 4.0
}};
