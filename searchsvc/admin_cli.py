"""``searchsvc check`` and ``searchsvc keys``: the commands an operator keeps an archive
with (the build's and the server's commands are in :mod:`searchsvc.cli`), and what every
command shares: the settings from the environment, the archive opened for reading."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from . import settings
from .models import count

if TYPE_CHECKING:
    from .archive import Archive


def tuning() -> settings.Settings:
    """The settings with the environment's ``SEARCHSVC_*`` overrides; a bad one is one line."""
    try:
        return settings.Settings.from_env()
    except ValueError as error:
        raise SystemExit(f"error: {error} (from the environment)") from None


def open_index(index: str | None) -> Archive:
    """The archive a command reads (exits with one line when there is no index)."""
    from .archive import open_archive

    root = settings.index_dir(index)
    engine = open_archive(root, tuning())
    if not engine.is_usable():
        raise SystemExit(f"error: no index in {root}; build one with `searchsvc index`, or pass"
                         f" --index DIR or set {settings.INDEX_ENV}")
    return engine


def cmd_keys(args: argparse.Namespace) -> int:
    from .keys import KeysError, add_key, path_of, read_keys, revoke_key

    root = settings.index_dir(args.index)
    try:
        if args.action == "add":
            key = add_key(root, args.name, admin=args.admin)
            print(f"key {args.name!r}{' (admin)' if args.admin else ''} added to"
                  f" {path_of(root)}; it is shown this once, keep it safe:")
            print(key)
        elif args.action == "revoke":
            revoked = revoke_key(root, args.name)
            print(f"key {revoked.name!r} revoked: requests with it get 403 from now on")
        else:
            ring = read_keys(root)
            if not ring.keys:
                print(f"no keys in {root}: access is open (`searchsvc keys add NAME`)")
            for held in ring.keys:
                state = f"revoked {held.revoked}" if held.revoked else "active"
                print(f"{held.name}\t{'admin' if held.admin else 'reader'}\tcreated"
                      f" {held.created}\t{state}")
    except KeysError as problem:
        print(f"searchsvc keys: {problem}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as problem:  # a damaged keys file, a full disk
        why = problem.strerror if isinstance(problem, OSError) and problem.strerror else problem
        print(f"searchsvc keys: cannot {'read' if args.action == 'list' else 'write'}"
              f" {path_of(root)}: {why}; nothing was changed", file=sys.stderr)
        return 2
    return 0


def loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cmd_check(args: argparse.Namespace) -> int:
    from .search.check import check_folder

    root = settings.index_dir(args.index)
    builds = check_folder(root, tuning())
    if not builds:
        print(f"searchsvc check: no build in {root}; build one with `searchsvc index`",
              file=sys.stderr)
        return 1
    for build in builds:
        role = "live" if build.live else "previous"
        if build.sound:
            print(f"{build.path}: {role}, sound: {build.files} files verified,"
                  f" {count(build.articles, 'article')}, {count(build.paragraphs, 'paragraph')}")
        else:
            print(f"{build.path}: {role}, DAMAGED:")
            for problem in build.problems:
                print(f"  {problem}")
    if builds[0].live and builds[0].sound:
        return 0
    sound = [build for build in builds if build.sound]
    print("the live build is damaged: " + (
        f"a server serves the previous build {sound[0].path.name} until" if sound
        else "a server answers 503 index_corrupt until") + " `searchsvc index` rebuilds it",
        file=sys.stderr)
    return 1


def add_admin_commands(commands) -> None:
    """Register ``check`` and ``keys`` on the ``searchsvc`` command's subparsers."""
    check = commands.add_parser(
        "check", help="verify every build of the index folder (exit 1 when the live one is"
                      " damaged)")
    check.add_argument("--index", metavar="DIR", help="index folder")
    check.set_defaults(handler=cmd_check)

    keys = commands.add_parser("keys", help="access keys: with one, every request needs a key")
    key_actions = keys.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = key_actions.add_parser("add", help="make a key and show it once")
    add.add_argument("name", help="who or what holds it (letters, digits, . _ @ -)")
    add.add_argument("--admin", action="store_true",
                     help="may list the keys (/api/keys) and is not rate-limited")
    revoke = key_actions.add_parser("revoke", help="stop a key working (403 from then on)")
    revoke.add_argument("name")
    key_actions.add_parser("list", help="the keys' names, roles and dates (never the keys)")
    for parser_ in (add, revoke, key_actions.choices["list"]):
        parser_.add_argument("--index", metavar="DIR", help="index folder")
    keys.set_defaults(handler=cmd_keys)
