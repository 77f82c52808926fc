// The full-text index again, with Lucene's English analyzer: words are stemmed (Porter),
// so "painting", "painted" and "paints" all match "paint", and English stop words are
// dropped. Real questions reuse the speakers' words, but seldom in the same form
// (bench/locomo_eval.py; docs/retrieval.md has the figures).
// The owner's id stays indexed beside the text (migration 0007): the English analyzer
// splits it at its hyphens like the standard one did; its five hex parts are never stop
// words, and the query is analysed the same way, so `user_id:(p1 AND ... AND p5)` still
// finds exactly the owner's messages (the Cypher WHERE re-checks the id).
DROP INDEX message_content IF EXISTS;
CREATE FULLTEXT INDEX message_content IF NOT EXISTS
FOR (m:Message) ON EACH [m.content, m.user_id]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}};
