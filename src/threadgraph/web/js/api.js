// Calls to the JSON API. Every failure becomes an ApiError with a sentence a person can
// read: the server's {"error": {"code", "message"}}, or why the server could not be reached.

export class ApiError extends Error {
  constructor(message, status = 0, code = "unreachable") {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function errorFrom(response) {
  let message = `${response.status} ${response.statusText}`;
  let code = "http_error";
  try {
    const body = await response.json();
    if (body && body.error) {
      message = body.error.message || message;
      code = body.error.code || code;
    }
  } catch {
    // not JSON: keep the status line
  }
  if (response.status === 503 && !/neo4j|database/i.test(message)) {
    message = `The database is unavailable: ${message}`;
  }
  if (response.status === 502 && !/model/i.test(message)) message = `The model failed: ${message}`;
  return new ApiError(message, response.status, code);
}

export async function call(method, path, body, { signal } = {}) {
  const init = { method, headers: {}, signal };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await send(path, init);
  if (response.status === 204) return null;
  return response.json();
}

// fetch, with every failure as an ApiError: the server unreachable, or its error answer.
// A Stop (AbortError) passes through as it is.
export async function send(path, init) {
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError("Cannot reach the threadgraph server. Is it running?");
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

export const get = (path) => call("GET", path);
export const post = (path, body) => call("POST", path, body);
export const patch = (path, body) => call("PATCH", path, body);
export const del = (path) => call("DELETE", path);

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, value);
  }
  return search.toString();
}
