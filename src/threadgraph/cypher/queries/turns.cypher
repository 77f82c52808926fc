// Writing messages (store/turns.py). A message FOLLOWS the one it answers (child ->
// parent, at most one parent) and BELONGS_TO its chat; the chat's HEAD is the leaf the
// person reads. `user_id` on Message scopes lookups and index searches to one person.

// name: find
// A message by id whoever owns it: used only to make client-given ids idempotent.
MATCH (m:Message {id: $message_id})
RETURN @message(m) AS message

// name: create
MATCH (c:Chat {id: $chat_id})
CREATE (m:Message {
  id: $message_id, user_id: $user_id, role: $role, content: $content, status: $status,
  model: $model, created_at: $now, tokens: $tokens
})
SET m.embedding = $embedding
CREATE (m)-[:BELONGS_TO]->(c)
WITH c, m
OPTIONAL MATCH (p:Message {id: $parent_id})
FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | CREATE (m)-[:FOLLOWS]->(p))
WITH c, m
OPTIONAL MATCH (c)-[old:HEAD]->(:Message)
DELETE old
CREATE (c)-[:HEAD]->(m)
RETURN @message(m) AS message

// name: latest_reply_to
// The newest assistant reply under a prompt: what a retried prompt id streams again.
MATCH (r:Message {role: 'assistant'})-[:FOLLOWS]->(:Message {id: $prompt_id})
RETURN @message(r) AS message
ORDER BY r.created_at DESC
LIMIT 1

// name: checkpoint
// Keep what has streamed so far; only while the reply is still being written.
MATCH (m:Message {id: $message_id})
WHERE m.status = 'streaming'
SET m.content = $content
RETURN m.id AS id

// name: finish
// The one write that ends a reply. A reply is immutable once it has left `streaming`.
MATCH (m:Message {id: $message_id})-[:BELONGS_TO]->(c:Chat)
WHERE m.status = 'streaming'
SET m.content = $content, m.status = $status, m.model = $model, m.tokens = $tokens,
    m.prompt_tokens = $prompt_tokens, m.error = $error, m.finished_at = $now
SET m.embedding = coalesce($embedding, m.embedding)
SET c.updated_at = $now
WITH m
CALL (m) {
  UNWIND $used_context AS used
  MATCH (source:Message {id: used.id})
  CREATE (m)-[:USED_CONTEXT {via: used.via, score: used.score, rank: used.rank}]->(source)
}
RETURN @message(m) AS message

// name: mark_interrupted
// At startup: replies still `streaming` were cut off when the server process died.
MATCH (m:Message {status: 'streaming'})
SET m.status = 'incomplete', m.error = $reason
RETURN count(m) AS marked
