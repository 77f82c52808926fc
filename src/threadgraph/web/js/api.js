// Calls to the JSON API. Every failure becomes an ApiError with a sentence a person can
// read: the server's {"error": {"code", "message"}}, or why the server could not be reached.
//
// Signed in on the web (accounts mode), the session is an HttpOnly cookie the browser
// sends by itself: no script ever holds it. Every write also echoes the CSRF cookie in
// X-CSRF-Token (the server refuses a cookie-signed write without it). Every request of
// the page goes through send(), so no write can forget it.

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

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

// The CSRF cookie set at sign-in (readable by scripts of this origin only); none in local mode.
function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)tg_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : null;
}

// fetch, with every failure as an ApiError: the server unreachable, or its error answer.
// A Stop (AbortError) passes through as it is. A 401 (the session ended: signed out
// elsewhere, revoked, expired) is also announced as the "threadgraph:unauthorized" event.
export async function send(path, init = {}) {
  const method = (init.method || "GET").toUpperCase();
  const token = SAFE_METHODS.has(method) ? null : csrfToken();
  if (token) init = { ...init, headers: { ...init.headers, "X-CSRF-Token": token } };
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError("Cannot reach the threadgraph server. Is it running?");
  }
  if (response.status === 401) window.dispatchEvent(new CustomEvent("threadgraph:unauthorized"));
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
