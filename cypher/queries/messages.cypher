// Messages. A message FOLLOWS the one it answers (child -> parent, at most one parent)
// and BELONGS_TO its chat; the chat's HEAD is the leaf the person reads.
// `user_id` on Message scopes lookups and index searches to one user.

// name: lock_chat_for_append
// Setting a property takes the chat node's write lock, so appends to one chat run one
// after another and HEAD is moved by one transaction at a time.
MATCH (c:Chat {id: $chat_id})-[:BELONGS_TO]->(:User {id: $user_id})
WHERE c.deleted_at IS NULL
SET c.updated_at = $now
WITH c
OPTIONAL MATCH (c)-[:HEAD]->(h:Message)
OPTIONAL MATCH (c)-[:FORKED_FROM]->(f:Message)
RETURN c.id AS chat_id, h.id AS head_id, f.id AS forked_from_id

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
// Root .. the given message, in order, as one list. Each message has at most one parent,
// so the FOLLOWS walk is a single path; it ends at the root (crossing into the chat a
// fork came from, when there is one). Parents are the previous element of the list.
// (One list built in one pass: unwinding and indexing the path was quadratic.)
MATCH (leaf:Message {id: $message_id})
WHERE leaf.user_id = $user_id
MATCH path = (leaf)-[:FOLLOWS*0..]->(root:Message)
WHERE NOT (root)-[:FOLLOWS]->(:Message)
WITH reverse(nodes(path)) AS chain
RETURN [m IN chain | {
  message: m {.id, .user_id, .role, .content, .status, .model, .created_at, .tokens, .prompt_tokens, .error},
  chat_id: [(m)-[:BELONGS_TO]->(c:Chat) | c.id][0]
}] AS branch

// name: chat_tree
// Every message of the chat with its parent, oldest first, and the HEAD.
MATCH (c:Chat {id: $chat_id})-[:BELONGS_TO]->(:User {id: $user_id})
WHERE c.deleted_at IS NULL
OPTIONAL MATCH (c)-[:HEAD]->(h:Message)
OPTIONAL MATCH (c)-[:FORKED_FROM]->(f:Message)
OPTIONAL MATCH (m:Message)-[:BELONGS_TO]->(c)
OPTIONAL MATCH (m)-[:FOLLOWS]->(p:Message)
WITH h, f, m, p
ORDER BY m.created_at, m.id
RETURN h.id AS head_id, f.id AS forked_from_id,
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
CALL (m) {
  UNWIND $used_context AS used
  MATCH (source:Message {id: used.id})
  CREATE (m)-[:USED_CONTEXT {via: used.via, score: used.score, rank: used.rank}]->(source)
}
WITH m, c
OPTIONAL MATCH (m)-[:FOLLOWS]->(p:Message)
RETURN m {.id, .user_id, .role, .content, .status, .model, .created_at, .tokens, .prompt_tokens, .error} AS message,
       c.id AS chat_id, p.id AS parent_id

// name: mark_interrupted_replies
// At startup: replies still `streaming` were cut off when the server process died.
MATCH (m:Message {status: 'streaming'})
SET m.status = 'incomplete', m.error = $reason
RETURN count(m) AS marked

// name: branch_window
// Up to 64 messages walking up from $message_id (itself first), newest first. The
// context reader pages through a long branch with this until its budget is spent, so a
// read stays bounded however deep the branch is. (A variable-length bound cannot be a
// parameter, hence the fixed window.)
MATCH (leaf:Message {id: $message_id})
WHERE leaf.user_id = $user_id
MATCH path = (leaf)-[:FOLLOWS*0..63]->(m:Message)
WITH m, length(path) AS hops
ORDER BY hops
MATCH (m)-[:BELONGS_TO]->(mc:Chat)
OPTIONAL MATCH (m)-[:FOLLOWS]->(p:Message)
// created_at as microseconds since the epoch: the driver's DateTime decoding was a
// measurable part of every context assembly, an integer costs nothing (same instant).
RETURN m {.id, .user_id, .role, .content, .status, .model, .tokens, .prompt_tokens, .error,
          created_at: m.created_at.epochSeconds * 1000000 + m.created_at.microsecond} AS message,
       mc.id AS chat_id, p.id AS parent_id

