#!/usr/bin/env python3
"""What the names facet costs a search: medians, no assertions.

    python scripts/bench_names.py INDEX_DIR [--runs 5] [--queries 50]

For the first --queries lines of scripts/bench_queries.txt (and the empty query: every
article), each run times the whole search (no response cache) and, on its own, the names
facet's count over the matched articles (search/names.py: one terms aggregation over the
build's per-article arrays); the table gives the medians over all queries and runs.

On Reuters-21578 (21,577 articles; 131,934 article-name pairs from the text, 25,151 from
the catalog), 51 queries x 3 runs on a shared 2-core machine: the names facet took a median
7.0 ms (max 16.4) of a 69.7 ms search; writing the arrays took 2.2 s of the build.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from searchsvc.models import SearchRequest
from searchsvc.search.hits import search
from searchsvc.search.matching import match_query
from searchsvc.search.names import name_buckets
from searchsvc.search.snapshot import LiveIndex
from searchsvc.settings import Settings

QUERIES = Path(__file__).with_name("bench_queries.txt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    settings = Settings(response_cache=0)
    snapshot = LiveIndex(args.index, settings).snapshot()
    queries = ["", *QUERIES.read_text(encoding="utf-8").splitlines()[:args.queries]]
    whole: list[float] = []
    names: list[float] = []
    matched: list[int] = []
    for _ in range(args.runs):
        for q in queries:
            request = SearchRequest(q=q)
            started = time.perf_counter()
            search(snapshot, request)
            whole.append((time.perf_counter() - started) * 1000)
            match = match_query(snapshot, request, request.filters())
            articles = np.concatenate([t.articles for t in match.tiers]) if match.tiers \
                else np.zeros(0, dtype=np.int64)
            started = time.perf_counter()
            name_buckets(snapshot.engine, articles, snapshot.names, (), settings.facet_names)
            names.append((time.perf_counter() - started) * 1000)
            matched.append(len(articles))
    sizes = {kind: len(facet.codes) for kind, facet in snapshot.names.items()}
    print(f"index {args.index}: {len(snapshot.columns.article_ids):,} articles; names per"
          f" kind (article-name pairs): {sizes}")
    print(f"{len(queries)} queries x {args.runs} runs; median matched articles"
          f" {statistics.median(matched):,.0f}")
    print(f"whole search  median {statistics.median(whole):7.2f} ms")
    print(f"names facet   median {statistics.median(names):7.2f} ms"
          f"  (max {max(names):.2f} ms)")
    snapshot.close()


if __name__ == "__main__":
    main()
