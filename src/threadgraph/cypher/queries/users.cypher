// People (store/users.py). In local mode there is one User, made at startup (ensure);
// with accounts, each person has a login, a role (admin or member), a password hash
// (argon2id) and may be disabled. Everything a person has hangs from their User node:
// (:Chat)-[:BELONGS_TO]->(u), messages and topics carry u.id as user_id,
// (:ApiKey)-[:BELONGS_TO]->(u).

// name: ensure
MERGE (u:User {id: $user_id})
ON CREATE SET u.name = $name, u.created_at = $now
RETURN u {.id, .name, .created_at} AS user

// name: count_messages
// Messages of one person, or of everyone when $user_id is null.
MATCH (m:Message)
WHERE $user_id IS NULL OR m.user_id = $user_id
RETURN count(m) AS messages

// name: create_account
// A new person; the login's uniqueness constraint refuses a login already taken.
CREATE (u:User {
  id: $user_id, name: $name, login: $login, email: $email, role: $role,
  disabled: false, password_hash: $password_hash, created_at: $now
})
RETURN @account(u) AS account

// name: account
MATCH (u:User {id: $user_id})
WHERE u.login IS NOT NULL
RETURN @account(u) AS account

// name: account_by_login
// The person who signs in with this login, with their password hash.
MATCH (u:User {login: $login})
RETURN @account(u) AS account, u.password_hash AS password_hash

// name: accounts
MATCH (u:User)
WHERE u.login IS NOT NULL
RETURN @account(u) AS account
ORDER BY u.created_at, u.id

// name: set_disabled
MATCH (u:User {id: $user_id})
WHERE u.login IS NOT NULL
SET u.disabled = $disabled
RETURN @account(u) AS account

// name: set_password
MATCH (u:User {id: $user_id})
WHERE u.login IS NOT NULL
SET u.password_hash = $password_hash
RETURN u.id AS id

// name: count_admins
// Admins who can still sign in: the last one may not be disabled or deleted.
MATCH (u:User {role: 'admin'})
WHERE u.login IS NOT NULL AND NOT u.disabled
RETURN count(u) AS admins

// name: delete_everything
// A person and everything of theirs: messages (with their edges: FOLLOWS, USED_CONTEXT,
// topic links), chats (HEAD, FORKED_FROM), topics, API keys, then the User node. Forks
// and memories never cross people, so nothing anyone else has points into this.
MATCH (u:User {id: $user_id})
CALL (u) {
  MATCH (m:Message {user_id: u.id})
  DETACH DELETE m
}
CALL (u) {
  MATCH (c:Chat)-[:BELONGS_TO]->(u)
  DETACH DELETE c
}
CALL (u) {
  MATCH (t:Topic {user_id: u.id})
  DETACH DELETE t
}
CALL (u) {
  MATCH (k:ApiKey)-[:BELONGS_TO]->(u)
  DETACH DELETE k
}
DETACH DELETE u
RETURN count(*) AS deleted

// name: count_everything
// What is left of a person in the graph, however it is tied to them: nodes carrying
// their id as user_id, nodes linked to their User node, and the node itself.
OPTIONAL MATCH (u:User {id: $user_id})
WITH count(u) AS users
OPTIONAL MATCH (m:Message {user_id: $user_id})
WITH users, count(m) AS messages
OPTIONAL MATCH (t:Topic {user_id: $user_id})
WITH users, messages, count(t) AS topics
OPTIONAL MATCH (n)-[:BELONGS_TO]->(:User {id: $user_id})
RETURN users, messages, topics, count(n) AS linked
