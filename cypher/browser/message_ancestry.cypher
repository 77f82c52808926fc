// The path from a message up to the first message of its conversation. A fork's path
// continues into the chat it was forked from: the chat column shows where each step is.
// :param messageId => '...'
MATCH path = (m:Message {id: $messageId})-[:FOLLOWS*0..]->(root:Message)
WHERE NOT (root)-[:FOLLOWS]->()
UNWIND reverse(nodes(path)) AS step
MATCH (step)-[:BELONGS_TO]->(c:Chat)
RETURN step.id AS id, step.role AS role, left(step.content, 80) AS preview,
       step.created_at AS created_at, c.title AS chat
