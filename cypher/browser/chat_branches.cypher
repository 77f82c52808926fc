// Every branch of a chat, root to leaf, and whether it is the one HEAD shows.
// :param chatId => '...'
MATCH (c:Chat {id: $chatId})
MATCH (leaf:Message)-[:BELONGS_TO]->(c)
WHERE NOT EXISTS { MATCH (child:Message)-[:FOLLOWS]->(leaf) WHERE (child)-[:BELONGS_TO]->(c) }
MATCH path = (leaf)-[:FOLLOWS*0..]->(root:Message)
WHERE NOT (root)-[:FOLLOWS]->()
RETURN leaf.id AS leaf_id,
       EXISTS { (c)-[:HEAD]->(leaf) } AS active,
       length(path) + 1 AS messages,
       [m IN reverse(nodes(path)) | m.role + ': ' + left(m.content, 60)] AS turns
ORDER BY active DESC, leaf.created_at DESC
