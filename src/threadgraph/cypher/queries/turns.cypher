// Writing messages (store/turns.py). A message FOLLOWS the one it answers (child ->
// parent, at most one parent) and BELONGS_TO its chat; the chat's HEAD is the leaf the
// person reads. `user_id` on Message scopes lookups and index searches to one person.

// name: find
// A message by id whoever owns it: used only to make client-given ids idempotent.
MATCH (m:Message {id: $message_id})
RETURN @message(m) AS message

// name: create
// A streaming reply also gets its writer (`owner`, an instance id) and `lease_until`;
// both are null (not stored) for every other message.
MATCH (c:Chat {id: $chat_id})
CREATE (m:Message {
  id: $message_id, user_id: $user_id, role: $role, content: $content, status: $status,
  model: $model, created_at: $now, tokens: $tokens, owner: $owner, lease_until: $lease_until
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

// name: finish
// The one write that ends a reply. A reply is immutable once it has left `streaming`.
MATCH (m:Message {id: $message_id})-[:BELONGS_TO]->(c:Chat)
WHERE m.status = 'streaming'
SET m.content = $content, m.status = $status, m.model = $model, m.tokens = $tokens,
    m.prompt_tokens = $prompt_tokens, m.error = $error, m.finished_at = $now
REMOVE m.owner, m.lease_until, m.stop_requested
SET m.embedding = coalesce($embedding, m.embedding)
SET c.updated_at = $now
// The prompt's vector read with the turn it answers (embeddings/message_text.py),
// computed with the reply's; null keeps the one it was stored with.
WITH m
OPTIONAL MATCH (m)-[:FOLLOWS]->(prompt:Message)
SET prompt.embedding = coalesce($prompt_embedding, prompt.embedding)
WITH DISTINCT m
CALL (m) {
  UNWIND $used_context AS used
  MATCH (source:Message {id: used.id})
  CREATE (m)-[:USED_CONTEXT {via: used.via, score: used.score, rank: used.rank}]->(source)
}
RETURN @message(m) AS message
