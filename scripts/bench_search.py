#!/usr/bin/env python3
"""Search latency, measured side by side in one run (medians and ratios, no assertions).

    python scripts/bench_search.py INDEX_DIR [--runs 5]

INDEX_DIR is an index folder built by `searchsvc index` (e.g. of ../shared/corpora/reuters21578).
Each query runs under several settings in turn, round-robin, so that machine noise falls on
all of them alike; the table gives the median per setting and its ratio to the default.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from searchsvc.archive import open_archive
from searchsvc.models import SearchRequest

QUERIES = [
    "oil prices", "said", "cocoa", "bank of japan interest rates", "OPEC", '"crude oil"',
    "wheat -corn", "gulf", "reagan", "dollar yen", "opek", "milit*", "source:reuters trade",
    "what are the effects of the trade deficit on the dollar exchange rate",
]

SETTINGS = {
    "default": SearchRequest(),
    "no variants": SearchRequest(fuzzy=False),
    "paragraphs": SearchRequest(group="paragraph"),
    "newest": SearchRequest(sort="newest"),
    "page 5": SearchRequest(page=5),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    engine = open_archive(args.index)
    if not engine.is_usable():
        print(f"error: no index in {args.index}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    paragraphs = engine.health().paragraphs  # opens the index
    print(f"opened {paragraphs} paragraphs in {time.perf_counter() - started:.2f} s")
    timings: dict[str, list[float]] = {name: [] for name in SETTINGS}
    per_query: dict[str, list[float]] = {q: [] for q in QUERIES}
    for _ in range(args.runs):
        for q in QUERIES:
            for name, base in SETTINGS.items():
                t = time.perf_counter()
                engine.search(replace(base, q=q))
                elapsed = (time.perf_counter() - t) * 1000
                timings[name].append(elapsed)
                if name == "default":
                    per_query[q].append(elapsed)
    default = statistics.median(timings["default"])
    print(f"\n{'setting':<14}{'median ms':>10}{'p90 ms':>10}{'ratio':>8}")
    for name, values in timings.items():
        p90 = statistics.quantiles(values, n=10)[-1]
        median = statistics.median(values)
        print(f"{name:<14}{median:>10.1f}{p90:>10.1f}{median / default:>8.2f}")
    print(f"\n{'query (default settings)':<72}{'median ms':>10}")
    for q, values in per_query.items():
        print(f"{q[:70]:<72}{statistics.median(values):>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
