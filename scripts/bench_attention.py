#!/usr/bin/env python3
"""Attention over time: how long a comparison takes, beside one search of each of its
queries (medians, no assertions; the answer cache is off).

    python scripts/bench_attention.py INDEX_DIR [--runs 7]

INDEX_DIR is an index folder built by `searchsvc index` (e.g. of
../shared/corpora/reuters21578). Each comparison runs per day, week and month in turn,
round-robin with the searches, so that machine noise falls on all of them alike.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from searchsvc.archive import open_archive
from searchsvc.attention_models import AttentionRequest
from searchsvc.models import SearchRequest
from searchsvc.settings import Settings

COMPARISONS = [
    ("cocoa", "coffee"),
    ("oil prices", "OPEC", "crude"),
    ("interest rates", "dollar yen", "bank of japan", "inflation", "trade deficit"),
]
INTERVALS = ("day", "week", "month")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    archive = open_archive(args.index, Settings(response_cache=0))
    if not archive.is_usable():
        print(f"error: no index in {args.index}", file=sys.stderr)
        return 2
    print(f"{archive.health().articles:,} articles")
    timings: dict[str, list[float]] = {}
    for _ in range(args.runs):
        for queries in COMPARISONS:
            for interval in INTERVALS:
                started = time.perf_counter()
                found = archive.attention(AttentionRequest(queries, interval))
                key = f"{len(queries)} queries per {interval} ({len(found.periods)} periods)"
                timings.setdefault(key, []).append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            for q in queries:
                archive.search(SearchRequest(q=q, collapse=False))
            key = f"{len(queries)} searches, one page each"
            timings.setdefault(key, []).append((time.perf_counter() - started) * 1000)
    width = max(map(len, timings))
    print(f"{'what':<{width}}  median ms  (of {args.runs})")
    for key, values in timings.items():
        print(f"{key:<{width}}  {statistics.median(values):9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
