"""``threadgraph users ...``: people from the command line, the way the first admin is
made (``threadgraph users create --admin NAME``) before anyone can sign in."""

from __future__ import annotations

import argparse
import sys

from threadgraph.config import Settings
from threadgraph.models import AccountRole
from threadgraph.services.accounts import Accounts


def run_users(settings: Settings, args: argparse.Namespace) -> int:
    from threadgraph.wiring import open_services

    with open_services(settings) as services:
        services.store.migrate()
        accounts = services.accounts
        if args.action == "create":
            return _create(accounts, args)
        if args.action == "list":
            for person in accounts.all():
                state = "  (disabled)" if person.disabled else ""
                print(f"{person.login}\t{person.role.value}\t{person.name}\t{person.id}{state}")
            return 0
        person = accounts.by_login(args.login)
        if args.action in ("disable", "enable"):
            accounts.set_disabled(person.id, args.action == "disable")
            print(f"{person.login} {args.action}d")
        elif args.action == "delete":
            accounts.delete(person.id)
            print(f"{person.login} deleted, with everything of theirs")
        elif args.action == "key":
            key, secret = services.keys.create(person.id, args.name, args.expires_days)
            print(f"API key {key.name!r} for {person.login} (shown once, keep it safe):")
            print(secret)
    return 0


def _create(accounts: Accounts, args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else None
    role = AccountRole.ADMIN if args.admin else AccountRole.MEMBER
    person, made = accounts.create(args.name, args.login, args.email, role, password)
    print(f"created {person.role.value} {person.login} ({person.id})")
    if made is not None:
        print(f"initial password (shown once; keep it safe): {made}")
    return 0
