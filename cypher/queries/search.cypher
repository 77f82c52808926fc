// name: search_messages
// Search one user's messages by meaning (vector index, user filter inside the index
// query) and by words (full-text index, the user's id indexed beside the text and asked
// for in $scoped_keywords, re-checked after), with optional chat, role
// and date filters; each hit says whether it lies on its chat's active branch.
CYPHER 25
CALL () {
  MATCH (m:Message)
    SEARCH m IN (VECTOR INDEX message_embedding FOR $embedding WHERE m.user_id = $user_id LIMIT $limit)
    SCORE AS score
  // A cosine index's SCORE is (1 + cos) / 2: the floor and the returned score are cosines.
  WITH m, 2 * score - 1 AS score WHERE score >= $vector_floor
  RETURN m, score, 'vector' AS via
  UNION ALL
  WITH 1 AS _ WHERE $keywords <> ''
  CALL db.index.fulltext.queryNodes('message_content', $scoped_keywords, {limit: $limit})
    YIELD node, score
  WITH node AS m, score WHERE m.user_id = $user_id
  RETURN m, score, 'keyword' AS via
}
WITH m, score, via
MATCH (m)-[:BELONGS_TO]->(c:Chat)
WHERE c.deleted_at IS NULL
  AND ($chat_id IS NULL OR c.id = $chat_id)
  AND ($role IS NULL OR m.role = $role)
  AND ($since IS NULL OR m.created_at >= $since)
  AND ($until IS NULL OR m.created_at < $until)
OPTIONAL MATCH (c)-[:HEAD]->(h:Message)
OPTIONAL MATCH (m)-[:FOLLOWS]->(p:Message)
RETURN via, score, c.id AS chat_id, c.title AS chat_title, p.id AS parent_id,
       m {.id, .user_id, .role, .content, .status, .model, .created_at, .tokens, .prompt_tokens, .error} AS message,
       h IS NOT NULL AND EXISTS { MATCH (h)-[:FOLLOWS*0..]->(m) } AS on_active_branch
