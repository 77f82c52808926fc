// The chats that continue from a message without copying it, and how many messages each
// added of its own.
// :param messageId => '...'
MATCH (fork:Chat)-[:FORKED_FROM]->(m:Message {id: $messageId})
WHERE fork.deleted_at IS NULL
OPTIONAL MATCH (own:Message)-[:BELONGS_TO]->(fork)
RETURN fork.id AS chat_id, fork.title AS title, fork.created_at AS forked_at,
       count(own) AS own_messages
ORDER BY forked_at
