// People (store/users.py).

// name: ensure
MERGE (u:User {id: $user_id})
ON CREATE SET u.name = $name, u.created_at = $now
RETURN u {.id, .name, .created_at} AS user

// name: count_messages
// Messages of one person, or of everyone when $user_id is null.
MATCH (m:Message)
WHERE $user_id IS NULL OR m.user_id = $user_id
RETURN count(m) AS messages
