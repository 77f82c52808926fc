// Finding what a person said before (store/retrieval.py): memory for a new reply,
// search, what a reply was built from, and the vectors behind them.

// name: memory
// The vector index (filtered by user inside the index query; skipped when $embedding is
// null), the full-text index (the user's id is indexed too: $scoped_keywords asks for
// theirs, and the WHERE below re-checks; skipped when $keywords is empty) and shared topics (skipped when $topic_limit is 0), each hit turned into its
// exchange (a prompt and its newest complete reply), from the user's other live chats,
// leaving out what is already on the branch. Ranks are fused by the service.
CYPHER 25
CALL () {
  WITH 1 AS _ WHERE $embedding IS NOT NULL
  MATCH (m:Message)
    SEARCH m IN (VECTOR INDEX message_embedding FOR $embedding WHERE m.user_id = $user_id LIMIT $vector_limit)
    SCORE AS score
  // A cosine index's SCORE is (1 + cos) / 2; the floor, and the score returned (and
  // written on USED_CONTEXT), are the cosine itself.
  WITH m, 2 * score - 1 AS score WHERE score >= $vector_floor
  RETURN m, score, 'vector' AS via
  UNION ALL
  WITH 1 AS _ WHERE $keywords <> ''
  CALL db.index.fulltext.queryNodes('message_content', $scoped_keywords, {limit: $keyword_limit})
    YIELD node, score
  WITH node AS m, score WHERE m.user_id = $user_id
  RETURN m, score, 'keyword' AS via
  UNION ALL
  // Topic overlap (skipped when $topic_limit is 0): the person's topics nearest to the
  // question, plus the topics this chat already has; messages linked to them, scored by
  // the sum of their links' scores. Topics are per person, so these are theirs.
  WITH 1 AS _ WHERE $topic_limit > 0
  CALL () {
    WITH 1 AS __ WHERE $embedding IS NOT NULL
    MATCH (t:Topic)
      SEARCH t IN (VECTOR INDEX topic_embedding FOR $embedding WHERE t.user_id = $user_id LIMIT 3)
      SCORE AS similarity
    WITH t WHERE 2 * similarity - 1 >= $topic_floor  // the floor is a cosine, as above
    RETURN t
    UNION
    MATCH (:Chat {id: $chat_id})<-[:BELONGS_TO]-(said:Message)-[:BELONGS_TO]->(t:Topic)
    WHERE said.user_id = $user_id
    RETURN t
  }
  MATCH (t)<-[link:BELONGS_TO]-(m:Message)
  WHERE m.user_id = $user_id
  WITH m, sum(link.score) AS score
  ORDER BY score DESC LIMIT $topic_limit
  RETURN m, score, 'topic' AS via
}
WITH m, score, via
WHERE m.status = 'complete' AND NOT m.id IN $exclude_ids
MATCH (m)-[:BELONGS_TO]->(c:Chat)
WHERE c.id <> $chat_id AND c.deleted_at IS NULL
OPTIONAL MATCH (m)-[:FOLLOWS]->(up:Message {role: 'user'})
OPTIONAL CALL (m) {
  MATCH (down:Message {role: 'assistant', status: 'complete'})-[:FOLLOWS]->(m)
  RETURN down ORDER BY down.created_at DESC LIMIT 1
}
WITH m, score, via, c,
     CASE m.role WHEN 'user' THEN m ELSE up END AS prompt,
     CASE m.role WHEN 'user' THEN down ELSE m END AS reply
