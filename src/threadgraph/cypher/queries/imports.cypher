// Import of exported histories (services/imports). One conversation per transaction:
// chat_state and existing_messages (what is already there), then write (what is new).

// name: chat_state
// Whether the chat exists, whose it is and how many messages it holds. Read in its own
// statement BEFORE the messages (existing_messages): another import committing meanwhile
// is then seen either not at all or with its messages. Read in one statement, the planner
// may look the messages up first (nothing ties that lookup to the chat), and a chat
// committed in between looked like one holding none of these messages: the import made
// a separate copy of it.
OPTIONAL MATCH (c:Chat {id: $chat_id})
OPTIONAL MATCH (c)-[:BELONGS_TO]->(owner:User)
RETURN c IS NOT NULL AS chat_exists, owner.id AS owner_id,
       CASE WHEN c IS NULL THEN 0 ELSE COUNT { (:Message)-[:BELONGS_TO]->(c) } END AS stored

// name: existing_messages
// Which of the messages are already there, with their owner and chat: the import adds
// only what is missing.
UNWIND $ids AS id
MATCH (m:Message {id: id})
OPTIONAL MATCH (m)-[:BELONGS_TO]->(mc:Chat)
RETURN m.id AS id, m.user_id AS user_id, mc.id AS chat_id

// name: write
// One conversation in one statement: the chat when it is new (owned by the importing
// person, with the fork point it continues from), the new messages (UNWIND), their
// FOLLOWS links (a parent may be an earlier message of the chat or, for a fork, of
// another chat of the same person), then HEAD when $head_id is given. Whether the chat
// is new is decided HERE, by the MERGE, not by what chat_state read: another import may
// have created it since, and the chat must not get a second owner link. A chat that is
// someone else's (or a person not there) returns no row: the caller refuses it.
MATCH (u:User {id: $user_id})
MERGE (c:Chat {id: $chat_id})
ON CREATE SET c += $properties, c.import_created = true
WITH u, c, c.import_created IS NOT NULL AS created
REMOVE c.import_created
WITH u, c, created
OPTIONAL MATCH (c)-[:BELONGS_TO]->(owner:User)
WITH u, c, created, owner.id AS owner_id
CALL (u, c, created) {
  WITH u, c WHERE created
  CREATE (c)-[:BELONGS_TO]->(u)
  WITH c
  OPTIONAL MATCH (f:Message {id: $forked_from_id})
  WHERE f.user_id = $user_id
  FOREACH (_ IN CASE WHEN f IS NULL THEN [] ELSE [1] END | CREATE (c)-[:FORKED_FROM]->(f))
}
WITH c, created, owner_id
WHERE created OR owner_id = $user_id
SET c.updated_at = CASE WHEN $updated_at > c.updated_at THEN $updated_at ELSE c.updated_at END
WITH c, created
CALL (c) {
  UNWIND $messages AS row
  CREATE (m:Message {id: row.id})
  SET m += row.properties, m.user_id = $user_id
  CREATE (m)-[:BELONGS_TO]->(c)
}
CALL () {
  UNWIND $links AS link
  MATCH (child:Message {id: link.child})
  OPTIONAL MATCH (parent:Message {id: link.parent})
  WHERE parent.user_id = $user_id
  FOREACH (_ IN CASE WHEN parent IS NULL THEN [] ELSE [1] END |
    CREATE (child)-[:FOLLOWS]->(parent))
  RETURN count(parent) AS linked
}
CALL (c) {
  WITH c WHERE $head_id IS NOT NULL
  OPTIONAL MATCH (c)-[old:HEAD]->(:Message)
  DELETE old
  WITH DISTINCT c
  MATCH (h:Message {id: $head_id})-[:BELONGS_TO]->(c)
  CREATE (c)-[:HEAD]->(h)
}
RETURN created, size($links) - linked AS links_missing

// name: used_context
// What replies were built from (threadgraph exports), once every chat is written; both
// ends must be the importing person's. MERGE: importing the file again adds nothing.
UNWIND $edges AS edge
MATCH (a:Message {id: edge.source})
WHERE a.user_id = $user_id
MATCH (b:Message {id: edge.target})
WHERE b.user_id = $user_id
MERGE (a)-[u:USED_CONTEXT {via: edge.via, rank: edge.rank}]->(b)
ON CREATE SET u.score = edge.score
RETURN count(u) AS linked

// name: exchanges_without_topics
// Imported replies (with their prompt) whose topics have not been extracted yet:
// `topics_at` marks the done ones, so an interrupted pass picks up where it stopped.
MATCH (r:Message {user_id: $user_id, role: 'assistant', status: 'complete'})
WHERE r.source IS NOT NULL AND r.topics_at IS NULL
MATCH (r)-[:FOLLOWS]->(p:Message {role: 'user'})
RETURN p.id AS prompt_id, p.content AS prompt, r.id AS reply_id, r.content AS reply,
       r.embedding AS reply_embedding
LIMIT $limit

// name: count_exchanges_without_topics
MATCH (r:Message {user_id: $user_id, role: 'assistant', status: 'complete'})
WHERE r.source IS NOT NULL AND r.topics_at IS NULL
  AND EXISTS { MATCH (r)-[:FOLLOWS]->(:Message {role: 'user'}) }
RETURN count(r) AS missing

// name: mark_topics
UNWIND $ids AS id
MATCH (m:Message {id: id})
WHERE m.user_id = $user_id
SET m.topics_at = $now
