// Parts of the graph for export and for drawing (store/export.py; services/export.py and
// services/graph_view.py build networkx graphs from them).

// name: user_nodes
// A person's whole history: the user, every chat (hidden ones hold forks' history),
// every message and every topic (with the messages' links to them).
MATCH (u:User {id: $user_id})
CALL (u) {
  RETURN u AS n
  UNION
  MATCH (n:Chat)-[:BELONGS_TO]->(u)
  RETURN n
  UNION
  MATCH (n:Message {user_id: $user_id})
  RETURN n
  UNION
  MATCH (n:Topic {user_id: $user_id})
  RETURN n
}
// Vectors (1.5 KiB a message) only when asked for: reading them was most of the time.
RETURN n.id AS id, labels(n)[0] AS label,
       CASE WHEN $embeddings THEN properties(n) ELSE n {.*, embedding: null} END AS properties

// name: chat_nodes
// One chat: the user, the chat, its messages, and the history a fork continues (the
// fork point's ancestry, with those messages' chats).
MATCH (c:Chat {id: $chat_id})-[:BELONGS_TO]->(u:User {id: $user_id})
WHERE c.deleted_at IS NULL
CALL (c, u) {
  RETURN u AS n
  UNION
  RETURN c AS n
  UNION
  MATCH (n:Message)-[:BELONGS_TO]->(c)
  RETURN n
  UNION
  MATCH (c)-[:FORKED_FROM]->(:Message)-[:FOLLOWS*0..]->(n:Message)
  RETURN n
  UNION
  MATCH (c)-[:FORKED_FROM]->(:Message)-[:FOLLOWS*0..]->(:Message)-[:BELONGS_TO]->(n:Chat)
  RETURN n
}
// Vectors (1.5 KiB a message) only when asked for: reading them was most of the time.
RETURN n.id AS id, labels(n)[0] AS label,
       CASE WHEN $embeddings THEN properties(n) ELSE n {.*, embedding: null} END AS properties

// name: relationships
// Every relationship between the exported nodes (by their application ids).
UNWIND $ids AS id
MATCH (a {id: id})-[r]->(b)
WHERE b.id IN $ids AND (a:User OR a:Chat OR a:Message OR a:Topic)
RETURN a.id AS source, type(r) AS type, b.id AS target, properties(r) AS properties

// name: topic_nodes
// One topic's neighbourhood: the topic, the messages about it, their chats, the user.
MATCH (t:Topic {id: $topic_id, user_id: $user_id})
MATCH (u:User {id: $user_id})
CALL (t, u) {
  RETURN t AS n
  UNION
  RETURN u AS n
  UNION
  MATCH (n:Message)-[:BELONGS_TO]->(t)
  RETURN n
  UNION
  MATCH (:Topic {id: t.id})<-[:BELONGS_TO]-(:Message)-[:BELONGS_TO]->(n:Chat)
  RETURN n
}
// Vectors (1.5 KiB a message) only when asked for: reading them was most of the time.
RETURN n.id AS id, labels(n)[0] AS label,
       CASE WHEN $embeddings THEN properties(n) ELSE n {.*, embedding: null} END AS properties

// name: topic_links
// The topics the given messages are about (Message-[:BELONGS_TO]->Topic), per message.
UNWIND $ids AS id
MATCH (m:Message {id: id, user_id: $user_id})-[r:BELONGS_TO]->(t:Topic {user_id: $user_id})
RETURN m.id AS message_id, t.id AS topic_id, t.name AS name, r.score AS score
