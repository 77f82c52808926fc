// Imported message ids are scoped by their conversation (two conversations of an export
// may both have an "m0"): the uniqueness of 0008 becomes one message per person, source,
// conversation (`source_chat`, the conversation's id in the export) and source id.
// Messages imported before keep their ids; they are given their chat's source id so the
// new constraint covers them too.
DROP CONSTRAINT message_user_source IF EXISTS;

MATCH (m:Message)-[:BELONGS_TO]->(c:Chat)
WHERE m.source IS NOT NULL AND m.source_chat IS NULL
SET m.source_chat = c.source_id;

CREATE CONSTRAINT message_user_source_chat IF NOT EXISTS
FOR (m:Message) REQUIRE (m.user_id, m.source, m.source_chat, m.source_id) IS UNIQUE;
