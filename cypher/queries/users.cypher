// name: ensure_user
MERGE (u:User {id: $user_id})
ON CREATE SET u.name = $name, u.created_at = $now
RETURN u {.id, .name, .created_at} AS user

// name: get_user
MATCH (u:User {id: $user_id})
RETURN u {.id, .name, .created_at} AS user
