// Replies being written (store/leases.py). A streaming reply carries its writer's
// instance id (`owner`) and `lease_until`; the writer renews the lease with every
// checkpoint and about once a second. Any replica may end a reply whose lease ran out;
// a stop asked on any replica is a flag the writer reads when it renews.

// name: checkpoint
// Keep what has streamed so far and renew the lease; only while the reply is still being
// written. Tells the writer whether a stop was asked for.
MATCH (m:Message {id: $message_id})
WHERE m.status = 'streaming'
SET m.content = $content, m.lease_until = $lease_until
RETURN coalesce(m.stop_requested, false) AS stop_requested

// name: renew
// The writer's replies still streaming get a new lease, and the text each has streamed
// since the last round ($texts: reply id -> text; one write for all of this process's
// replies, not one per reply and second); returns, of $ids, those the writer should
// stop: a stop was asked for, or the reply has ended meanwhile (another replica ended it
// after the lease ran out while Neo4j was out of reach).
UNWIND $ids AS id
OPTIONAL MATCH (m:Message {id: id})
WITH id, m, m.status = 'streaming' AS streaming
CALL (m, streaming, id) {
  // The status is read again once the reply's write lock is held (Neo4j reads what is
  // committed when it reads): a reply whose end commits meanwhile is left as it ended,
  // not given a lease (or older text) after it (the Cypher manual's "lost updates").
  WITH m WHERE streaming
  SET m._renewing = true
  REMOVE m._renewing
  WITH m WHERE m.status = 'streaming'
  SET m.lease_until = $lease_until, m.content = coalesce($texts[id], m.content)
}
WITH id, coalesce(streaming, false) AS streaming, coalesce(m.stop_requested, false) AS asked
WHERE asked OR NOT streaming
RETURN collect(id) AS stop

// name: request_stop
// Ask the writer of one of the person's streaming replies to stop, wherever it runs.
MATCH (m:Message {id: $message_id, user_id: $user_id})
WHERE m.status = 'streaming'
SET m.stop_requested = true
RETURN m.id AS id

// name: expire
// Replies still `streaming` whose lease ran out: their writer died (or lost Neo4j for
// longer than the lease). One written before leases existed has none: also cut off.
MATCH (m:Message {status: 'streaming'})
WHERE m.lease_until IS NULL OR m.lease_until < $now
SET m.status = 'incomplete', m.error = $reason
REMOVE m.owner, m.lease_until, m.stop_requested
RETURN count(m) AS marked
