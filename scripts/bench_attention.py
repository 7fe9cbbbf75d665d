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


def measure(archive, runs: int) -> dict[str, list[float]]:
    """Milliseconds per comparison (and per the searches of its queries), ``runs`` each."""
    timings: dict[str, list[float]] = {}

    def timed(key: str, work) -> object:
        started = time.perf_counter()
        answer = work()
        timings.setdefault(key, []).append((time.perf_counter() - started) * 1000)
        return answer

    for _ in range(runs):
        for queries in COMPARISONS:
            for interval in INTERVALS:
                periods = len(archive.attention(AttentionRequest(queries, interval)).periods)
                timed(f"{len(queries)} queries per {interval} ({periods} periods)",
                      lambda q=queries, i=interval: archive.attention(AttentionRequest(q, i)))
            timed(f"{len(queries)} searches, one page each",
                  lambda q=queries: [archive.search(SearchRequest(q=one, collapse=False))
                                     for one in q])
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    archive = open_archive(args.index, Settings(response_cache=0))
    if not archive.is_usable():
        print(f"error: no index in {args.index}", file=sys.stderr)
        return 2
    print(f"{archive.health().articles:,} articles; median ms of {args.runs} runs")
    timings = measure(archive, args.runs)
    width = max(map(len, timings))
    print("\n".join(f"{key:<{width}}  {statistics.median(values):9.1f}"
                    for key, values in timings.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
