// People (accounts mode, admins only), in the side panel: list everyone, add a person
// (their one-time password shown once), disable or enable, delete with everything of
// theirs. An admin manages accounts here and reads nobody's chats: the admin API gives
// accounts, never history.
import { del, get, patch, post } from "./api.js";
import { state } from "./state.js";
import { confirmAction, copyButton, el, guarded, openPanel, when } from "./ui.js";

export async function openPeople() {
  const name = el("input", { id: "person-name", maxlength: "100", required: true, autocomplete: "off" });
  const login = el("input", { id: "person-login", maxlength: "64", autocomplete: "off", placeholder: "default: the name" });
  const role = el("select", { id: "person-role" }, el("option", { value: "member" }, "Member"), el("option", { value: "admin" }, "Admin"));
  const form = el(
    "form",
    { id: "person-form", class: "panel-form" },
    el("label", {}, "Name", name),
    el("label", {}, "Role", role),
    el("label", {}, "Login", login),
    el("button", { type: "submit", class: "primary" }, "Add person"),
  );
  const created = el("div", { id: "new-person", role: "status" });
  const list = el("div", { id: "people-list" });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(async () => {
      const made = await post("/api/admin/users", { name: name.value, login: login.value.trim() || null, role: role.value });
      form.reset();
      created.replaceChildren(passwordShownOnce(made));
      await showPeople(list);
    });
  });
  openPanel(
    "People",
    el("p", { class: "muted" }, "Add the people who use this threadgraph. Their chats stay theirs: nobody else, not even an admin, can read them."),
    form,
    created,
    el("h3", {}, "Everyone"),
    list,
  );
  await showPeople(list);
}

function passwordShownOnce(made) {
  return el(
    "div",
    { class: "shown-once" },
    el("strong", {}, `${made.account.name} can sign in as “${made.account.login}” with this password. Give it to them now: it will not be shown again.`),
    el("code", { id: "new-person-password" }, made.password),
    copyButton(made.password, "Copy password"),
  );
}

async function showPeople(list) {
  const people = await get("/api/admin/users");
  list.replaceChildren(el("ul", { class: "item-list" }, people.map((person) => personItem(person, list))));
}

function personItem(person, list) {
  const self = state.account && person.id === state.account.id;
  const setDisabled = async (disabled) => {
    await patch(`/api/admin/users/${encodeURIComponent(person.id)}`, { disabled });
    await showPeople(list);
  };
  const remove = async () => {
    const sure = await confirmAction(`Delete ${person.name} (${person.login}) and all their chats, topics and keys? This cannot be undone.`);
    if (!sure) return;
    await del(`/api/admin/users/${encodeURIComponent(person.id)}`);
    await showPeople(list);
  };
  const actions = self
    ? [el("span", { class: "muted" }, "you")]
    : [
        el("button", { type: "button", class: "toggle", onclick: () => guarded(() => setDisabled(!person.disabled)) }, person.disabled ? "Enable" : "Disable"),
        el("button", { type: "button", class: "delete", onclick: () => guarded(remove) }, "Delete"),
      ];
  return el(
    "li",
    { class: person.disabled ? "revoked" : "", dataset: { userId: person.id } },
    el("div", { class: "item-head" }, el("strong", { class: "person-name" }, person.name), el("span", { class: "item-actions" }, actions)),
    el(
      "div",
      { class: "item-meta" },
      el("code", {}, person.login),
      el("span", {}, person.role),
      person.disabled ? el("span", { class: "person-disabled" }, "disabled") : null,
      el("span", { title: when(person.created_at) }, `since ${new Date(person.created_at).toLocaleDateString()}`),
    ),
  );
}
