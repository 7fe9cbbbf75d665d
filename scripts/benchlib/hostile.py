"""Hostile HTTP requests, and a few concurrent clients that send them to a server on
127.0.0.1 and tally what comes back (scripts/fuzz_server.py, tests/test_hostile.py), and
the schemathesis checks the served contract is held to (the same two).

Standard library only, with no imports from the rest of benchlib: the tests import it as
``scripts.benchlib.hostile`` from the repository's root, the script as ``benchlib.hostile``.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

# Checks that hold for this API. Left out: positive_data_acceptance (page × per_page past
# hit 1,000 is a 400 the schema cannot express, as Elasticsearch's max_result_window) and
# negative_data_rejection (a query string is text: "source=false" is a source called
# "false", which schemathesis counts as a boolean that should have been refused).
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_headers_conformance,response_schema_conformance")

WORDS = ["Iran", "Soleimani", "bombers", "B-52", "Persian", "Gulf", "cocoa", "oil", "said",
         "Trump", "über", "café", "наука", "中文", "😀", "a", "the", "x" * 40]
OPERATORS = ["AND", "OR", "NOT", "-", "+", "(", ")", '"', "*", "?", "~2", "^3", ":", "title:",
             "source:", "\\", "/", "[", "]", "{", "}", "&&", "||", "!"]
PARAMS = ["q", "source", "from", "to", "sort", "group", "page", "per_page", "fuzzy", "strict",
          "collapse", "rows", "format", "limit", "topics", "unknown", ""]
ODD_VALUES = ["", " ", "0", "-1", "1e9", "99999999999999999999", "true", "maybe", "2020-13",
              "9999-12-31", "0000", "csv", "jsonl", "atom", "xml", "article", "paragraph",
              "newest", "%", "%ZZ", "%FF%FE", "%C0%AF", "%00", "%E2%80%AE", "a" * 300]
RAW = [  # sent exactly as written: bad percent-encoding, NULs, odd separators
    "/api/search?q=%FF%FE", "/api/search?q=%", "/api/search?q=%zz%2", "/api/search?q=%C0%AF",
    "/api/search?q=%00%00", "/api/search?q", "/api/search?&&&=&", "/api/search?q=a;b=c",
    "/api/search?q=" + "a%20" * 600, "/api/search?" + "source=x&" * 300,
    "/api/search?q=" + "x" * 5000, "/api/search?q=*", "/api/search?q=*?*", "/api/search?q=a*",
    "/api/articles/%FF", "/api/articles/..%2F..%2Fetc%2Fpasswd", "/api/articles/%00",
    "/api/paragraphs/%23/related", "/api/paragraphs/a%23b/related?limit=%FF",
    "/articles/%E2%80%AE", "/paragraphs/x%230/related?q=%00", "//api//search?q=Iran",
    "/static/..%2F..%2Fsearchsvc%2Fsettings.py", "/api/search?q=Iran&format=atom&sort=%FF",
    "/?q=%22Persian+Gulf&strict=true", "/?q=" + "(" * 500, "/?q=" + "NOT+" * 200,
    "/api/search?q=(+%5E3+)+%5E3",  # whoosh parsed it to a term without a field: a 500 once
]


def hostile_requests(count: int, seed: int = 1) -> list[tuple[str, str]]:
    """``count`` (method, path) pairs: the raw ones, then random odd searches and pages."""
    rng = random.Random(seed)
    out = [("GET", path) for path in RAW]
    while len(out) < count:
        kind = rng.random()
        terms = [rng.choice(WORDS + OPERATORS) for _ in range(rng.choice([1, 2, 5, 30, 200]))]
        q = rng.choice([" ", ""]).join(terms)
        params = [("q", q)]
        for _ in range(rng.choice([0, 1, 2, 5])):
            params.append((rng.choice(PARAMS), rng.choice(ODD_VALUES + WORDS)))
        query = urllib.parse.urlencode(params)
        if kind < 0.55:
            path = "/api/search?" + query
        elif kind < 0.8:
            path = "/?" + query
        elif kind < 0.9:
            ident = urllib.parse.quote(rng.choice(WORDS + ODD_VALUES), safe="")
            path = rng.choice(["/api/articles/", "/articles/"]) + ident + "?" + query
        else:
            ident = urllib.parse.quote(rng.choice(WORDS) + "#" + str(rng.randint(-1, 30)), safe="")
            path = rng.choice(["/api/paragraphs/", "/paragraphs/"]) + ident + "/related?" + query
        method = "HEAD" if rng.random() < 0.03 else ("POST" if rng.random() < 0.02 else "GET")
        out.append((method, path))
    return out[:count]


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)  # 5xx, resets, timeouts, wrong shapes
    seconds: list[float] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)  # the 5 slowest
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, seconds: float, problem: str | None, path: str = "") -> None:
        with self.lock:
            self.statuses[status] += 1
            self.seconds.append(seconds)
            self.slowest = sorted([*self.slowest, (seconds, path[:160])], reverse=True)[:5]
            if problem:
                self.failures.append(problem)


OPEN_WITHOUT_KEY = ("/api/health", "/static/", "/sign-in")


def _leak(method: str, path: str, status: int, location: str) -> str | None:
    """An answer that gave a keyless request more than a refusal or the sign-in."""
    if status >= 400 or path.startswith(OPEN_WITHOUT_KEY):
        return None
    if status in (301, 302, 303, 307, 308) and location.startswith("/sign-in"):
        return None
    return f"{status} without a key for {method} {path[:120]}"


def _check(method: str, path: str, status: int, kind: str, body: bytes,
           forbidden: tuple[str, ...]) -> str | None:
    """What is wrong with one answer, or None."""
    if status >= 500:
        return f"{status} for {method} {path[:120]}: {body[:200]!r}"
    text = body.decode("utf-8", "replace")
    for secret in forbidden:
        if secret and secret in text:
            return f"server path {secret!r} in the answer to {path[:120]}"
    if path.startswith(("/api/", "//api/")) and method == "GET" and status >= 400:
        if not kind.startswith("application/json"):
            return f"{status} {kind!r} (not JSON) for {path[:120]}"
        try:
            error = json.loads(text)["error"]
            assert error["code"] and error["message"]
        except (ValueError, KeyError, TypeError, AssertionError):
            return f"{status} without the error shape for {path[:120]}: {text[:200]!r}"
    return None


def hammer(base: str, requests: list[tuple[str, str]], clients: int = 4,
           timeout: float = 10.0, forbidden: tuple[str, ...] = (),
           private: bool = False) -> Tally:
    """Send ``requests`` from ``clients`` threads (one keep-alive connection each).
    ``private``: the server has access keys and the requests carry none, so any answer
    with content (but /api/health's, the sign-in's, a static file's) is a failure."""
    parts = urllib.parse.urlsplit(base)
    tally = Tally()
    shares = [requests[i::clients] for i in range(clients)]

    def client(share: list[tuple[str, str]]) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        for method, path in share:
            started = time.perf_counter()
            try:
                connection.putrequest(method, path, skip_accept_encoding=True)
                connection.endheaders()
                response = connection.getresponse()
                body = response.read()
                problem = _check(method, path, response.status,
                                 response.getheader("Content-Type", ""), body, forbidden)
                if private and not problem:
                    problem = _leak(method, path, response.status,
                                    response.getheader("Location", ""))
                tally.add(response.status, time.perf_counter() - started, problem, path)
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as error:
                tally.add(0, time.perf_counter() - started,
                          f"{type(error).__name__} for {method} {path[:120]}", path)
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port,
                                                        timeout=timeout)
        connection.close()

    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally
