"""People and their API keys, with accounts on: signing in with a key, what an admin may
do, revocation and disabling honoured at once, and deleting an account leaving nothing.

Everything runs against the real app and a real Neo4j; people and keys are made through
the app's services (as the command line does) and used over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from neo4j import Driver

from tests.accounts_helpers import new_person, services_of
from tests.app_client import ready_client
from threadgraph.config import Settings
from threadgraph.errors import RateLimited, Unauthorized
from threadgraph.models import AccountRole
from threadgraph.rules import new_id
from threadgraph.services.api_keys import KeyRing, digest, make_key
from threadgraph.services.rate_limit import RateLimiter
from threadgraph.store import Neo4jStore


def test_every_api_route_wants_a_key(accounts_client: TestClient) -> None:
    routes = [
        ("GET", "/api/chats"),
        ("POST", "/api/chats"),
        ("GET", "/api/models"),
        ("GET", f"/api/messages/{new_id()}"),
        ("GET", "/api/search?q=x"),
        ("GET", "/api/topics"),
        ("GET", "/api/account"),
        ("GET", "/v1/models"),
        ("POST", "/v1/chat/completions"),
        ("POST", "/mcp"),
    ]
    for method, url in routes:
        for headers in [
            {},
            {"Authorization": "Bearer tgk_0123456789ab_" + "x" * 43},
            {"Authorization": "Bearer not-a-key"},
            {"Authorization": "Basic eDp5"},
        ]:
            response = accounts_client.request(method, url, headers=headers, json={})
            assert response.status_code == 401, (method, url, headers, response.text)
            assert response.json()["error"]["code"] == "unauthorized"
            assert response.headers["www-authenticate"].startswith("Bearer")
    # Probes stay open: a load balancer has no key.
    assert accounts_client.get("/health/live").status_code == 200


def test_a_key_signs_its_person_in(accounts_client: TestClient) -> None:
    alice = new_person(accounts_client)
    me = alice.get("/api/account").json()
    assert (me["id"], me["role"], me["disabled"]) == (alice.id, "member", False)
    assert "password_hash" not in me
    chat = alice.chat("mine")
    assert [c["id"] for c in alice.get("/api/chats").json()["chats"]] == [chat]


def test_keys_are_shown_once_and_revoked_at_once(accounts_client: TestClient) -> None:
    alice = new_person(accounts_client)
    made = alice.post("/api/account/keys", json={"name": "laptop", "expires_in_days": 30})
    assert made.status_code == 201, made.text
    secret, key = made.json()["secret"], made.json()["key"]
    assert secret.startswith(f"tgk_{key['prefix']}_")
    assert key["expires_at"] is not None
    listed = alice.get("/api/account/keys").json()
    assert {k["name"] for k in listed} == {"tests", "laptop"}
    assert all("secret" not in k and "hash" not in k for k in listed)
    laptop = {"Authorization": f"Bearer {secret}"}
    assert accounts_client.get("/api/chats", headers=laptop).status_code == 200
    used = {k["id"]: k for k in alice.get("/api/account/keys").json()}[key["id"]]
    assert used["last_used_at"] is not None

    revoked = alice.delete(f"/api/account/keys/{key['id']}")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert accounts_client.get("/api/chats", headers=laptop).status_code == 401
    assert alice.get("/api/chats").status_code == 200  # the other key still works


def test_a_key_is_stored_as_its_hash_only(accounts_client: TestClient, driver: Driver) -> None:
    alice = new_person(accounts_client)
    secret = alice.post("/api/account/keys", json={"name": "ci"}).json()["secret"]
    records, _, _ = driver.execute_query(
        "MATCH (k:ApiKey)-[:BELONGS_TO]->(:User {id: $id}) RETURN properties(k) AS p",
        id=alice.id,
    )
    stored = [str(v) for r in records for v in r["p"].values()]
    assert digest(secret) in stored
    assert not any(secret in v or secret.split("_")[2] in v for v in stored)


def test_another_persons_key_cannot_be_revoked_or_listed(accounts_client: TestClient) -> None:
    alice, bob = new_person(accounts_client), new_person(accounts_client)
    key_id = alice.post("/api/account/keys", json={"name": "x"}).json()["key"]["id"]
    answer = bob.delete(f"/api/account/keys/{key_id}")
    free = bob.delete(f"/api/account/keys/{new_id()}")
    assert answer.status_code == free.status_code == 404
    assert key_id not in {k["id"] for k in bob.get("/api/account/keys").json()}
    assert alice.get("/api/chats").status_code == 200


def test_an_expired_key_is_refused(accounts_client: TestClient, store: Neo4jStore) -> None:
    alice = new_person(accounts_client)
    key, prefix = make_key()
    past = datetime.now(UTC) - timedelta(seconds=1)
    store.accounts.create_key(alice.id, new_id(), "old", prefix, digest(key), past)
    assert (
        accounts_client.get("/api/chats", headers={"Authorization": f"Bearer {key}"}).status_code
        == 401
    )


def test_revocation_through_another_process_is_honoured_within_the_cache_time(
    accounts_client: TestClient, store: Neo4jStore
) -> None:
    alice = new_person(accounts_client)
    made, secret = services_of(accounts_client).keys.create(alice.id, "shared", None)
    here = KeyRing(store.accounts, cache_seconds=0.5)
    elsewhere = KeyRing(store.accounts, cache_seconds=0.5)  # another replica
    assert here.caller(secret).user_id == alice.id
    elsewhere.revoke(alice.id, made.id)
    assert here.caller(secret).user_id == alice.id  # still trusted from memory...
    time.sleep(0.6)
    with pytest.raises(Unauthorized):  # ...but not after the cache time
        here.caller(secret)


def test_members_cannot_manage_accounts_and_admins_can(accounts_client: TestClient) -> None:
    admin = new_person(accounts_client, AccountRole.ADMIN)
    member = new_person(accounts_client)
    for method, url in [
        ("GET", "/api/admin/users"),
        ("POST", "/api/admin/users"),
        ("PATCH", f"/api/admin/users/{admin.id}"),
        ("DELETE", f"/api/admin/users/{admin.id}"),
    ]:
        body = {"name": "x"} if method == "POST" else {"disabled": True}
        response = member.request(method, url, json=body)
        assert response.status_code == 403, (method, url, response.text)

    made = admin.post(
        "/api/admin/users", json={"name": "Carol Example", "login": "carol-" + new_id()[:8]}
    )
    assert made.status_code == 201, made.text
    carol = made.json()
    assert carol["account"]["role"] == "member"
    assert len(carol["password"]) >= 16
    taken = admin.post("/api/admin/users", json={"name": "x", "login": carol["account"]["login"]})
    assert taken.status_code == 409
    assert carol["account"]["id"] in {p["id"] for p in admin.get("/api/admin/users").json()}
    extra = admin.post("/api/admin/users", json={"name": "x", "user_id": new_id()})
    assert extra.status_code == 400  # no mass assignment


def test_disabling_a_person_stops_their_keys_at_once(accounts_client: TestClient) -> None:
    admin, member = new_person(accounts_client, AccountRole.ADMIN), new_person(accounts_client)
    assert member.get("/api/chats").status_code == 200  # cached now
    disabled = admin.patch(f"/api/admin/users/{member.id}", json={"disabled": True})
    assert disabled.status_code == 200
    assert disabled.json()["disabled"] is True
    assert member.get("/api/chats").status_code == 401
    admin.patch(f"/api/admin/users/{member.id}", json={"disabled": False})
    assert member.get("/api/chats").status_code == 200


def test_the_last_admin_cannot_be_disabled_or_deleted(
    accounts_client: TestClient, driver: Driver
) -> None:
    # Other tests' admins step aside: the one made next is the last who can sign in.
    driver.execute_query("MATCH (u:User {role: 'admin'}) SET u.disabled = true")
    admin = new_person(accounts_client, AccountRole.ADMIN)
    for response in [
        admin.patch(f"/api/admin/users/{admin.id}", json={"disabled": True}),
        admin.delete(f"/api/admin/users/{admin.id}"),
        admin.delete("/api/account"),
    ]:
        assert response.status_code == 409, response.text
        assert "last admin" in response.json()["error"]["message"]


def test_account_routes_say_accounts_are_off_in_local_mode(client: TestClient) -> None:
    for url in ["/api/account", "/api/account/keys", "/api/admin/users"]:
        response = client.get(url)
        assert response.status_code == 400
        assert "THREADGRAPH_AUTH" in response.json()["error"]["message"]


def test_the_first_admin_from_the_command_line(settings: Settings) -> None:
    login = f"root-{new_id()[:8]}"
    env = {**os.environ, "NEO4J_URI": settings.effective_neo4j_uri, "THREADGRAPH_AUTH": "accounts"}

    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "threadgraph.cli", "users", *args],
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    made = cli("create", "--admin", login)
    assert made.returncode == 0, made.stderr
    assert f"created admin {login}" in made.stdout
    assert "initial password (shown once" in made.stdout
    chosen = cli("create", f"{login}-b", "--password-stdin", stdin="a long enough secret\n")
    assert chosen.returncode == 0, chosen.stderr
    assert "password" not in chosen.stdout.split("\n", 1)[1]  # nothing printed back
    short = cli("create", f"{login}-c", "--password-stdin", stdin="short\n")
    assert short.returncode == 1
    assert "at least 12 characters" in short.stderr
    key = cli("key", login, "--name", "bootstrap")
    assert key.returncode == 0, key.stderr
    assert key.stdout.strip().splitlines()[-1].startswith("tgk_")
    listed = cli("list")
    assert f"{login}\tadmin" in listed.stdout
    assert f"{login}-b\tmember" in listed.stdout


def test_a_key_over_its_rate_is_told_to_wait(app_settings: Settings) -> None:
    limited = {"auth": "accounts", "key_rate_per_second": 0.5, "key_burst": 3}
    with ready_client(app_settings.model_copy(update=limited)) as client:
        alice, bob = new_person(client), new_person(client)
        assert [alice.get("/api/chats").status_code for _ in range(3)] == [200] * 3
        refused = alice.get("/api/chats")
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 2
        assert bob.get("/api/chats").status_code == 200  # buckets are per key
        time.sleep(2.1)
        assert alice.get("/api/chats").status_code == 200


def test_the_token_bucket_refills_at_its_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=2.0, burst=2, clock=lambda: now[0])
    limiter.take("k")
    limiter.take("k")
    with pytest.raises(RateLimited) as refused:
        limiter.take("k")
    assert refused.value.retry_after == 1
    now[0] = 0.5  # one token back
    limiter.take("k")
    with pytest.raises(RateLimited):
        limiter.take("k")
    RateLimiter(rate=0, burst=1).take("k")  # 0: no limit


def test_web_sign_in_sets_a_safe_cookie_wants_csrf_on_writes_and_signs_out(
    accounts_client: TestClient,
) -> None:
    alice = new_person(accounts_client)  # password "correct horse battery"
    client = accounts_client
    for login, password in [(alice.account.login, "wrong password!"), ("nobody", "x" * 12)]:
        refused = client.post("/api/session", json={"login": login, "password": password})
        assert refused.status_code == 401
        assert refused.json()["error"]["message"] == "wrong login or password"
    signed = client.post(
        "/api/session", json={"login": alice.account.login, "password": "correct horse battery"}
    )
    assert signed.status_code == 200, signed.text
    assert signed.json()["id"] == alice.id
    cookies = signed.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("tg_session="))
    assert "HttpOnly" in session
    assert "SameSite=lax" in session
    assert "HttpOnly" not in next(c for c in cookies if c.startswith("tg_csrf="))
    assert client.get("/api/chats").status_code == 200  # the cookie signs in
    assert client.post("/api/chats", json={"title": "x"}).status_code == 403  # no CSRF token
    forged = client.post("/api/chats", json={"title": "x"}, headers={"X-CSRF-Token": "guess"})
    assert forged.status_code == 403
    csrf = {"X-CSRF-Token": client.cookies["tg_csrf"]}
    assert client.post("/api/chats", json={"title": "x"}, headers=csrf).status_code == 201
    assert "web sign-in" in {k["name"] for k in alice.get("/api/account/keys").json()}
    token = client.cookies["tg_session"]
    assert client.delete("/api/session", headers=csrf).status_code == 204
    assert "tg_session" not in client.cookies
    assert client.get("/api/chats").status_code == 401
    # The session itself is revoked, not only forgotten by this browser.
    again = client.get("/api/chats", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401


def test_password_guessing_is_slowed_per_login_and_address(accounts_client: TestClient) -> None:
    alice = new_person(accounts_client)  # password "correct horse battery"
    bob = new_person(accounts_client)
    guess = {"login": alice.account.login, "password": "wrong password!"}
    for _ in range(5):  # SIGN_IN_BURST attempts at once
        assert accounts_client.post("/api/session", json=guess).status_code == 401
    right = {"login": alice.account.login, "password": "correct horse battery"}
    refused = accounts_client.post("/api/session", json=right)
    assert refused.status_code == 429  # even the right password waits now
    assert int(refused.headers["Retry-After"]) >= 1
    assert "too many sign-in attempts" in refused.json()["error"]["message"]
    assert "tg_session" not in accounts_client.cookies
    # Another person's sign-in is not held up by guesses at Alice's password.
    other = {"login": bob.account.login, "password": "correct horse battery"}
    assert accounts_client.post("/api/session", json=other).status_code == 200