// name: message_for_update
// A message of the caller's, with its chat locked for this transaction.
MATCH (m:Message {id: $message_id})-[:BELONGS_TO]->(c:Chat)
WHERE m.user_id = $user_id AND c.deleted_at IS NULL
SET c.updated_at = $now
WITH m, c
OPTIONAL MATCH (m)-[:FOLLOWS]->(p:Message)
OPTIONAL MATCH (c)-[:HEAD]->(h:Message)
RETURN m {.id, .user_id, .role, .content, .status, .model, .created_at, .tokens, .prompt_tokens, .error} AS message,
       c.id AS chat_id, p.id AS parent_id, h.id AS head_id

// name: siblings
// The messages sharing this one's parent (or, for a root, the chat's roots), in the same
// chat, oldest first: the < n/m > control.
MATCH (m:Message {id: $message_id})-[:BELONGS_TO]->(c:Chat)
WHERE m.user_id = $user_id
OPTIONAL MATCH (m)-[:FOLLOWS]->(p:Message)
CALL (m, c, p) {
  MATCH (s:Message)-[:BELONGS_TO]->(c)
  WHERE (p IS NULL AND NOT (s)-[:FOLLOWS]->(:Message)) OR (p IS NOT NULL AND (s)-[:FOLLOWS]->(p))
  RETURN s
  ORDER BY s.created_at, s.id
}
RETURN s {.id, .user_id, .role, .content, .status, .model, .created_at, .tokens, .prompt_tokens, .error} AS message,
       c.id AS chat_id, p.id AS parent_id

// name: newest_leaf_under
// The leaf reached from $message_id by always taking the most recently created child in
// the same chat: lists compare element by element, so the path whose creation times are
// greatest from the top down wins.
MATCH (top:Message {id: $message_id})-[:BELONGS_TO]->(c:Chat {id: $chat_id})
MATCH path = (leaf:Message)-[:FOLLOWS*0..]->(top)
WHERE all(n IN nodes(path) WHERE (n)-[:BELONGS_TO]->(c))
  AND NOT EXISTS { MATCH (child:Message)-[:FOLLOWS]->(leaf) WHERE (child)-[:BELONGS_TO]->(c) }
RETURN leaf.id AS id
ORDER BY [n IN reverse(nodes(path)) | [n.created_at, n.id]] DESC
LIMIT 1

// name: move_head
MATCH (c:Chat {id: $chat_id})
OPTIONAL MATCH (c)-[old:HEAD]->(:Message)
DELETE old
WITH c
OPTIONAL MATCH (m:Message {id: $message_id})-[:BELONGS_TO]->(c)
FOREACH (_ IN CASE WHEN m IS NULL THEN [] ELSE [1] END | CREATE (c)-[:HEAD]->(m))
RETURN m.id AS head_id

// name: subtree_in_chat
// A message and everything below it in its chat, and the forks that continue from any
// of them (which would lose their history if these went).
MATCH (top:Message {id: $message_id})-[:BELONGS_TO]->(c:Chat)
MATCH (d:Message)-[:FOLLOWS*0..]->(top)
WHERE (d)-[:BELONGS_TO]->(c)
WITH c, collect(DISTINCT d) AS doomed
OPTIONAL MATCH (fork:Chat)-[:FORKED_FROM]->(f:Message)
WHERE f IN doomed AND fork.deleted_at IS NULL
RETURN [d IN doomed | d.id] AS ids, collect(DISTINCT fork.id) AS forks

// name: delete_messages
MATCH (m:Message)
WHERE m.id IN $ids
DETACH DELETE m
