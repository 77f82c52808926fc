// Accounts (THREADGRAPH_AUTH=accounts): a person signs in with a login that is theirs
// alone, and calls the API with keys (:ApiKey)-[:BELONGS_TO]->(:User). A key is found by
// its prefix, the part of it that is not secret; only a hash of the rest is stored.
CREATE CONSTRAINT user_login IF NOT EXISTS FOR (u:User) REQUIRE u.login IS UNIQUE;
CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.id IS UNIQUE;
CREATE CONSTRAINT api_key_prefix IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.prefix IS UNIQUE;
// Deleting an account finds the person's topics by owner.
CREATE INDEX topic_user_id IF NOT EXISTS FOR (t:Topic) ON (t.user_id);
