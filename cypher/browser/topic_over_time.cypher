// Where a topic came up, over time: each message about it, with its chat.
// :param topicId => '...'
MATCH (t:Topic {id: $topicId})<-[b:BELONGS_TO]-(m:Message)-[:BELONGS_TO]->(c:Chat)
WHERE c.deleted_at IS NULL
RETURN m.created_at AS at, c.title AS chat, m.role AS role, round(b.score, 3) AS score,
       left(m.content, 80) AS preview
ORDER BY at
