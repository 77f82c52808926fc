// Chats. Every query is scoped by the owner: (:Chat)-[:BELONGS_TO]->(:User {id: $user_id}).
// A chat of another user matches nothing and is reported as not found.

// name: chat_owner
// Who owns a chat id, whoever asks: used only to refuse reusing an id.
MATCH (c:Chat {id: $chat_id})
OPTIONAL MATCH (c)-[:BELONGS_TO]->(u:User)
RETURN u.id AS owner_id

// name: create_chat
MATCH (u:User {id: $user_id})
CREATE (c:Chat {
  id: $chat_id, title: $title, title_source: $title_source, model: $model,
  created_at: $now, updated_at: $now
})
CREATE (c)-[:BELONGS_TO]->(u)
RETURN c {.id, .title, .model, .created_at, .updated_at} AS chat, null AS head_id

// name: get_chat
MATCH (c:Chat {id: $chat_id})-[:BELONGS_TO]->(:User {id: $user_id})
OPTIONAL MATCH (c)-[:HEAD]->(h:Message)
RETURN c {.id, .title, .model, .created_at, .updated_at} AS chat, h.id AS head_id

// name: list_chats
// Newest activity first, paged by keyset (updated_at, id) so pages stay stable while
// new chats arrive.
MATCH (c:Chat)-[:BELONGS_TO]->(:User {id: $user_id})
WHERE $after_updated_at IS NULL
   OR c.updated_at < $after_updated_at
   OR (c.updated_at = $after_updated_at AND c.id < $after_id)
WITH c
ORDER BY c.updated_at DESC, c.id DESC
LIMIT $limit
OPTIONAL MATCH (c)-[:HEAD]->(h:Message)
RETURN c {.id, .title, .model, .created_at, .updated_at} AS chat, h.id AS head_id
ORDER BY c.updated_at DESC, c.id DESC

// name: rename_chat
MATCH (c:Chat {id: $chat_id})-[:BELONGS_TO]->(:User {id: $user_id})
SET c.title = $title, c.title_source = 'user'
WITH c
OPTIONAL MATCH (c)-[:HEAD]->(h:Message)
RETURN c {.id, .title, .model, .created_at, .updated_at} AS chat, h.id AS head_id

// name: delete_chat
MATCH (c:Chat {id: $chat_id})-[:BELONGS_TO]->(:User {id: $user_id})
OPTIONAL MATCH (m:Message)-[:BELONGS_TO]->(c)
WITH c, collect(m) AS messages
FOREACH (m IN messages | DETACH DELETE m)
DETACH DELETE c
RETURN size(messages) AS deleted_messages

// name: set_generated_title
// A title made after the first exchange; never replaces one the person chose.
MATCH (c:Chat {id: $chat_id})-[:BELONGS_TO]->(:User {id: $user_id})
WHERE c.title_source = 'default'
SET c.title = $title, c.title_source = 'generated'
RETURN c.id AS id

// name: set_chat_model
MATCH (c:Chat {id: $chat_id})-[:BELONGS_TO]->(:User {id: $user_id})
SET c.model = $model
WITH c
OPTIONAL MATCH (c)-[:HEAD]->(h:Message)
RETURN c {.id, .title, .model, .created_at, .updated_at} AS chat, h.id AS head_id
