"""Access keys: off by default; with one, nothing of the archive without a valid key."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.benchlib.hostile import hostile_requests
from searchsvc.access import COOKIE
from searchsvc.app import create_app
from searchsvc.keys import FILE, add_key, revoke_key
from searchsvc.settings import Settings
from tests.server import running_server

SEARCH = "/api/search?q=Soleimani"
EXPORT = "/api/search?q=Iran&format=csv"


def keys_cli(index: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "searchsvc.cli", "keys", *args, "--index",
                           str(index)], capture_output=True, text=True, timeout=60)


@pytest.fixture
def index(seed_index: Path, tmp_path: Path) -> Path:
    """A copy of the seed index whose keys a test may change."""
    copy = tmp_path / "index"
    shutil.copytree(seed_index, copy, symlinks=True)
    return copy


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_keys_are_off_until_the_first_is_added(index: Path):
    client = create_app(index).test_client()
    assert client.get(SEARCH).status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/api/health").get_json()["articles"] == 4


def test_the_keys_command_shows_a_key_once_and_stores_only_its_hash(index: Path):
    added = keys_cli(index, "add", "alice")
    assert added.returncode == 0, added.stderr
    key = added.stdout.splitlines()[-1]
    assert key.startswith("ssk_") and len(key) == 4 + 43
    stored = (index / FILE).read_text()
    assert key not in stored and key[4:] not in stored
    assert stat.S_IMODE(os.stat(index / FILE).st_mode) == 0o600
    assert keys_cli(index, "add", "alice").returncode == 2  # the name is taken
    assert "exists" in keys_cli(index, "add", "alice").stderr
    assert keys_cli(index, "add", "bad name!").returncode == 2
    listed = keys_cli(index, "list").stdout
    assert listed.startswith("alice\treader\tcreated ") and listed.rstrip().endswith("active")
    assert key not in listed
    assert keys_cli(index, "revoke", "alice").returncode == 0
    assert "\trevoked " in keys_cli(index, "list").stdout
    assert keys_cli(index, "revoke", "nobody").returncode == 2


def test_the_api_with_keys(index: Path):
    key = add_key(index, "alice")
    client = create_app(index).test_client()
    missing = client.get(SEARCH)
    assert missing.status_code == 401
    assert missing.get_json()["error"]["code"] == "key_required"
    assert missing.headers["WWW-Authenticate"] == 'Bearer realm="searchsvc"'
    wrong = client.get(SEARCH, headers=bearer(key[:-1] + ("A" if key[-1] != "A" else "B")))
    assert (wrong.status_code, wrong.get_json()["error"]["code"]) == (401, "invalid_key")
    assert client.get(SEARCH, headers={"Authorization": f"Basic {key}"}).status_code == 401
    found = client.get(SEARCH, headers=bearer(key))
    assert found.status_code == 200 and found.get_json()["total"]["articles"] == 4
    for path in ("/api/sources", "/api/openapi.json", "/api/nowhere", EXPORT):
        assert client.get(path).status_code == 401, path
    # health answers without a key, and says nothing of the content
    assert client.get("/api/health").get_json() == {"status": "ok"}
    assert client.get("/api/health", headers=bearer(key)).get_json()["articles"] == 4
    revoke_key(index, "alice")  # read again by the running app
    revoked = client.get(SEARCH, headers=bearer(key))
    assert (revoked.status_code, revoked.get_json()["error"]["code"]) == (403, "key_revoked")


def test_only_admin_keys_list_the_keys(index: Path):
    reader, admin = add_key(index, "alice"), add_key(index, "boss", admin=True)
    client = create_app(index).test_client()
    assert client.get("/api/keys", headers=bearer(reader)).status_code == 403
    listed = client.get("/api/keys", headers=bearer(admin)).get_json()
    assert [(k["name"], k["admin"], k["revoked"]) for k in listed] == [
        ("alice", False, None), ("boss", True, None)]
    assert reader not in json.dumps(listed) and "hash" not in listed[0]


def test_the_page_signs_in_with_a_key_and_out(index: Path):
    key = add_key(index, "alice")
    client = create_app(index).test_client()
    sent = client.get("/?q=Iran")
    assert sent.status_code == 302 and sent.headers["Location"] == "/sign-in?next=/?q%3DIran"
    form = client.get("/sign-in?next=/?q%3DIran").get_data(as_text=True)
    assert 'type="password"' in form and 'value="/?q=Iran"' in form
    refused = client.post("/sign-in", data={"key": "ssk_nope", "next": "/?q=Iran"})
    assert refused.status_code == 401 and "not a key of this archive" in refused.get_data(
        as_text=True)
    signed = client.post("/sign-in", data={"key": key, "next": "/?q=Iran"})
    assert signed.status_code == 302 and signed.headers["Location"] == "/?q=Iran"
    cookie = signed.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie and "Secure" not in cookie  # served over http
    page = client.get("/?q=Iran")
    assert page.status_code == 200 and "Sign out (alice)" in page.get_data(as_text=True)
    assert client.get(SEARCH).status_code == 200  # the page's cookie serves its API calls
    client.post("/sign-out")
    assert client.get("/?q=Iran").status_code == 302


def test_sessions_end_with_their_key_and_never_redirect_off_site(index: Path):
    key = add_key(index, "alice")
    client = create_app(index).test_client()
    assert client.post("/sign-in", data={"key": key, "next": "//evil.example/x"}
                       ).headers["Location"] == "/"
    assert client.post("/sign-in", data={"key": key, "next": "https://evil.example/"}
                       ).headers["Location"] == "/"
    revoke_key(index, "alice")
    assert client.get("/").status_code == 302  # back to the sign-in
    assert client.get(SEARCH).status_code == 403


def test_the_session_cookie_is_secure_behind_https(index: Path):
    key = add_key(index, "alice")
    client = create_app(index, Settings(public_url="https://archive.example.org")
                        ).test_client()
    cookie = client.post("/sign-in", data={"key": key}).headers["Set-Cookie"]
    assert "Secure" in cookie


def test_expensive_requests_are_rate_limited_per_key(index: Path):
    reader, admin = add_key(index, "alice"), add_key(index, "boss", admin=True)
    client = create_app(index, Settings(rate_limit_per_minute=3)).test_client()
    statuses = [client.get(EXPORT, headers=bearer(reader)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/paragraphs/000_a2d3934c72cc6993%231/related",
                         headers=bearer(reader))
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert client.get(SEARCH, headers=bearer(reader)).status_code == 200  # not expensive
    assert [client.get(EXPORT, headers=bearer(admin)).status_code
            for _ in range(5)] == [200] * 5


def test_serve_refuses_other_machines_without_keys(index: Path):
    done = subprocess.run([sys.executable, "-m", "searchsvc.cli", "serve", "--index",
                           str(index), "--host", "192.0.2.10"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "has no access keys" in done.stderr and "--public" in done.stderr


def test_hostile_requests_without_a_key_get_nothing_but_health(index: Path):
    """The fuzzer's requests, keys on, none with a key: no content answered."""
    add_key(index, "alice")
    answered = []
    with running_server(index) as base:
        host, port = base.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        for method, path in hostile_requests(300, seed=5) + [
                ("GET", "/api/health"), ("GET", SEARCH), ("GET", "/articles/x")]:
            try:
                connection.request(method, path)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(host, int(port), timeout=10)
                continue
            answered.append((response.status, path, response.getheader("Location", "")))
        connection.close()
    assert len(answered) >= 290
    for status, path, location in answered:
        if path.startswith("/api/"):
            assert status in (401, 431) or (status == 200 and path == "/api/health"), path
        else:
            assert status in (302, 401, 404, 405, 431) or path.startswith("/static/"), path
            if status == 302:
                assert location.startswith("/sign-in?next="), path


@pytest.mark.browser
def test_signing_in_from_a_browser(index: Path):
    sync_api = pytest.importorskip("playwright.sync_api")
    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS

    key = add_key(index, "alice")
    with running_server(index) as base, sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = chromium.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"{base}/?q=Soleimani")
        assert page.url == f"{base}/sign-in?next=/?q%3DSoleimani"
        page.fill("#key", "ssk_wrong")
        page.click("button[type=submit]")
        assert page.locator(".sign-in-problem").inner_text() == (
            "That is not a key of this archive.")
        page.fill("#key", key)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/?q=Soleimani")
        assert page.locator(".result").count() == 4
        cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        page.click("text=Sign out (alice)")
        page.wait_for_url(f"{base}/sign-in")
        chromium.close()


def test_batch_submissions_are_rate_limited_and_need_a_key(index: Path):
    reader = add_key(index, "alice")
    client = create_app(index, Settings(rate_limit_per_minute=2)).test_client()
    body = {"data": "Soleimani\nQuds Force\n", "content_type": "text/plain"}
    assert client.post("/api/batch", **body).status_code == 401
    statuses = [client.post("/api/batch", headers=bearer(reader), **body).status_code
                for _ in range(3)]
    assert statuses == [202, 202, 429]
