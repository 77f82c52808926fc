// Signing in and out (THREADGRAPH_AUTH=accounts; in local mode none of this shows).
//
// The page starts in one of three states: local mode (straight to chatting), signed in
// (/api/account answers), or signed out (it answers 401: only the sign-in form shows).
// Signing in continues in the same page: nothing of anyone's was loaded before it.
// Signing out, or a session that ends under the page (revoked, expired), loads the page
// afresh, so nothing of the person who was signed in stays in it for the next one.
import { ApiError, del, post, send } from "./api.js";
import { state } from "./state.js";
import { $, guarded } from "./ui.js";

// The signed-in person, or null when nobody is (accounts mode only).
export async function currentAccount() {
  try {
    return await (await send("/api/account")).json();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function showAccount(account) {
  state.account = account;
  $("account-name").textContent = account.name;
  $("account-name").title = `Signed in as ${account.login}`;
  $("open-people").hidden = account.role !== "admin";
  $("account").hidden = false;
}

// The sign-in form, alone on the page; resolves with the account once someone signs in.
export function askToSignIn() {
  document.body.classList.add("signed-out");
  $("sign-in").hidden = false;
  const form = $("sign-in-form");
  const problem = $("sign-in-error");
  $("sign-in-login").focus();
  return new Promise((resolve) => {
    const submit = async (event) => {
      event.preventDefault();
      problem.hidden = true;
      $("sign-in-submit").disabled = true;
      try {
        const account = await post("/api/session", {
          login: $("sign-in-login").value,
          password: $("sign-in-password").value,
        });
        form.removeEventListener("submit", submit);
        form.reset();
        $("sign-in").hidden = true;
        document.body.classList.remove("signed-out");
        resolve(account);
      } catch (error) {
        problem.textContent =
          error.status === 401
            ? "Wrong login or password. Check both and try again."
            : `Could not sign in: ${error.message}`;
        problem.hidden = false;
        $("sign-in-password").select();
      } finally {
        $("sign-in-submit").disabled = false;
      }
    };
    form.addEventListener("submit", submit);
  });
}

export async function signOut() {
  // Signed out on purpose: a request of the page's that the ended session makes fail
  // meanwhile must not reload the page with the chat still in the address.
  state.account = null;
  await del("/api/session");
  location.replace(location.pathname); // a fresh page, without the chat in the address
}

export function wireAccount() {
  $("sign-out").addEventListener("click", () => guarded(signOut));
  // A session that ended under a signed-in page: start again at the sign-in form (the
  // address is kept, so the person comes back to the chat they were in).
  window.addEventListener("threadgraph:unauthorized", () => {
    if (state.account) location.reload();
  });
}
