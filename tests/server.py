"""A real `searchsvc serve` process on 127.0.0.1, for API and browser tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(index_root: Path | None, command: list[str] | None = None,
                   cwd: Path | None = None) -> Iterator[str]:
    """Start the production server on a free loopback port; yield its base URL.

    ``command`` runs instead of this interpreter's ``searchsvc`` (e.g. an installed wheel's);
    ``index_root`` None leaves the index to the command's own default (``./index``)."""
    port = free_port()
    env = dict(os.environ)
    if index_root is not None:
        env["SEARCHSVC_INDEX"] = str(index_root)
    else:
        env.pop("SEARCHSVC_INDEX", None)
    process = subprocess.Popen(
        [*(command or [sys.executable, "-m", "searchsvc.cli"]), "serve", "--host", "127.0.0.1",
         "--port", str(port)],
        env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    output = process.stdout.read() if process.stdout else ""
                    raise RuntimeError(f"server did not start:\n{output}") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
