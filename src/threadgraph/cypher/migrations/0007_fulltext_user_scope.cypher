// The full-text index again, with the owner's id indexed beside the text, so keyword
// search asks Lucene for one person's messages (`user_id:"..." AND content:(...)`)
// instead of taking the best matches of everyone and filtering afterwards, which lost a
// person's hits when others' messages used the same words (bench/retrieval_eval.py).
DROP INDEX message_content IF EXISTS;
CREATE FULLTEXT INDEX message_content IF NOT EXISTS
FOR (m:Message) ON EACH [m.content, m.user_id];
