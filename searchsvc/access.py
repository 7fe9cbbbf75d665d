"""Who may read the archive: keys on API requests, a sign-in for the page, rate limits.

Off until ``searchsvc keys add`` makes the first key (:mod:`searchsvc.keys`). Then:

- an API request needs ``Authorization: Bearer KEY`` (or the page's session cookie): 401
  ``key_required`` / ``invalid_key`` without a valid one, 403 ``key_revoked`` with a revoked
  one. ``/api/health`` answers without a key, but only ``{"status": "ok"}``;
- a page request without a session is sent to ``/sign-in``, whose form takes a key and sets
  a session cookie (HttpOnly, SameSite=Strict, Secure when the public URL is https),
  signed with the keys file's secret, so every worker process and a restart accept it; a
  key revoked ends its sessions at the next request;
- expensive requests (exports, related coverage, batch submissions) are limited per key
  and per address (``429 rate_limited`` with ``Retry-After``). Admin keys are not limited.

The keys file is read again when it changes (one ``stat`` per request), so ``keys
revoke`` takes effect on a running server at once.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, g, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .errors import SearchError
from .keys import FILE, Key, KeyRing, read_keys

EXTENSION = "searchsvc.access"
COOKIE = "searchsvc_session"
SESSION_SECONDS = 12 * 3600  # a signed-in page stays signed in for a working day
OPEN_PATHS = ("/static/", "/sign-in", "/sign-out", "/favicon.ico")


class Unauthorized(SearchError):
    status = 401


class Forbidden(SearchError):
    status = 403


class RateLimited(SearchError):
    status = 429

    def __init__(self, retry_after: int):
        super().__init__("rate_limited", f"too many expensive requests (exports, related"
                         f" coverage, batches); try again in {retry_after} s")
        self.retry_after = retry_after


class Keys:
    """The keys file of one index folder, read again whenever it changes."""

    def __init__(self, index: Path):
        self.path = Path(index) / FILE
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._ring = KeyRing((), "")

    def ring(self) -> KeyRing:
        try:
            status = self.path.stat()
            stamp = (status.st_mtime_ns, status.st_size)
        except FileNotFoundError:
            stamp = (0, 0)
        if stamp != self._stamp:
            with self._lock:
                # A file that exists but cannot be read keeps the server shut, not open.
                self._ring = read_keys(self.path.parent) if stamp != (0, 0) else KeyRing((), "")
                self._stamp = stamp
        return self._ring


class Limiter:
    """At most ``per_minute`` requests in any 60 s per client (a key or an address), in
    this process (a server of N worker processes allows up to N times as many)."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def take(self, client: str, now: float | None = None) -> int:
        """0 when allowed (and counted), else the seconds until one more is."""
        now = time.monotonic() if now is None else now
        with self._lock:
            seen = self._seen[client]
            while seen and seen[0] <= now - 60:
                seen.popleft()
            if len(seen) >= self.per_minute:
                return max(1, math.ceil(seen[0] + 60 - now))
            seen.append(now)
            return 0


def expensive(method: str, path: str, args) -> bool:
    """Exports, related coverage and batch submissions: the requests that cost the most."""
    return (path == "/api/search" and args.get("format") in ("csv", "jsonl")) \
        or path.endswith("/related") or (method == "POST" and path in ("/api/batch", "/batch"))


def presented_key(keys: KeyRing, secret_cookie: str | None) -> tuple[Key | None, str]:
    """The key of the request (header first, then the session cookie), and what is
    wrong when there is none: '' (no key given), 'invalid' or 'revoked'."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return None, "invalid"
        key = keys.match(value.strip())
        if key is None:
            return None, "invalid"
        return (key, "") if key.active else (None, "revoked")
    if not secret_cookie:
        return None, ""
    try:  # a session names its key and the key's hash, so re-adding a name ends it too
        data = _sessions(keys).loads(secret_cookie, max_age=SESSION_SECONDS)
    except BadSignature:  # also a session past its age
        return None, ""
    key = keys.named(str(data.get("name"))) if isinstance(data, dict) else None
    if key is not None and key.hash[:16] == data.get("h"):
        return (key, "") if key.active else (None, "revoked")
    return None, ""


def _sessions(keys: KeyRing) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(keys.secret, salt="searchsvc-session")


def install(app: Flask, index: Path, per_minute: int, https: bool) -> None:
    """Check every request of ``app`` against the keys of ``index``; add the sign-in."""
    keys, limiter = Keys(index), Limiter(per_minute)
    app.extensions[EXTENSION] = keys

    @app.before_request
    def require_key():
        ring = keys.ring()
        g.key = None
        if not ring.enabled or request.path.startswith(OPEN_PATHS):
            return None
        key, problem = presented_key(ring, request.cookies.get(COOKIE))
        if key is None and request.path == "/api/health" and not problem:
            return None  # answers, without the content (api.health)
        if key is None:
            if request.path.startswith("/api/") or request.headers.get("Authorization"):
                raise _refusal(problem)
            # a page: sign in (again, when the session's key was revoked)
            return redirect(url_for("sign_in", next=request.full_path.rstrip("?")))
        g.key = key
        if per_minute and not key.admin \
                and expensive(request.method, request.path, request.args):
            wait = max(limiter.take(f"key:{key.name}"),
                       limiter.take(f"address:{request.remote_addr}"))
            if wait:
                raise RateLimited(wait)
        return None

    @app.errorhandler(RateLimited)
    def rate_limited(error: RateLimited):
        response = app.json.response(error.to_dict())
        response.status_code = 429
        response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.errorhandler(Unauthorized)
    def unauthorized(error: Unauthorized):
        response = app.json.response(error.to_dict())
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="searchsvc"'
        return response

    def sign_in():
        ring = keys.ring()
        target = _local(request.values.get("next", "/"))
        if request.method == "GET":
            return render_template("sign_in.html", next=target, problem="",
                                   enabled=ring.enabled)
        key = ring.match(request.form.get("key", "").strip())
        if key is None or not key.active:
            problem = "That key was revoked." if key else "That is not a key of this archive."
            return render_template("sign_in.html", next=target, problem=problem,
                                   enabled=ring.enabled), 401 if key is None else 403
        response = redirect(target)
        response.set_cookie(COOKIE, _sessions(ring).dumps({"name": key.name,
                                                           "h": key.hash[:16]}),
                            max_age=SESSION_SECONDS, httponly=True, samesite="Strict",
                            secure=https)
        return response

    def sign_out():
        response = redirect(url_for("sign_in"))
        response.delete_cookie(COOKIE, httponly=True, samesite="Strict", secure=https)
        return response

    app.add_url_rule("/sign-in", "sign_in", sign_in, methods=["GET", "POST"])
    app.add_url_rule("/sign-out", "sign_out", sign_out, methods=["POST"])


def _refusal(problem: str) -> SearchError:
    if problem == "revoked":
        return Forbidden("key_revoked", "this key was revoked; ask the archive's operator"
                                        " for a new one")
    if problem == "invalid":
        return Unauthorized("invalid_key", "this is not a key of this archive (send"
                                           " Authorization: Bearer KEY)")
    return Unauthorized("key_required", "this archive needs a key: send Authorization:"
                                        " Bearer KEY (`searchsvc keys add NAME` makes one)")


def _local(target: str) -> str:
    """Only a path of this site to go back to after signing in (no open redirect)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def signed_in() -> Key | None:
    """The key of the current request, when access needs keys."""
    return g.get("key")
