// Queries only the benchmarks run (bench/store_extras.py), kept out of the product.

// name: busiest_user
MATCH (m:Message)
RETURN m.user_id AS user_id, count(*) AS messages
ORDER BY messages DESC
LIMIT 1

// name: asker
// The newest benchmark asker (bench/context_assembly.py): its asking chat and HEAD.
MATCH (u:User {name: 'asker'})<-[:BELONGS_TO]-(c:Chat {title: 'asking'})-[:HEAD]->(h:Message)
RETURN u.id AS user_id, c.id AS chat_id, h.id AS head_id
ORDER BY u.created_at DESC
LIMIT 1
