// A person's most connected topics: in how many chats and messages each came up, and
// with which other topics it shares chats.
// :param userId => '...'
MATCH (t:Topic {user_id: $userId})<-[:BELONGS_TO]-(m:Message)-[:BELONGS_TO]->(c:Chat)
WHERE c.deleted_at IS NULL
WITH t, count(DISTINCT c) AS chats, count(DISTINCT m) AS messages, collect(DISTINCT c) AS where
OPTIONAL MATCH (other:Topic)<-[:BELONGS_TO]-(:Message)-[:BELONGS_TO]->(c2:Chat)
WHERE other <> t AND c2 IN where
RETURN t.name AS topic, chats, messages, collect(DISTINCT other.name)[..5] AS alongside
ORDER BY chats DESC, messages DESC
LIMIT 25
