"""A real server under hostile traffic (127.0.0.1 only, bounded): odd and huge queries from
four clients at once, and 200 clients that connect and never finish a request."""

from __future__ import annotations

import socket
import time
import urllib.request

from scripts.benchlib.hostile import hammer, hostile_requests


def test_hostile_requests_from_four_clients_never_fail(server, seed_index):
    tally = hammer(server, hostile_requests(2000, seed=20201231), clients=4,
                   forbidden=(str(seed_index), "/tmp/", "Traceback"))
    assert tally.failures == []  # no 5xx, reset, timeout, server path or non-JSON API error
    assert sum(tally.statuses.values()) == 2000
    assert tally.statuses[200] > 300 and tally.statuses[400] > 300  # both kinds exercised


def _health(server: str) -> int:
    with urllib.request.urlopen(f"{server}/api/health", timeout=5) as response:
        return response.status


def test_slow_and_idle_clients_do_not_hold_the_server(server):
    host, port = server.removeprefix("http://").split(":")
    idle = [socket.create_connection((host, int(port))) for _ in range(100)]
    slow = [socket.create_connection((host, int(port))) for _ in range(100)]
    try:
        for connection in slow:  # half a request, never finished ("slowloris")
            connection.sendall(b"GET /api/search?q=Iran HTTP/1.1\r\nHost: x\r\n")
        time.sleep(0.5)
        assert _health(server) == 200  # every thread is still free
        with urllib.request.urlopen(f"{server}/api/search?q=Soleimani", timeout=5) as found:
            assert found.status == 200
        # the server hangs up on clients that do not finish their headers (10 s)
        slow[0].settimeout(15)
        assert slow[0].recv(1024) == b""
    finally:
        for connection in idle + slow:
            connection.close()
    assert _health(server) == 200


def test_schemathesis_finds_the_served_contract_kept(server, tmp_path):
    """schemathesis against /api/openapi.json: no 5xx, and statuses, content types, headers
    and bodies as the document says (scripts/benchlib/hostile.py says which checks and why)."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from scripts.benchlib.hostile import CHECKS

    tool = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
    # One worker: with four, schemathesis' coverage phase parses lambdas' source in threads
    # at once and Python 3.11's ast.parse fails inside it ("AST constructor recursion depth
    # mismatch", a Runtime Error of the tool, not of the API): two runs in three once the
    # batch endpoints were added, none in three with one worker.
    run = subprocess.run([tool, "run", f"{server}/api/openapi.json", "--workers", "1",
                          "--max-examples", "60", "--seed", "1", "--request-timeout", "10",
                          "--checks", CHECKS, "--phases", "examples,coverage,fuzzing"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "passed" in run.stdout


def test_long_requests_get_the_json_error_shape(server):
    import http.client
    import json

    host, port = server.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        # a 20 KB query: past gunicorn's 8 KB line cap, answered by the app
        # (and a 33 KB line of repeated parameters: read, and answered)
        connection.request("GET", "/api/search?q=" + "Iran+" * 4000)
        response = connection.getresponse()
        assert response.status == 400
        assert json.loads(response.read())["error"]["code"] == "query_too_long"
        connection.request("GET", "/api/articles/2?" + "source=abcdefghijklmnopqrstuvwxyz&" * 1000)
        response = connection.getresponse()
        assert response.status == 404
        assert json.loads(response.read())["error"]["code"] == "article_not_found"
        # a parameter repeated 4,000 times (132 KB): refused before it is read, in JSON
        connection.request("GET", "/api/articles/2?" + "source=abcdefghijklmnopqrstuvwxyz&" * 4000)
        response = connection.getresponse()
        assert (response.status, response.getheader("Content-Type")) == (431, "application/json")
        assert json.loads(response.read())["error"]["code"] == "request_too_large"
    finally:
        connection.close()
    assert _health(server) == 200
