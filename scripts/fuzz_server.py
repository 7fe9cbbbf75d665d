#!/usr/bin/env python3
"""Hostile traffic against a real `searchsvc serve` on 127.0.0.1, and a count of failures.

    scripts/fuzz_server.py [--index DIR] [--requests 10000] [--clients 4] [--schemathesis]
                           [--with-keys]

Starts the production server over INDEX_DIR (default: the seed index, built if needed),
sends ``--requests`` hostile requests (benchlib/hostile.py: huge and odd queries, operators,
wildcards, NUL bytes, bad percent-encoding, repeated and unknown parameters, odd ids and
methods) from ``--clients`` threads, and prints the statuses, every failure (5xx, reset,
timeout, server path in an answer, an API error that is not JSON), the latency median, p99
and maximum, and the five slowest requests. With ``--schemathesis`` (``pip install
schemathesis``) it then runs schemathesis against the served /api/openapi.json with four
workers. With ``--with-keys`` it serves a copy of the index with one access key and sends
the requests without it: an answer with content (anything but a refusal, the sign-in
redirect, ``/api/health`` or a static file) counts as a failure too. Exit status 1 when
anything failed. docs/reliability.md has the figures. The
server's own log goes to /tmp/searchsvc-bench/ (benchlib/servers.py starts it).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from benchlib.common import HOST, REPO
from benchlib.hostile import CHECKS, hammer, hostile_requests
from benchlib.servers import searchsvc_server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=REPO / "index")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--schemathesis", action="store_true")
    parser.add_argument("--with-keys", action="store_true")
    args = parser.parse_args(argv)
    if args.index == REPO / "index":
        subprocess.run([sys.executable, "-m", "searchsvc.cli", "index", "--if-needed",
                        "--index", str(args.index)], check=True, cwd=REPO)
    failed = False
    with ExitStack() as stack:  # the server stopped however the run ends
        served = args.index
        if args.with_keys:  # a copy, so that the archive's own keys file stays as it was
            served = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "index"
            shutil.copytree(args.index, served, symlinks=True)
            subprocess.run([sys.executable, "-m", "searchsvc.cli", "keys", "add", "fuzz",
                            "--index", str(served)], check=True, capture_output=True)
        base = f"http://{HOST}:{searchsvc_server(stack, served).port}"
        started = time.perf_counter()
        tally = hammer(base, hostile_requests(args.requests, args.seed), args.clients,
                       forbidden=(str(args.index.resolve()), str(REPO), "Traceback"),
                       private=args.with_keys)
        wall = time.perf_counter() - started
        seconds = sorted(tally.seconds)
        print(f"{len(seconds):,} requests from {args.clients} clients in {wall:.1f} s;"
              f" statuses {dict(sorted(tally.statuses.items()))}")
        print(f"latency: median {statistics.median(seconds) * 1000:.1f} ms, p99"
              f" {seconds[int(0.99 * (len(seconds) - 1))] * 1000:.1f} ms, max"
              f" {seconds[-1] * 1000:.0f} ms")
        print("slowest:")
        for took, path in tally.slowest:
            print(f"  {took * 1000:7.0f} ms  {path}")
        print(f"failures: {len(tally.failures)}")
        for failure in tally.failures[:20]:
            print(f"  {failure}")
        failed = bool(tally.failures)
        if args.schemathesis:
            tool = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
            run = subprocess.run([tool, "run", f"{base}/api/openapi.json", "--workers", "4",
                                  "--max-examples", "300", "--seed", str(args.seed),
                                  "--request-timeout", "10", "--checks", CHECKS,
                                  "--phases", "examples,coverage,fuzzing"], cwd="/tmp")
            failed = failed or run.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
