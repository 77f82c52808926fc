"""People (THREADGRAPH_AUTH=accounts): made by an admin (or ``threadgraph users create``),
disabled, deleted with everything of theirs, and signed in with a password.

An admin manages accounts and reads nobody's chats: no route takes another person's id
except these, and they return accounts, never history.
"""

from __future__ import annotations

import re

from threadgraph.errors import InvalidInput, NotFound, Unauthorized
from threadgraph.models import Account, AccountRole
from threadgraph.rules import new_id
from threadgraph.services import passwords
from threadgraph.services.api_keys import KeyRing
from threadgraph.services.rate_limit import RateLimiter
from threadgraph.store.account_store import AccountStore

LOGIN = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
MAX_NAME = 100


def check_login(login: str) -> str:
    login = login.strip().lower()
    if not LOGIN.match(login):
        raise InvalidInput(
            "a login is 1 to 64 of a-z, 0-9 and . _ @ -, starting with a letter or digit"
        )
    return login


# Password guessing: each (login, client address) may try SIGN_IN_BURST times at once,
# then once per SIGN_IN_EVERY_SECONDS. Keyed by both, so someone guessing a person's
# password from elsewhere does not lock that person out.
SIGN_IN_BURST = 5
SIGN_IN_EVERY_SECONDS = 10.0


class Accounts:
    def __init__(self, store: AccountStore, keys: KeyRing) -> None:
        self._store = store
        self._keys = keys
        self._attempts = RateLimiter(
            1 / SIGN_IN_EVERY_SECONDS, SIGN_IN_BURST, refusal="too many sign-in attempts"
        )

    def create(
        self,
        name: str,
        login: str | None = None,
        email: str | None = None,
        role: AccountRole = AccountRole.MEMBER,
        password: str | None = None,
    ) -> tuple[Account, str | None]:
        """A new person, and the one-time password made for them when none was given."""
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME:
            raise InvalidInput(f"a name is 1 to {MAX_NAME} characters")
        login = check_login(login if login is not None else name)
        if email is not None and not EMAIL.match(email.strip()):
            raise InvalidInput("that is not an email address")
        made = passwords.generate() if password is None else None
        hashed = passwords.hash_password(password if password is not None else str(made))
        account = self._store.create(
            new_id(), name, login, email.strip() if email else None, role, hashed
        )
        return account, made

    def get(self, user_id: str) -> Account:
        return self._store.get(user_id)

    def by_login(self, login: str) -> Account:
        found = self._store.by_login(check_login(login))
        if found is None:
            raise NotFound(f"nobody has the login {login!r}")
        return found[0]

    def all(self) -> list[Account]:
        return self._store.all()

    def set_disabled(self, user_id: str, disabled: bool) -> Account:
        account = self._store.set_disabled(user_id, disabled)
        self._keys.forget_person(account.id)
        return account

    def delete(self, user_id: str) -> None:
        """The person and everything of theirs: chats, messages, topics, keys, imports."""
        account = self._store.get(user_id)
        self._store.delete(account.id)
        self._keys.forget_person(account.id)

    def sign_in(self, login: str, password: str, client: str = "") -> Account:
        """The person with this login and password; the same refusal for a wrong login,
        a wrong password and a disabled account, after the same work. ``client`` (the
        caller's address) and the login share a budget of attempts (RateLimited past it)."""
        self._attempts.take(f"{login.strip().lower()}\n{client}")
        found = self._store.by_login(login.strip().lower())
        ok = passwords.verify(found[1] if found else None, password)
        if found is None or not ok or found[0].disabled:
            raise Unauthorized("wrong login or password")
        account, hashed = found
        if passwords.needs_rehash(hashed):
            self._store.set_password(account.id, passwords.hash_password(password))
        return account
