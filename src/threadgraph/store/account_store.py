"""The store's front door for accounts: people and their API keys, one transaction per
use case (as :class:`~threadgraph.store.neo4j_store.Neo4jStore` for chats), composed from
``store/users.py`` and ``store/api_keys.py``. Reached as ``Neo4jStore.accounts``."""

from __future__ import annotations

from datetime import datetime

from threadgraph.errors import Conflict
from threadgraph.models import Account, AccountRole, ApiKey, Caller
from threadgraph.store import api_keys, users
from threadgraph.store.session import Database, Tx


class AccountStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- people ---------------------------------------------------------------------------

    def create(
        self,
        user_id: str,
        name: str,
        login: str,
        email: str | None,
        role: AccountRole,
        password_hash: str,
    ) -> Account:
        def work(tx: Tx) -> Account:
            if users.by_login(tx, login) is not None:
                raise Conflict(f"the login {login!r} is taken")
            return users.create_account(tx, user_id, name, login, email, role, password_hash)

        return self.db.write(work)

    def get(self, user_id: str) -> Account:
        return self.db.read(lambda tx: users.get_account(tx, user_id))

    def by_login(self, login: str) -> tuple[Account, str] | None:
        return self.db.read(lambda tx: users.by_login(tx, login))

    def all(self) -> list[Account]:
        return self.db.read(users.accounts)

    def set_disabled(self, user_id: str, disabled: bool) -> Account:
        def work(tx: Tx) -> Account:
            if disabled:
                self._keep_an_admin(tx, user_id)
            return users.set_disabled(tx, user_id, disabled)

        return self.db.write(work)

    def set_password(self, user_id: str, password_hash: str) -> None:
        self.db.write(lambda tx: users.set_password(tx, user_id, password_hash))

    def delete(self, user_id: str) -> None:
        """The person and everything of theirs, in one transaction."""

        def work(tx: Tx) -> None:
            self._keep_an_admin(tx, user_id)
            users.delete_everything(tx, user_id)

        self.db.write(work)

    def count_everything(self, user_id: str) -> dict[str, int]:
        return self.db.read(lambda tx: users.count_everything(tx, user_id))

    # -- keys -----------------------------------------------------------------------------

    def create_key(
        self,
        user_id: str,
        key_id: str,
        name: str,
        prefix: str,
        key_hash: str,
        expires_at: datetime | None,
    ) -> ApiKey:
        return self.db.write(
            lambda tx: api_keys.create(tx, user_id, key_id, name, prefix, key_hash, expires_at)
        )

    def keys(self, user_id: str) -> list[ApiKey]:
        return self.db.read(lambda tx: api_keys.of_user(tx, user_id))

    def revoke_key(self, user_id: str, key_id: str) -> ApiKey:
        return self.db.write(lambda tx: api_keys.revoke(tx, user_id, key_id))

    def authenticate_key(
        self, prefix: str, key_hash: str, now: datetime
    ) -> tuple[Caller, datetime | None] | None:
        """A write: a key that proves itself gets its last use set to ``now``."""
        return self.db.write(lambda tx: api_keys.authenticate(tx, prefix, key_hash, now))

    @staticmethod
    def _keep_an_admin(tx: Tx, user_id: str) -> None:
        """Someone must be left who can manage accounts (and sign the others in)."""
        person = users.get_account(tx, user_id)
        if person.role is AccountRole.ADMIN and not person.disabled and users.count_admins(tx) <= 1:
            raise Conflict(
                f"{person.login} is the last admin who can sign in: make another admin first"
            )
