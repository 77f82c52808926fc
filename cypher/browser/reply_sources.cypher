// Which messages shaped a reply: its branch and the memories from other chats, with
// why each was used (via), its score and rank.
// :param messageId => '...'
MATCH (reply:Message {id: $messageId})-[u:USED_CONTEXT]->(source:Message)
MATCH (source)-[:BELONGS_TO]->(c:Chat)
RETURN u.via AS via, u.rank AS rank, round(u.score, 4) AS score, c.title AS chat,
       source.role AS role, left(source.content, 80) AS preview
ORDER BY via DESC, rank
