// Conversations kept by a client and resent whole with every request (the /v1 endpoint,
// store/histories.py): where the stored graph already holds them.

// name: deepest_match
// The deepest stored message reached from one of the person's root messages by following
// the given roles and contents in order (a resent history), in a live chat (the named one
// when $chat_id is not null). A root holds one conversation, so the walk stays small.
MATCH (root:Message {user_id: $user_id})
WHERE root.role = $roles[0] AND root.content = $contents[0]
  AND NOT (root)-[:FOLLOWS]->(:Message)
MATCH path = (leaf:Message)-[:FOLLOWS*0..]->(root)
WHERE length(path) < size($contents)
  AND all(i IN range(0, length(path)) WHERE
      nodes(path)[length(path) - i].role = $roles[i]
      AND nodes(path)[length(path) - i].content = $contents[i]
      AND nodes(path)[length(path) - i].status = 'complete')
MATCH (leaf)-[:BELONGS_TO]->(c:Chat)
WHERE c.deleted_at IS NULL AND ($chat_id IS NULL OR c.id = $chat_id)
RETURN leaf.id AS message_id, c.id AS chat_id, length(path) + 1 AS matched
ORDER BY matched DESC, leaf.created_at DESC
LIMIT 1
