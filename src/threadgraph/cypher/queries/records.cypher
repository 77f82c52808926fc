// How a record is projected, written once (store/records.py reads these shapes).
// A fragment is used as @name(variable) in any query file; its own inner variables are
// spelled so they cannot meet a query's.

// fragment: message(m)
// created_at as microseconds since the epoch: the driver's DateTime decoding was a
// measurable part of every context assembly, an integer costs nothing (same instant).
m {.id, .user_id, .role, .content, .status, .model, .tokens, .prompt_tokens, .error,
   created_at: m.created_at.epochSeconds * 1000000 + m.created_at.microsecond,
   chat_id: [(m)-[:BELONGS_TO]->(of_chat:Chat) | of_chat.id][0],
   parent_id: [(m)-[:FOLLOWS]->(of_parent:Message) | of_parent.id][0]}

// fragment: chat(c)
// Times as microseconds since the epoch, as in message(m): decoding two DateTimes per
// chat was most of listing 30 chats: 8.1 against 3.1 ms with integers (the whole list query 11.8 -> 6.6 ms).
c {.id, .title, .title_source, .model,
   created_at: c.created_at.epochSeconds * 1000000 + c.created_at.microsecond,
   updated_at: c.updated_at.epochSeconds * 1000000 + c.updated_at.microsecond,
   head_id: [(c)-[:HEAD]->(of_head:Message) | of_head.id][0],
   forked_from_id: [(c)-[:FORKED_FROM]->(of_fork:Message) | of_fork.id][0]}

// fragment: account(u)
// A person with an account; never the password hash.
u {.id, .name, .login, .email, .role, .disabled, .created_at}

// fragment: api_key(k)
// A key as listed; never its hash.
k {.id, .name, .prefix, .created_at, .expires_at, .last_used_at, .revoked_at}
