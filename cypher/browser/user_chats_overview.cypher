// A person's chats, newest activity first, with how many messages and branches (leaves)
// each has, and how many chats were forked from it.
// :param userId => '...'
MATCH (c:Chat)-[:BELONGS_TO]->(:User {id: $userId})
WHERE c.deleted_at IS NULL
OPTIONAL MATCH (m:Message)-[:BELONGS_TO]->(c)
WITH c, collect(m) AS messages
RETURN c.id AS chat_id, c.title AS title, c.updated_at AS updated_at,
       size(messages) AS messages,
       size([m IN messages WHERE NOT EXISTS {
         MATCH (child:Message)-[:FOLLOWS]->(m) WHERE (child)-[:BELONGS_TO]->(c)
       }]) AS branches,
       COUNT { MATCH (:Chat)-[:FORKED_FROM]->(:Message)-[:BELONGS_TO]->(c) } AS forks
ORDER BY updated_at DESC
