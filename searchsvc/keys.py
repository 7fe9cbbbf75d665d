"""Access keys: the file beside the index that says who may read the archive.

Newsrooms keep unpublished and leaked material in their archives, so a server reachable
from other machines needs keys (as Datashare's server mode, Aleph's API keys and
Meilisearch's keys do). ``searchsvc keys add NAME`` makes one and shows it once; the file
(``keys.json`` in the index folder, mode 0600) holds only each key's SHA-256, never the
key, and the secret that signs the page's session cookies. Without the file, access is
open, as a local archive on 127.0.0.1 is by default; once it lists a key, every request
needs one, even when every key has been revoked (revoking the last key shuts the archive,
it does not open it: deleting the file does).

Keys are 43 random URL-safe characters (256 bits), so a plain SHA-256 is enough: there is
nothing to guess a key from. A presented key is compared with every stored hash with
``hmac.compare_digest``, so the time taken says nothing about which one came close.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

FILE = "keys.json"
PREFIX = "ssk_"  # so a key pasted somewhere is recognisable as one
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class KeysError(ValueError):
    """A keys command that cannot be done as asked; the message says why."""


@dataclass(frozen=True)
class Key:
    name: str
    hash: str  # hex SHA-256 of the key
    admin: bool
    created: str
    revoked: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked is None


@dataclass(frozen=True)
class KeyRing:
    """The keys file as read: the keys and the session-signing secret."""

    keys: tuple[Key, ...]
    secret: str

    @property
    def enabled(self) -> bool:
        """Whether access needs a key: the file lists one (revoked or not)."""
        return bool(self.keys)

    def match(self, presented: str) -> Key | None:
        """The key (active or revoked) whose hash is the presented key's, or None."""
        digest = hash_key(presented)
        found = None
        for key in self.keys:  # every one compared: the time does not depend on which
            if hmac.compare_digest(key.hash, digest):
                found = key
        return found

    def named(self, name: str) -> Key | None:
        return next((key for key in self.keys if key.name == name), None)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


def path_of(index: Path) -> Path:
    return Path(index) / FILE


def read_keys(index: Path) -> KeyRing:
    """The index folder's keys (none: access is open). Raises OSError / ValueError for a
    file that exists but cannot be read: a server must not open up on a damaged file."""
    path = path_of(index)
    if not path.exists():
        return KeyRing((), "")
    data = json.loads(path.read_text(encoding="utf-8"))
    return KeyRing(tuple(Key(**entry) for entry in data.get("keys", [])),
                   data.get("secret", ""))


def _write(index: Path, ring: KeyRing) -> None:
    """Replace the file atomically (a reader sees the old keys or the new), mode 0600."""
    path = path_of(index)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{FILE}.{os.getpid()}")
    body = json.dumps({"secret": ring.secret, "keys": [asdict(key) for key in ring.keys]},
                      indent=1)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def add_key(index: Path, name: str, admin: bool = False) -> str:
    """Make a key named ``name``; return it (the only time it is shown)."""
    if not NAME.fullmatch(name):
        raise KeysError(f"key name {name!r}: use 1-64 letters, digits and . _ @ -, starting"
                        " with a letter or digit")
    ring = read_keys(index)
    if any(key.name == name and key.active for key in ring.keys):
        raise KeysError(f"a key named {name!r} exists; revoke it first or choose another name")
    key = PREFIX + secrets.token_urlsafe(32)
    kept = tuple(existing for existing in ring.keys if existing.name != name)
    _write(index, KeyRing(kept + (Key(name, hash_key(key), admin, _now()),),
                          ring.secret or secrets.token_hex(32)))
    return key


def revoke_key(index: Path, name: str) -> Key:
    ring = read_keys(index)
    key = ring.named(name)
    if key is None:
        raise KeysError(f"no key named {name!r} (`searchsvc keys list` shows them)")
    if not key.active:
        raise KeysError(f"the key {name!r} was revoked already, on {key.revoked}")
    revoked = Key(key.name, key.hash, key.admin, key.created, _now())
    _write(index, KeyRing(tuple(revoked if k is key else k for k in ring.keys), ring.secret))
    return revoked
