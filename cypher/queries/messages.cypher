// Messages. A message FOLLOWS the one it answers (child -> parent, at most one parent)
// and BELONGS_TO its chat; the chat's HEAD is the leaf the person reads.
// `user_id` on Message scopes lookups and index searches to one user.

// name: lock_chat_for_append
// Setting a property takes the chat node's write lock, so appends to one chat run one
// after another and HEAD is moved by one transaction at a time.
MATCH (c:Chat {id: $chat_id})-[:BELONGS_TO]->(:User {id: $user_id})
SET c.updated_at = $now
WITH c
OPTIONAL MATCH (c)-[:HEAD]->(h:Message)
RETURN c.id AS chat_id, h.id AS head_id

// name: find_message
// A message by id whoever owns it: used only to make client-given ids idempotent.
MATCH (m:Message {id: $message_id})
OPTIONAL MATCH (m)-[:BELONGS_TO]->(c:Chat)
OPTIONAL MATCH (m)-[:FOLLOWS]->(p:Message)
RETURN m {.id, .user_id, .role, .content, .status, .model, .created_at, .tokens, .prompt_tokens, .error} AS message,
       c.id AS chat_id, p.id AS parent_id

// name: message_in_chat
MATCH (m:Message {id: $message_id})-[:BELONGS_TO]->(:Chat {id: $chat_id})
WHERE m.user_id = $user_id
RETURN m.id AS id

// name: create_message
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
WITH c, m, p
OPTIONAL MATCH (c)-[old:HEAD]->(:Message)
DELETE old
CREATE (c)-[:HEAD]->(m)
RETURN m {.id, .user_id, .role, .content, .status, .model, .created_at, .tokens, .prompt_tokens, .error} AS message,
       c.id AS chat_id, p.id AS parent_id

// name: get_message
MATCH (m:Message {id: $message_id})-[:BELONGS_TO]->(c:Chat)
WHERE m.user_id = $user_id
OPTIONAL MATCH (m)-[:FOLLOWS]->(p:Message)
RETURN m {.id, .user_id, .role, .content, .status, .model, .created_at, .tokens, .prompt_tokens, .error} AS message,
       c.id AS chat_id, p.id AS parent_id

// name: ancestry
// Root .. the given message, in order. Each message has at most one parent, so the
// FOLLOWS walk is a single path; it ends at the root (crossing into the chat a fork
// came from, when there is one).
MATCH (leaf:Message {id: $message_id})
WHERE leaf.user_id = $user_id
MATCH path = (leaf)-[:FOLLOWS*0..]->(root:Message)
WHERE NOT (root)-[:FOLLOWS]->(:Message)
UNWIND range(size(nodes(path)) - 1, 0, -1) AS i
WITH nodes(path)[i] AS m, CASE WHEN i + 1 < size(nodes(path)) THEN nodes(path)[i + 1].id END AS parent_id
MATCH (m)-[:BELONGS_TO]->(mc:Chat)
RETURN m {.id, .user_id, .role, .content, .status, .model, .created_at, .tokens, .prompt_tokens, .error} AS message,
       mc.id AS chat_id, parent_id

// name: chat_tree
// Every message of the chat with its parent, oldest first, and the HEAD.
MATCH (c:Chat {id: $chat_id})-[:BELONGS_TO]->(:User {id: $user_id})
OPTIONAL MATCH (c)-[:HEAD]->(h:Message)
OPTIONAL MATCH (m:Message)-[:BELONGS_TO]->(c)
OPTIONAL MATCH (m)-[:FOLLOWS]->(p:Message)
WITH h, m, p
ORDER BY m.created_at, m.id
RETURN h.id AS head_id,
       collect(CASE WHEN m IS NULL THEN null ELSE {
         message: m {.id, .user_id, .role, .content, .status, .model, .created_at, .tokens, .prompt_tokens, .error},
         parent_id: p.id
       } END) AS messages

// name: latest_reply_to
// The newest assistant reply under a prompt: what a retried prompt id streams again.
MATCH (r:Message {role: 'assistant'})-[:FOLLOWS]->(p:Message {id: $prompt_id})
MATCH (r)-[:BELONGS_TO]->(c:Chat)
RETURN r {.id, .user_id, .role, .content, .status, .model, .created_at, .tokens, .prompt_tokens, .error} AS message,
       c.id AS chat_id, p.id AS parent_id
ORDER BY r.created_at DESC
LIMIT 1

// name: checkpoint_reply
// Keep what has streamed so far; only while the reply is still being written.
MATCH (m:Message {id: $message_id})
WHERE m.status = 'streaming'
SET m.content = $content
RETURN m.id AS id

// name: finish_reply
// The one write that ends a reply. A reply is immutable once it has left `streaming`.
MATCH (m:Message {id: $message_id})-[:BELONGS_TO]->(c:Chat)
WHERE m.status = 'streaming'
SET m.content = $content, m.status = $status, m.model = $model, m.tokens = $tokens,
    m.prompt_tokens = $prompt_tokens, m.error = $error, m.finished_at = $now
SET m.embedding = coalesce($embedding, m.embedding)
SET c.updated_at = $now
WITH m, c
OPTIONAL MATCH (m)-[:FOLLOWS]->(p:Message)
RETURN m {.id, .user_id, .role, .content, .status, .model, .created_at, .tokens, .prompt_tokens, .error} AS message,
       c.id AS chat_id, p.id AS parent_id

// name: mark_interrupted_replies
// At startup: replies still `streaming` were cut off when the server process died.
MATCH (m:Message {status: 'streaming'})
SET m.status = 'incomplete', m.error = $reason
RETURN count(m) AS marked
