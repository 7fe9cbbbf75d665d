#!/usr/bin/env python3
"""Many simultaneous full exports: is every file complete, and how far does memory rise?

    python scripts/reliability_exports.py --index INDEX_DIR [--q said] [--clients 20]

Starts `searchsvc serve` on a free port of 127.0.0.1 over INDEX_DIR (e.g. Reuters-21578
built by `searchsvc index`), asks the JSON search for the query's paragraph total, then
sends CLIENTS simultaneous `format=csv` exports of it (one row per paragraph) and reads
each to the end. A file is complete when its data rows equal X-Total-Rows and the search's
total (below the export limit). The server's resident memory (its processes summed) is
sampled every 0.2 s: the table gives it before the exports and at its peak. Prints one
Markdown table row for docs/reliability.md; exits 1 when any file is incomplete.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import json
import sys
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote

from benchlib.common import WORK
from benchlib.memory import RssSampler
from benchlib.servers import searchsvc_server


def export_rows(port: int, path: str) -> tuple[int, int, str]:
    """(data rows read, X-Total-Rows, problem or '') of one export, read to its end."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode("utf-8")
        if response.status != 200:
            return 0, 0, f"status {response.status}: {body[:200]}"
        rows = list(csv.reader(io.StringIO(body)))
        return len(rows) - 1, int(response.getheader("X-Total-Rows", "-1")), ""
    except (OSError, http.client.HTTPException, ValueError) as error:
        return 0, 0, f"{type(error).__name__}: {error}"
    finally:
        connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, type=Path)
    parser.add_argument("--q", default="said")
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)  # the server's log
    with ExitStack() as stack:
        server = searchsvc_server(stack, args.index)
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        connection.request("GET", f"/api/search?q={quote(args.q)}")
        total = json.loads(connection.getresponse().read())["total"]["paragraphs"]
        connection.close()
        sampler = RssSampler([server])
        sampler.start()
        time.sleep(1)
        before_kib = sampler.peak_kib[server.name]
        results: list[tuple[int, int, str]] = []
        path = f"/api/search?q={quote(args.q)}&format=csv&rows=paragraph"

        def client() -> None:
            results.append(export_rows(server.port, path))

        started = time.monotonic()
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - started
        sampler.done.set()
        sampler.join()
        peak_kib = sampler.peak_kib[server.name]
    complete = sum(1 for rows, header, problem in results
                   if not problem and rows == header == total)
    problems = [problem for _, _, problem in results if problem]
    rise_mb = (peak_kib - before_kib) / 1024
    print(f"| {args.clients} simultaneous CSV exports of `q={args.q}` ({total:,} paragraphs),"
          f" `{args.index.name}` | {complete} of {len(results)} complete (rows = total) |"
          f" RSS {before_kib / 1024:,.0f} MB before, peak {peak_kib / 1024:,.0f} MB"
          f" (+{rise_mb:,.0f} MB) | {seconds:,.1f} s |")
    for problem in problems[:5]:
        print(f"  {problem}", file=sys.stderr)
    return 0 if complete == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
