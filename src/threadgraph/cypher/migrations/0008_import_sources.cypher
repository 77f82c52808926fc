// Imported messages keep where they came from: `source` (chatgpt, claude, openwebui,
// librechat, threadgraph) and `source_id` (the id in that export). One message per
// person, source and source id: importing a file again finds what is already there.
// (Messages written here have no source and are not constrained.)
CREATE CONSTRAINT message_user_source IF NOT EXISTS
FOR (m:Message) REQUIRE (m.user_id, m.source, m.source_id) IS UNIQUE;
