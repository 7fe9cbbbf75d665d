#!/usr/bin/env python3
"""Batch search speed: a list of names counted the way the server counts a job (medians, no
assertions).

    python scripts/bench_batch.py INDEX_DIR [--names 1000] [--runs 3] [--catalog CSV] [--serve]

INDEX_DIR is an index folder built by `searchsvc index` (e.g. of
../shared/corpora/reuters21578). The names are the people and orgs columns of the corpus's
catalog.csv (``de-clercq`` searched as ``de clercq``), each as typed and in quotes, with no
dates and with one month of 1987 as from/to: distinct requests, so that no answer is
remembered from an earlier one (the response cache is off too). Each run is a job made in a
fresh jobs file and counted by the server's runner thread until done, start to finish; the
same list is then counted by the command line's path (no jobs file) once. With ``--serve``,
each run is instead the list sent as a CSV to ``POST /api/batch`` of a real ``searchsvc
serve`` (gunicorn, one process per core) and polled until done: the time a user waits.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchlib.servers import HOST, searchsvc_server

from searchsvc.archive import open_archive
from searchsvc.batch.count import count_item
from searchsvc.batch.input import Item
from searchsvc.batch.runner import Runner
from searchsvc.batch.store import FILE, BatchStore
from searchsvc.settings import Settings

CATALOG = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" \
    / "reuters21578" / "catalog.csv"
MONTHS = (None, "1987-03", "1987-04", "1987-06")


def names(catalog: Path) -> list[str]:
    found: set[str] = set()
    with catalog.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for column in ("people", "orgs"):
                found.update(v.strip().replace("-", " ") for v in row[column].split(";")
                             if v.strip())
    return sorted(found)


def items(catalog: Path, count: int) -> list[Item]:
    """``count`` distinct requests: each name as typed, then quoted, without a date and
    with each month in turn."""
    out = []
    for month in MONTHS:
        for quoted in (False, True):
            for name in names(catalog):
                out.append(Item(len(out) + 1, f'"{name}"' if quoted else name, (),
                                month, month))
    if len(out) < count:
        raise SystemExit(f"only {len(out)} distinct requests from {catalog}")
    return out[:count]


def run_job(index: Path, wanted: list[Item]) -> tuple[float, int]:
    """Seconds from the job's creation to its last row saved, and its rows with an error."""
    archive = open_archive(index, Settings(response_cache=0))
    archive.health()  # opened before the clock starts, as a running server has it
    with tempfile.TemporaryDirectory() as folder:
        store = BatchStore(Path(folder) / FILE)
        runner = Runner(store, archive, poll=0.05)
        started = time.perf_counter()
        job_id = runner.submit(wanted, fuzzy=True)
        job = runner.wait(job_id, 3600)
        elapsed = time.perf_counter() - started
        runner.stop()
        assert job is not None and job.state == "done", job
        return elapsed, job.errors


def run_served(port: int, wanted: list[Item]) -> tuple[float, int]:
    """Seconds from ``POST /api/batch`` to a ``GET`` that says done, and rows with an error."""
    import http.client

    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(["query", "from", "to"])
    writer.writerows([item.query, item.date_from or "", item.date_to or ""] for item in wanted)
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    started = time.perf_counter()
    connection.request("POST", "/api/batch", table.getvalue().encode(),
                       {"Content-Type": "text/csv"})
    response = connection.getresponse()
    job = json.loads(response.read())
    assert response.status == 202, job
    while job["state"] != "done":
        time.sleep(0.2)
        connection.request("GET", f"/api/batch/{job['id']}?limit=0")
        job = json.loads(connection.getresponse().read())
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed, job["errors"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--names", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--catalog", type=Path, default=CATALOG)
    parser.add_argument("--serve", action="store_true",
                        help="send the list to a real `searchsvc serve` on the index (its jobs"
                             " file beside the index gets the jobs)")
    args = parser.parse_args()
    if not open_archive(args.index).is_usable():
        print(f"error: no index in {args.index}", file=sys.stderr)
        return 2
    wanted = items(args.catalog, args.names)
    print(f"{len(wanted)} requests ({len(names(args.catalog))} names), index {args.index}")
    if args.serve:
        return served(args.index, wanted, args.runs)
    seconds = []
    for run in range(1, args.runs + 1):
        elapsed, errors = run_job(args.index, wanted)
        seconds.append(elapsed)
        print(f"run {run}: job done in {elapsed:.1f} s ({len(wanted) / elapsed:.0f} queries/s,"
              f" {errors} rows with an error)", flush=True)
    archive = open_archive(args.index, Settings(response_cache=0))
    archive.health()
    per_query = []
    for item in wanted:
        started = time.perf_counter()
        count_item(archive, item, True)
        per_query.append((time.perf_counter() - started) * 1000)
    per_query.sort()
    print(f"job (server's runner), median of {args.runs}: {statistics.median(seconds):.1f} s"
          f" for {len(wanted)} queries")
    print(f"one query (command line's path): median {statistics.median(per_query):.1f} ms,"
          f" p95 {per_query[int(len(per_query) * 0.95)]:.1f} ms, max {per_query[-1]:.0f} ms,"
          f" total {sum(per_query) / 1000:.1f} s")
    return 0


def served(index: Path, wanted: list[Item], runs: int) -> int:
    from contextlib import ExitStack

    os.environ["SEARCHSVC_RESPONSE_CACHE"] = "0"  # the same list again is counted again
    seconds = []
    with ExitStack() as stack:
        server = searchsvc_server(stack, index)
        for run in range(1, runs + 1):
            elapsed, errors = run_served(server.port, wanted)
            seconds.append(elapsed)
            print(f"run {run}: POST to done in {elapsed:.1f} s ({len(wanted) / elapsed:.0f}"
                  f" queries/s, {errors} rows with an error)", flush=True)
    print(f"served job, median of {runs}: {statistics.median(seconds):.1f} s for"
          f" {len(wanted)} queries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
