// name: ensure_user
MERGE (u:User {id: $user_id})
ON CREATE SET u.name = $name, u.created_at = $now
RETURN u {.id, .name, .created_at} AS user

// name: get_user
MATCH (u:User {id: $user_id})
RETURN u {.id, .name, .created_at} AS user

// name: busiest_user
MATCH (m:Message)
RETURN m.user_id AS user_id, count(*) AS messages
ORDER BY messages DESC
LIMIT 1

// name: count_user_messages
MATCH (m:Message)
WHERE $user_id IS NULL OR m.user_id = $user_id
RETURN count(m) AS messages

// name: bench_asker
// The newest benchmark asker (bench/context_assembly.py): its asking chat and HEAD.
MATCH (u:User {name: 'asker'})<-[:BELONGS_TO]-(c:Chat {title: 'asking'})-[:HEAD]->(h:Message)
RETURN u.id AS user_id, c.id AS chat_id, h.id AS head_id
ORDER BY u.created_at DESC
LIMIT 1