WHERE prompt IS NOT NULL AND reply IS NOT NULL AND NOT prompt.id IN $exclude_ids
// The messages just before and after the one found, on its branch (whatever their
// role): when single messages are the unit, a hit's neighbours lend it some of their
// score (services/fusion.py).
OPTIONAL MATCH (m)-[:FOLLOWS]->(before:Message)
OPTIONAL CALL (m) {
  MATCH (next:Message {status: 'complete'})-[:FOLLOWS]->(m)
  RETURN next ORDER BY next.created_at DESC LIMIT 1
}
// The prompt's time as microseconds since the epoch, as in @message(m): decoding up to
// 80 DateTimes per assembly was a third of the client's share of this query.
RETURN via, score, c.id AS chat_id, c.title AS chat_title, m.id AS message_id,
       [n IN [before, next] WHERE n IS NOT NULL AND n.status = 'complete' AND n.content <> ''
        | n {.id, .role, .content}] AS neighbours,
       prompt {.id, .content,
               created_at: prompt.created_at.epochSeconds * 1000000 + prompt.created_at.microsecond} AS prompt,
       reply {.id, .content} AS reply
ORDER BY via, score DESC

// name: search
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
RETURN via, score, c.title AS chat_title, @message(m) AS message,
       h IS NOT NULL AND EXISTS { MATCH (h)-[:FOLLOWS*0..]->(m) } AS on_active_branch

// name: warm_up_subject
// The most recent complete prompt with a vector, in a live chat: the server assembles
// its context a few hundred times after a start (services/warm_up.py). Walks the
// created_at index newest first and stops at the first that qualifies.
MATCH (m:Message)
WHERE m.created_at IS NOT NULL
WITH m ORDER BY m.created_at DESC
WHERE m.role = 'user' AND m.status = 'complete' AND m.embedding IS NOT NULL
MATCH (m)-[:BELONGS_TO]->(c:Chat)
WHERE c.deleted_at IS NULL
RETURN m.user_id AS user_id, c.id AS chat_id, m.id AS message_id, m.content AS content,
       m.embedding AS embedding
LIMIT 1

// name: missing_embeddings
// With the turn each message answers: a message's vector is made of both
// (embeddings/message_text.py).
MATCH (m:Message)
WHERE m.embedding IS NULL AND m.status = 'complete' AND m.content <> ''
WITH m LIMIT $limit
OPTIONAL MATCH (m)-[:FOLLOWS]->(answered:Message)
RETURN m.id AS id, m.content AS content, answered.content AS answered

// name: count_missing_embeddings
MATCH (m:Message)
WHERE m.embedding IS NULL AND m.status = 'complete' AND m.content <> ''
RETURN count(m) AS missing

// name: provenance
// What a reply was built from: USED_CONTEXT edges in rank order, with the chats.
MATCH (r:Message {id: $message_id})
WHERE r.user_id = $user_id
MATCH (r)-[u:USED_CONTEXT]->(m:Message)-[:BELONGS_TO]->(c:Chat)
RETURN u.via AS via, u.score AS score, u.rank AS rank, c.title AS chat_title, @message(m) AS message
ORDER BY u.rank

// name: missing_embeddings_of
// One person's messages still without a vector (the import's embedding pass), with the
// turn each answers.
MATCH (m:Message {user_id: $user_id})
WHERE m.embedding IS NULL AND m.status = 'complete' AND m.content <> ''
WITH m LIMIT $limit
OPTIONAL MATCH (m)-[:FOLLOWS]->(answered:Message)
RETURN m.id AS id, m.content AS content, answered.content AS answered

// name: embedded_after
// Every complete message (one person's, or everyone's with a null $user_id) whose id
// sorts after $after, in id order, with the turn each answers: `threadgraph embeddings
// rebuild` walks the whole history with it to make every vector again.
MATCH (m:Message)
WHERE m.id > $after AND ($user_id IS NULL OR m.user_id = $user_id)
  AND m.status = 'complete' AND m.content <> ''
WITH m ORDER BY m.id LIMIT $limit
OPTIONAL MATCH (m)-[:FOLLOWS]->(answered:Message)
RETURN m.id AS id, m.content AS content, answered.content AS answered

// name: count_missing_embeddings_of
MATCH (m:Message {user_id: $user_id})
WHERE m.embedding IS NULL AND m.status = 'complete' AND m.content <> ''
RETURN count(m) AS missing

// name: set_embeddings
UNWIND $rows AS row
MATCH (m:Message {id: row.id})
SET m.embedding = row.embedding
