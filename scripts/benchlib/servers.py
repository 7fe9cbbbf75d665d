"""The server processes: searchsvc and Datasette started on free ports of 127.0.0.1, waited
for until they answer, and stopped with their children however the run ends."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .common import HOST, REQUEST_TIMEOUT, TABLE, WORK, note

START_TIMEOUT = 300.0  # opening a large index, or Datasette inspecting a large file
STOP_TIMEOUT = 15.0


def tool(name: str) -> str:
    """A console script of this interpreter's environment (the project's venv), or on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"error: no `{name}` in {beside.parent} or on PATH"
                         " (pip install -e '.[bench]')")
    return found


def stop(process: subprocess.Popen) -> None:
    """End a process we started, with the children of its session: TERM, then KILL."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)  # its own session (start_new_session=True)
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_TIMEOUT)
    except ProcessLookupError:
        pass


def log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path
    path_for: Callable[[str], str]  # query → request path
    hits_of: Callable[[dict], int | None]  # answer → number of hits it reports
    info: dict = field(default_factory=dict)


def get(port: int, path: str, timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_ready(process: subprocess.Popen, port: int, path: str, log: Path) -> bytes:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"error: server exited {process.returncode}:\n{log_tail(log)}")
        try:
            status, body = get(port, path, timeout=5)
            if status == 200:
                return body
        except OSError:
            pass  # not listening yet
        time.sleep(0.3)
    raise SystemExit(f"error: no 200 from {path} within {START_TIMEOUT:.0f} s:\n{log_tail(log)}")


@contextmanager
def serving(name: str, command: list[str], ready: str, port: int) -> Iterator[tuple[Server, bytes]]:
    """A server process for the duration of the block, stopped however the block ends."""
    log = WORK / f"{name}-{port}.log"
    note(f"starting {name}: {' '.join(command)} (log: {log})")
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            body = wait_ready(process, port, ready, log)
            yield Server(name, port, process, log, lambda q: "", lambda a: None), body
        finally:
            stop(process)


def searchsvc_server(stack: ExitStack, index: Path, extra: str = "") -> Server:
    port = free_port()
    command = [tool("searchsvc"), "serve", "--host", HOST, "--port", str(port),
               "--index", str(index)]
    server, body = stack.enter_context(serving("searchsvc", command, "/api/health", port))
    server.path_for = lambda q: "/api/search?q=" + quote(q, safe="") + extra
    server.hits_of = lambda answer: answer.get("total", {}).get("articles")
    server.info = json.loads(body)
    return server


def datasette_server(stack: ExitStack, db: Path) -> Server:
    port = free_port()
    command = [tool("datasette"), "serve", str(db), "--host", HOST, "--port", str(port),
               "--setting", "sql_time_limit_ms", "10000",
               "--setting", "facet_time_limit_ms", "10000"]
    server, _ = stack.enter_context(serving("datasette", command, "/-/versions.json", port))
    base = f"/{quote(db.stem, safe='')}/{TABLE}.json?_facet=source&_facet=month&_size=10&_search="
    server.path_for = lambda q: base + quote(q, safe="")
    server.hits_of = lambda answer: answer.get("filtered_table_rows_count")
    return server
