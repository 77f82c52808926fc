// Chats (store/chats.py). Every query is scoped by the owner:
// (:Chat)-[:BELONGS_TO]->(:User {id: $user_id}). A chat of another user matches nothing
// and is reported as not found; a deleted chat (deleted_at) is gone from every lookup.

// name: owner
// Who owns a chat id, whoever asks: used only to refuse reusing an id.
MATCH (c:Chat {id: $chat_id})
OPTIONAL MATCH (c)-[:BELONGS_TO]->(u:User)
RETURN u.id AS owner_id

// name: create
MATCH (u:User {id: $user_id})
CREATE (c:Chat {
  id: $chat_id, title: $title, title_source: $title_source, model: $model,
  created_at: $now, updated_at: $now
})
CREATE (c)-[:BELONGS_TO]->(u)
RETURN @chat(c) AS chat

// name: get
MATCH (c:Chat {id: $chat_id})-[:BELONGS_TO]->(:User {id: $user_id})
WHERE c.deleted_at IS NULL
RETURN @chat(c) AS chat

// name: page
// Newest activity first, paged by keyset (updated_at, id) so pages stay stable while
// new chats arrive.
MATCH (c:Chat)-[:BELONGS_TO]->(:User {id: $user_id})
WHERE c.deleted_at IS NULL
  AND ($after_updated_at IS NULL
   OR c.updated_at < $after_updated_at
   OR (c.updated_at = $after_updated_at AND c.id < $after_id))
WITH c
ORDER BY c.updated_at DESC, c.id DESC
LIMIT $limit
RETURN @chat(c) AS chat

// name: update
// Rename and/or choose the model (a null leaves that one as it is), in one write.
MATCH (c:Chat {id: $chat_id})-[:BELONGS_TO]->(:User {id: $user_id})
WHERE c.deleted_at IS NULL
SET c.title = coalesce($title, c.title),
    c.title_source = CASE WHEN $title IS NULL THEN c.title_source ELSE 'user' END,
    c.model = coalesce($model, c.model)
RETURN @chat(c) AS chat

// name: set_generated_title
// A title made after the first exchange; never replaces one the person chose.
MATCH (c:Chat {id: $chat_id})-[:BELONGS_TO]->(:User {id: $user_id})
WHERE c.title_source = 'default' AND c.deleted_at IS NULL
SET c.title = $title, c.title_source = 'generated'
RETURN c.id AS id

// name: lock
// Setting a property takes the chat node's write lock, so writes to one chat run one
// after another and HEAD is moved by one transaction at a time.
MATCH (c:Chat {id: $chat_id})-[:BELONGS_TO]->(:User {id: $user_id})
WHERE c.deleted_at IS NULL
SET c.updated_at = $now
RETURN @chat(c) AS chat

// name: messages_needed_elsewhere
// Messages of this chat that another chat's history runs through: a fork continues from
// them (or from something below them). Deleting the chat keeps exactly these.
MATCH (anchor:Message)-[:BELONGS_TO]->(c:Chat {id: $chat_id})
WHERE EXISTS { MATCH (n:Message)-[:FOLLOWS]->(anchor) WHERE NOT (n)-[:BELONGS_TO]->(c) }
   OR EXISTS { MATCH (other:Chat)-[:FORKED_FROM]->(anchor) WHERE other.id <> c.id AND other.deleted_at IS NULL }
MATCH (anchor)-[:FOLLOWS*0..]->(m:Message)-[:BELONGS_TO]->(c)
RETURN collect(DISTINCT m.id) AS needed

// name: delete_keeping
// Delete the chat's messages but the ones in $keep. With nothing to keep the chat goes
// too; otherwise it stays, hidden (deleted_at), holding the kept history for its forks.
MATCH (c:Chat {id: $chat_id})
OPTIONAL MATCH (m:Message)-[:BELONGS_TO]->(c)
WHERE NOT m.id IN $keep
WITH c, collect(m) AS doomed
FOREACH (m IN doomed | DETACH DELETE m)
WITH c, size(doomed) AS deleted
OPTIONAL MATCH (c)-[head:HEAD]->()
DELETE head
SET c.deleted_at = $now
WITH c, deleted
CALL (c) {
  WITH c WHERE size($keep) = 0
  DETACH DELETE c
}
RETURN deleted

// name: hidden
// Deleted chats still holding history for forks: re-checked after every delete.
MATCH (c:Chat)-[:BELONGS_TO]->(:User {id: $user_id})
WHERE c.deleted_at IS NOT NULL
RETURN c.id AS id

// name: create_fork
// A new chat FORKED_FROM a message of the person's (nothing copied), named after the
// message's chat unless a title is given.
MATCH (u:User {id: $user_id})
MATCH (p:Message {id: $message_id})-[:BELONGS_TO]->(src:Chat)
WHERE p.user_id = $user_id
CREATE (c:Chat {
  id: $chat_id, title: coalesce($title, trim(left(src.title + ' (fork)', $max_title_chars))),
  title_source: 'fork', model: src.model, created_at: $now, updated_at: $now
})
CREATE (c)-[:BELONGS_TO]->(u)
CREATE (c)-[:FORKED_FROM]->(p)
RETURN @chat(c) AS chat
