// Listing a user's chats newest first, scoping messages to a user, ordering siblings.
CREATE INDEX chat_updated_at IF NOT EXISTS FOR (c:Chat) ON (c.updated_at);
CREATE INDEX message_user_id IF NOT EXISTS FOR (m:Message) ON (m.user_id);
CREATE INDEX message_created_at IF NOT EXISTS FOR (m:Message) ON (m.created_at);
CREATE INDEX message_status IF NOT EXISTS FOR (m:Message) ON (m.status);
CREATE INDEX topic_name IF NOT EXISTS FOR (t:Topic) ON (t.name);
