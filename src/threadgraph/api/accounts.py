"""Accounts (THREADGRAPH_AUTH=accounts): one's own account and API keys (/api/account),
and the admin's management of people (/api/admin/users). In local mode these answer 400:
there is one local user and no sign-in."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from threadgraph.api.deps import AccountsDep, AdminDep, KeysDep, PersonDep
from threadgraph.api.schemas import NON_BLANK, RequestBody
from threadgraph.models import Account, AccountRole, ApiKey
from threadgraph.services.api_keys import MAX_DAYS
from threadgraph.services.api_keys import MAX_NAME as MAX_KEY_NAME

router = APIRouter(prefix="/api", tags=["accounts"])


class AccountPublic(BaseModel):
    id: str
    name: str
    login: str
    email: str | None
    role: AccountRole
    disabled: bool
    created_at: datetime

    @classmethod
    def of(cls, account: Account) -> AccountPublic:
        return cls(**account.__dict__)


class AccountCreate(RequestBody):
    name: str
    login: str | None = Field(default=None, description="Default: the name, lowercased")
    email: str | None = None
    role: AccountRole = AccountRole.MEMBER
    password: str | None = Field(
        default=None, description="Left out: a one-time password is made and returned once"
    )


class AccountCreated(BaseModel):
    account: AccountPublic
    password: str | None = Field(description="The one-time password made, shown only now")


class AccountUpdate(RequestBody):
    disabled: bool


class KeyPublic(BaseModel):
    id: str
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> KeyPublic:
        return cls(**key.__dict__)


class KeyCreate(RequestBody):
    name: str = Field(json_schema_extra={"pattern": NON_BLANK, "maxLength": MAX_KEY_NAME})
    expires_in_days: int | None = Field(
        default=None,
        description="Left out: never expires",
        json_schema_extra={"minimum": 1, "maximum": MAX_DAYS},
    )


class KeyCreated(BaseModel):
    key: KeyPublic
    secret: str = Field(description="The key, for Authorization: Bearer; shown only now")


# -- one's own account ----------------------------------------------------------------------


@router.get("/account", response_model=AccountPublic)
def my_account(person: PersonDep, accounts: AccountsDep) -> AccountPublic:
    return AccountPublic.of(accounts.get(person.user_id))


@router.delete("/account", status_code=204)
def delete_my_account(person: PersonDep, accounts: AccountsDep) -> Response:
    """Delete your account and everything in it: chats, messages, topics, keys, imports."""
    accounts.delete(person.user_id)
    return Response(status_code=204)


@router.get("/account/keys", response_model=list[KeyPublic])
def my_keys(person: PersonDep, keys: KeysDep) -> list[KeyPublic]:
    return [KeyPublic.of(k) for k in keys.keys(person.user_id)]


@router.post("/account/keys", response_model=KeyCreated, status_code=201)
def create_key(body: KeyCreate, person: PersonDep, keys: KeysDep) -> KeyCreated:
    made, secret = keys.create(person.user_id, body.name, body.expires_in_days)
    return KeyCreated(key=KeyPublic.of(made), secret=secret)


@router.delete("/account/keys/{key_id}", response_model=KeyPublic)
def revoke_key(key_id: str, person: PersonDep, keys: KeysDep) -> KeyPublic:
    """Revoke one of your keys: refused at once here, within seconds on other replicas."""
    return KeyPublic.of(keys.revoke(person.user_id, key_id))


# -- the admin's ------------------------------------------------------------------------------


@router.get("/admin/users", response_model=list[AccountPublic])
def list_people(_: AdminDep, accounts: AccountsDep) -> list[AccountPublic]:
    return [AccountPublic.of(a) for a in accounts.all()]


@router.post("/admin/users", response_model=AccountCreated, status_code=201)
def create_person(body: AccountCreate, _: AdminDep, accounts: AccountsDep) -> AccountCreated:
    account, password = accounts.create(body.name, body.login, body.email, body.role, body.password)
    return AccountCreated(account=AccountPublic.of(account), password=password)


@router.patch("/admin/users/{user_id}", response_model=AccountPublic)
def update_person(
    user_id: str, body: AccountUpdate, _: AdminDep, accounts: AccountsDep
) -> AccountPublic:
    """Disable (their keys stop working) or enable a person."""
    return AccountPublic.of(accounts.set_disabled(user_id, body.disabled))


@router.delete("/admin/users/{user_id}", status_code=204)
def delete_person(user_id: str, _: AdminDep, accounts: AccountsDep) -> Response:
    """Delete a person and everything of theirs."""
    accounts.delete(user_id)
    return Response(status_code=204)
