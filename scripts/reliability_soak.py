#!/usr/bin/env python3
"""A long run: clients searching while the index is rebuilt, for errors and memory growth.

    python scripts/reliability_soak.py --index INDEX_DIR --corpus CORPUS_DIR \\
        [--minutes 30] [--clients 8] [--rebuild-every 300]

Starts `searchsvc serve` (its defaults) over INDEX_DIR, then for MINUTES: CLIENTS threads,
each on its own keep-alive connection, send the benchmark queries (scripts/bench_queries.txt)
one after another; a full `searchsvc index` of CORPUS_DIR into INDEX_DIR starts every
REBUILD_EVERY seconds (or as soon as the previous ends, when a build takes longer). Counted
as an error: any answer but 200 and any failed connection or timeout (60 s). The server's
RSS (its processes summed) is read every minute; the growth is from minute 5 (after the
first switch has been served) to the end. Prints one Markdown table row for
docs/reliability.md; exits 1 on any error or a growth above 10 %.
"""

from __future__ import annotations

import argparse
import http.client
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote

from benchlib.common import REPO, WORK
from benchlib.memory import tree_rss_kib
from benchlib.servers import searchsvc_server, tool

TIMEOUT = 60.0


def queries() -> list[str]:
    lines = (REPO / "scripts" / "bench_queries.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def client(port: int, mine: list[str], until: float, statuses: Counter, lock) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    index = 0
    while time.monotonic() < until:
        q = mine[index % len(mine)]
        index += 1
        try:
            connection.request("GET", f"/api/search?q={quote(q)}")
            response = connection.getresponse()
            response.read()
            outcome = str(response.status)
        except (OSError, http.client.HTTPException) as error:
            outcome = type(error).__name__
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        with lock:
            statuses[outcome] += 1
    connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, type=Path)
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rebuild-every", type=float, default=300)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    asked = queries()
    statuses: Counter = Counter()
    lock = threading.Lock()
    builds: list[tuple[float, int]] = []  # (seconds, exit status)
    rss_by_minute: list[int] = []
    with ExitStack() as stack:
        server = searchsvc_server(stack, args.index)
        started = time.monotonic()
        until = started + args.minutes * 60
        threads = [threading.Thread(target=client, daemon=True, args=(
            server.port, asked[offset::args.clients], until, statuses, lock))
            for offset in range(args.clients)]
        for thread in threads:
            thread.start()
        next_build = started + args.rebuild_every
        building: subprocess.Popen | None = None
        build_started = 0.0
        next_sample = started + 60
        while time.monotonic() < until:
            now = time.monotonic()
            if building is not None and building.poll() is not None:
                builds.append((now - build_started, building.returncode))
                building = None
            if building is None and now >= next_build:
                log = (WORK / f"soak-build-{len(builds) + 1}.log").open("w")
                building = subprocess.Popen(
                    [tool("searchsvc"), "index", "--corpus", str(args.corpus), "--index",
                     str(args.index)], stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL)
                build_started, next_build = now, now + args.rebuild_every
            if now >= next_sample:
                rss_by_minute.append(tree_rss_kib(server.process.pid))
                next_sample += 60
                print(f"minute {len(rss_by_minute)}: RSS {rss_by_minute[-1] / 1024:,.0f} MB,"
                      f" {sum(statuses.values()):,} requests, {dict(statuses)},"
                      f" builds {builds}", file=sys.stderr, flush=True)
            time.sleep(0.5)
        for thread in threads:
            thread.join(timeout=TIMEOUT + 5)
        if building is not None:
            building.wait()
            builds.append((time.monotonic() - build_started, building.returncode))
        rss_by_minute.append(tree_rss_kib(server.process.pid))
    errors = sum(count for outcome, count in statuses.items() if outcome != "200")
    at_five = rss_by_minute[min(4, len(rss_by_minute) - 1)]
    growth = (rss_by_minute[-1] - at_five) / at_five * 100 if at_five else 0.0
    finished = sum(1 for _, status in builds if status == 0)
    print(f"| {args.minutes:g} min, {args.clients} clients, full rebuild every"
          f" {args.rebuild_every:g} s (or back to back) of `{args.corpus.name}` |"
          f" {sum(statuses.values()):,} requests, **{errors} errors** |"
          f" {finished} of {len(builds)} rebuilds finished"
          f" ({', '.join(f'{seconds:,.0f} s' for seconds, _ in builds)}) |"
          f" RSS {at_five / 1024:,.0f} MB at minute 5, {rss_by_minute[-1] / 1024:,.0f} MB at"
          f" the end (**{growth:+.1f} %**) |")
    return 0 if errors == 0 and growth <= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
