// Extra parts of the graph the web app draws beside what export reads.

// name: graph_topic_links
// The topics the given messages are about (Message-[:BELONGS_TO]->Topic), per message.
UNWIND $ids AS id
MATCH (m:Message {id: id, user_id: $user_id})-[r:BELONGS_TO]->(t:Topic {user_id: $user_id})
RETURN m.id AS message_id, t.id AS topic_id, t.name AS name, r.score AS score
