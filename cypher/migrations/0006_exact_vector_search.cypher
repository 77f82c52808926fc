// The vector indexes again, without quantisation. Neo4j 2026.08 quantises vectors to
// one bit by default and rescored 3x the asked-for candidates; on the bench's 125k
// messages that kept only 6 of the true 20 nearest of a person's messages, while full
// floats kept 20 of 20 at the same latency (bench/context_assembly.py, interleaved
// timings). A person's memory is worth the 1.5 KiB per message this costs.
DROP INDEX message_embedding IF EXISTS;
CYPHER 25
CREATE VECTOR INDEX message_embedding IF NOT EXISTS
FOR (m:Message) ON m.embedding
WITH [m.user_id]
OPTIONS {indexConfig: {
  `vector.dimensions`: 384,
  `vector.similarity_function`: 'cosine',
  `vector.quantization.type`: 'NONE'
}};
DROP INDEX topic_embedding IF EXISTS;
CYPHER 25
CREATE VECTOR INDEX topic_embedding IF NOT EXISTS
FOR (t:Topic) ON t.embedding
WITH [t.user_id]
OPTIONS {indexConfig: {
  `vector.dimensions`: 384,
  `vector.similarity_function`: 'cosine',
  `vector.quantization.type`: 'NONE'
}};
