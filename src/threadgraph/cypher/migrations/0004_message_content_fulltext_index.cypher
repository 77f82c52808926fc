// Keyword search and keyword memory retrieval over what people and models wrote.
CREATE FULLTEXT INDEX message_content IF NOT EXISTS FOR (m:Message) ON EACH [m.content];
