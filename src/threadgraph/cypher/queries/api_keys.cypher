// API keys (store/api_keys.py): (:ApiKey {id, name, prefix, hash, created_at, expires_at,
// last_used_at, revoked_at})-[:BELONGS_TO]->(:User). A key reads tgk_<prefix>_<secret>;
// the prefix finds it, the SHA-256 of the whole key proves it. Revoked keys stay listed.

// name: create
MATCH (u:User {id: $user_id})
WHERE u.login IS NOT NULL
CREATE (k:ApiKey {
  id: $key_id, name: $name, prefix: $prefix, hash: $hash, created_at: $now,
  expires_at: $expires_at
})-[:BELONGS_TO]->(u)
RETURN @api_key(k) AS key

// name: of_user
MATCH (k:ApiKey)-[:BELONGS_TO]->(:User {id: $user_id})
RETURN @api_key(k) AS key
ORDER BY k.created_at DESC, k.id

// name: revoke
// A key of this person's only; revoking twice keeps the first time.
MATCH (k:ApiKey {id: $key_id})-[:BELONGS_TO]->(:User {id: $user_id})
SET k.revoked_at = coalesce(k.revoked_at, $now)
RETURN @api_key(k) AS key

// name: authenticate
// The owner of a live key (not revoked, not expired, its person not disabled), whose
// last use becomes now. Nothing matches a wrong secret, so nothing is written for it.
MATCH (k:ApiKey {prefix: $prefix})-[:BELONGS_TO]->(u:User)
WHERE k.hash = $hash AND k.revoked_at IS NULL AND NOT u.disabled
  AND (k.expires_at IS NULL OR k.expires_at > $now)
SET k.last_used_at = $now
RETURN k.id AS key_id, u.id AS user_id, u.role AS role, k.expires_at AS expires_at
