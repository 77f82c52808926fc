// Topics (store/topics.py): (:Message)-[:BELONGS_TO {score}]->(:Topic {id, user_id, name, normalized,
// embedding, created_at}). Topics belong to one person and are shared by their chats.

// name: find_known
// For each new topic ($names: {i, normalized, embedding}), whether the person has one of
// that name, and otherwise the name of their nearest topic by meaning, if it is close
// enough to be the same one. One statement for a whole batch: an import's topic pass
// spent most of its time on three round trips per topic.
CYPHER 25
UNWIND $names AS name
OPTIONAL MATCH (same:Topic {user_id: $user_id, normalized: name.normalized})
OPTIONAL CALL (name, same) {
  WITH name WHERE same IS NULL
  MATCH (t:Topic)
    SEARCH t IN (VECTOR INDEX topic_embedding FOR name.embedding WHERE t.user_id = $user_id LIMIT 1)
    SCORE AS score
  // A cosine index's SCORE is (1 + cos) / 2: the threshold is a cosine, as everywhere else.
  WITH t, score WHERE 2 * score - 1 >= $duplicate_threshold
  RETURN t.normalized AS near
}
RETURN name.i AS i, same IS NOT NULL AS exact, near

// name: link
// Each topic ($links: {i, topic_id, name, normalized, embedding, message_ids, score}),
// in order: create it if it is new (MERGE on the constrained pair) and link its
// exchange's messages to it. No row for a topic none of whose messages is there any
// more (the chat was deleted while its topics were being found): nothing is made.
UNWIND $links AS link
CALL (link) {
  UNWIND link.message_ids AS message_id
  MATCH (m:Message {id: message_id})
  WHERE m.user_id = $user_id
  WITH collect(m) AS said
  WHERE size(said) > 0
  MERGE (t:Topic {user_id: $user_id, normalized: link.normalized})
  ON CREATE SET t.id = link.topic_id, t.name = link.name, t.embedding = link.embedding,
                t.created_at = $now
  WITH t, said
  UNWIND said AS m
  MERGE (m)-[b:BELONGS_TO]->(t)
  SET b.score = link.score
  RETURN DISTINCT t.id AS id
}
RETURN link.i AS i, id

// name: list
MATCH (t:Topic {user_id: $user_id})<-[:BELONGS_TO]-(m:Message)-[:BELONGS_TO]->(c:Chat)
WHERE c.deleted_at IS NULL
RETURN t.id AS id, t.name AS name, count(DISTINCT m) AS messages, count(DISTINCT c) AS chats,
       max(m.created_at) AS last_used
// The subjects a person keeps coming back to first: in the most chats, then messages.
ORDER BY chats DESC, messages DESC, last_used DESC
LIMIT $limit

// name: detail
// One topic: where it came up, over time.
MATCH (t:Topic {id: $topic_id, user_id: $user_id})
MATCH (t)<-[b:BELONGS_TO]-(m:Message)-[:BELONGS_TO]->(c:Chat)
WHERE c.deleted_at IS NULL
RETURN t.name AS name, c.title AS chat_title, b.score AS score, @message(m) AS message
ORDER BY m.created_at

// name: of_chat
MATCH (c:Chat {id: $chat_id})-[:BELONGS_TO]->(:User {id: $user_id})
MATCH (t:Topic)<-[b:BELONGS_TO]-(:Message)-[:BELONGS_TO]->(c)
RETURN t.id AS id, t.name AS name, count(b) AS messages, max(b.score) AS score
ORDER BY messages DESC, score DESC

// name: related_chats
// Chats that share topics with this one, most shared first.
MATCH (c:Chat {id: $chat_id})-[:BELONGS_TO]->(:User {id: $user_id})
MATCH (c)<-[:BELONGS_TO]-(:Message)-[:BELONGS_TO]->(t:Topic)
WITH c, collect(DISTINCT t) AS mine
UNWIND mine AS t
MATCH (t)<-[:BELONGS_TO]-(:Message)-[:BELONGS_TO]->(other:Chat)
WHERE other <> c AND other.deleted_at IS NULL
RETURN other.id AS chat_id, other.title AS title, count(DISTINCT t) AS shared,
       collect(DISTINCT t.name)[..5] AS topics
ORDER BY shared DESC, title
LIMIT $limit
