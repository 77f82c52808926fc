// Reading and reshaping the branches of a chat (store/branches.py): a message's ancestry,
// the tree, siblings, HEAD, pruning.

// name: message
MATCH (m:Message {id: $message_id})
WHERE m.user_id = $user_id AND EXISTS { (m)-[:BELONGS_TO]->(:Chat) }
RETURN @message(m) AS message

// name: for_update
// A message of the person's, with its chat locked for this transaction (and the chat).
MATCH (m:Message {id: $message_id})-[:BELONGS_TO]->(c:Chat)
WHERE m.user_id = $user_id AND c.deleted_at IS NULL
SET c.updated_at = $now
RETURN @message(m) AS message, @chat(c) AS chat

// name: in_chat
MATCH (m:Message {id: $message_id})-[:BELONGS_TO]->(:Chat {id: $chat_id})
WHERE m.user_id = $user_id
RETURN m.id AS id

// name: ancestry
// Root .. the given message, in order, as one list. Each message has at most one parent,
// so the FOLLOWS walk is a single path; it ends at the root (crossing into the chat a
// fork came from, when there is one).
// (One list built in one pass: unwinding and indexing the path was quadratic.)
MATCH (leaf:Message {id: $message_id})
WHERE leaf.user_id = $user_id
MATCH path = (leaf)-[:FOLLOWS*0..]->(root:Message)
WHERE NOT (root)-[:FOLLOWS]->(:Message)
RETURN [m IN reverse(nodes(path)) | @message(m)] AS branch

// name: window
// Up to 64 messages walking up from $message_id (itself first), newest first. The
// context reader pages through a long branch with this until its budget is spent, so a
// read stays bounded however deep the branch is. (A variable-length bound cannot be a
// parameter, hence the fixed window: store/branches.py's WINDOW.)
MATCH (leaf:Message {id: $message_id})
WHERE leaf.user_id = $user_id
MATCH path = (leaf)-[:FOLLOWS*0..63]->(m:Message)
WITH m, length(path) AS hops
ORDER BY hops
RETURN @message(m) AS message

// name: tree
// Every message of the chat, oldest first, with the chat (its HEAD, its fork point).
MATCH (c:Chat {id: $chat_id})-[:BELONGS_TO]->(:User {id: $user_id})
WHERE c.deleted_at IS NULL
CALL (c) {
  MATCH (m:Message)-[:BELONGS_TO]->(c)
  WITH m ORDER BY m.created_at, m.id
  RETURN collect(@message(m)) AS messages
}
RETURN @chat(c) AS chat, messages

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
RETURN @message(s) AS message

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
RETURN @chat(c) AS chat

// name: subtree
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
