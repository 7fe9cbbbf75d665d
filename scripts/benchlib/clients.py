"""The clients and what they measure: one keep-alive connection each, one client going
through the queries server by server, and C closed-loop clients at once."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field

from .common import HOST, REQUEST_TIMEOUT
from .queries import query_kind
from .servers import Server

WARM_UP = 5
KEEP_ERRORS = 5


@dataclass
class Phase:
    """What one server answered in one phase."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    no_hits: int = 0
    facets_timed_out: int = 0
    seconds: float = 0.0
    stopped_early: bool = False
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    def failed(self, what: str) -> None:
        self.errors += 1
        if len(self.error_samples) < KEEP_ERRORS:
            self.error_samples.append(what)


class Client:
    """One keep-alive connection; a stale one (closed by the server while idle) is reopened
    once, as browsers and urllib3 do, rather than counted as the server's error."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection: http.client.HTTPConnection | None = None

    def get(self, path: str) -> tuple[int, bytes, float]:
        for attempt in (1, 2):
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port,
                                                             timeout=REQUEST_TIMEOUT)
            started = time.perf_counter()
            try:
                self.connection.request("GET", path)
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if reused and attempt == 1:
                    continue
                raise
            except (OSError, http.client.HTTPException):
                self.close()
                raise
            elapsed = (time.perf_counter() - started) * 1000
            if response.will_close:
                self.close()
            return response.status, body, elapsed
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def one_request(client: Client, server: Server, query: str, phase: Phase, lock: threading.Lock,
                inspect: bool = False) -> None:
    try:
        status, body, elapsed = client.get(server.path_for(query))
    except (OSError, http.client.HTTPException) as error:
        with lock:
            phase.statuses[type(error).__name__] += 1
            phase.failed(f"{type(error).__name__}: {error} for {query!r}")
        return
    with lock:
        phase.statuses[status] += 1
        if status != 200:
            text = body[:400].decode("utf-8", errors="replace")
            phase.failed(f"HTTP {status} for {query!r}: {text}")
            return
        phase.latencies_ms.append(elapsed)
        phase.by_kind.setdefault(query_kind(query), []).append(elapsed)
    if inspect:  # outside the timing: parsing the answer is the client's cost
        try:
            answer = json.loads(body)
        except ValueError:
            answer = {}
        phase.no_hits += server.hits_of(answer) == 0
        phase.facets_timed_out += bool(answer.get("facets_timed_out"))


def sequential(servers: list[Server], queries: list[str]) -> dict[str, Phase]:
    """Every query once per server, interleaved; the first server alternates per query so that
    neither always follows the other's work."""
    phases = {s.name: Phase() for s in servers}
    clients = {s.name: Client(s.port) for s in servers}
    lock = threading.Lock()
    for i, query in enumerate(queries):
        for server in servers if i % 2 == 0 else servers[::-1]:
            one_request(clients[server.name], server, query, phases[server.name], lock,
                        inspect=True)
    for client in clients.values():
        client.close()
    return phases


def closed_loop(server: Server, queries: list[str], clients: int, limit: float,
                phase: Phase) -> None:
    """C threads, each sending the queries once from its own offset, back to back."""
    lock = threading.Lock()
    gate = threading.Barrier(clients + 1)
    deadline = time.monotonic() + limit

    def work(number: int) -> None:
        client = Client(server.port)
        offset = number * len(queries) // clients
        gate.wait()
        for j in range(len(queries)):
            if time.monotonic() > deadline:
                phase.stopped_early = True
                break
            one_request(client, server, queries[(offset + j) % len(queries)], phase, lock)
        client.close()

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    phase.seconds += time.perf_counter() - started


def warm_up(servers: list[Server], queries: list[str]) -> None:
    """A few unmeasured requests: lazy imports, first reader, SQLite's schema cache."""
    for server in servers:
        client = Client(server.port)
        for query in queries[:WARM_UP]:
            # A failure here shows again in the measured phases, which count errors.
            with suppress(OSError, http.client.HTTPException):
                client.get(server.path_for(query))
        client.close()
