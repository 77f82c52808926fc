// Reading server-sent events from a POST (EventSource can only GET). Event names are
// those of api/streaming.py: start, delta, done, error.
import { ApiError, send } from "./api.js";

// body undefined: a GET (re-attaching to a reply being written after a reload).
export async function streamEvents(path, body, onEvent, signal) {
  const init = { method: "GET", headers: { Accept: "text/event-stream" }, signal };
  if (body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify({ ...body, stream: true });
  }
  const response = await send(path, init);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let ended = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = parse(block);
      if (event) {
        if (event.kind === "done" || event.kind === "error") ended = true;
        onEvent(event.kind, event.data);
      }
    }
  }
  // A stream that stops without done/error: the connection broke, the reply may go on.
  if (!ended) throw new ApiError("The connection to the server broke before the reply ended.");
}

function parse(block) {
  let kind = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) kind = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  if (!data.length) return null;
  return { kind, data: JSON.parse(data.join("\n")) };
}
