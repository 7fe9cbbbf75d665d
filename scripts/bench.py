#!/usr/bin/env python3
"""HTTP load measurements of `searchsvc serve`, side by side with Datasette + SQLite FTS5.

    python scripts/bench.py --corpus ../shared/corpora/reuters21578 --index /tmp/bench-1x-index \\
        [--datasette] [--db /tmp/searchsvc-bench/reuters21578.db] [--clients 8] [--rounds 2] \\
        [--queries scripts/bench_queries.txt] [--json]
    python scripts/bench.py --make-queries [--corpus DIR]   # rewrites scripts/bench_queries.txt

What it does, in one run:

1. `searchsvc index --if-needed` builds INDEX from the corpus (timed: paragraphs/s, size on
   disk). An index that is already usable is kept as it is: its build is not timed then.
2. With --datasette, an SQLite database of the same paragraphs (one row per paragraph: article
   id, paragraph number, title, source, date, month, text) with an FTS5 index on title + text
   (sqlite-utils' enable_fts, Porter stemming as searchsvc stems), rebuilt when the corpus's
   catalog changed.
3. Starts `searchsvc serve` (and `datasette serve`) on free ports of 127.0.0.1, waits until they
   answer, and sends each a few warm-up queries that are not measured.
4. One client: every query once against each server, interleaved query by query (which server
   goes first alternates), for p50/p95/p99 latency, errors and queries without hits.
5. C closed-loop clients (threads, one keep-alive connection each), each going through the
   queries from its own offset, for --rounds rounds; each round measures the servers one
   after the other, the first alternating: req/s, latency, errors.
6. The servers' resident memory (VmRSS summed over the process and its children), sampled
   every 0.2 s throughout; the peak is reported.

searchsvc gets `/api/search?q=Q` (grouped by article, facets, snippets: the defaults); Datasette
gets `/DB/paragraphs.json?_search=Q&_facet=source&_facet=month&_size=10`, its faceted search,
with its default escaping (every word becomes an FTS5 string, "quoted phrases" stay phrases), so
the query text is sent as it is. Datasette neither ranks (rows come in rowid order) nor groups by
article: it does less work per request than searchsvc. Every request times out after 30 s, every
phase stops after --phase-limit seconds, and every server is stopped at the end. Needs the
[bench] extra (datasette, sqlite-utils) for --datasette. Logs go to /tmp/searchsvc-bench/.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchlib.common import REPO, WORK, note
from benchlib.queries import SEED, make_queries
from benchlib.report import print_table
from benchlib.run import run

DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "reuters21578"
DEFAULT_QUERIES = REPO / "scripts" / "bench_queries.txt"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help=f"corpus folder with catalog.csv (default: {DEFAULT_CORPUS})")
    parser.add_argument("--index", type=Path, help="searchsvc index folder (built if needed)")
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--datasette", action="store_true", help="also measure Datasette")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="added to every searchsvc query (e.g. collapse=false: Reuters x N"
                             " holds N copies of each story, which folding would hide)")
    parser.add_argument("--db", type=Path, help="SQLite file for Datasette"
                        f" (default: {WORK}/<corpus name>.db)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--phase-limit", type=float, default=900.0,
                        help="seconds after which a client phase stops sending (default 900)")
    parser.add_argument("--build-timeout", type=float, default=3600.0)
    parser.add_argument("--make-queries", action="store_true",
                        help="write the query set to --queries from --corpus, then stop")
    parser.add_argument("--seed", type=int, default=SEED, help="for --make-queries")
    args = parser.parse_args(argv)
    if args.db is None:
        args.db = WORK / f"{args.corpus.resolve().name}.db"
    if not args.make_queries and args.index is None:
        parser.error("--index is required (the searchsvc index folder)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.make_queries:
        queries = make_queries(args.corpus, args.seed)
        args.queries.write_text("".join(q + "\n" for q in queries), encoding="utf-8")
        note(f"{len(queries)} queries → {args.queries}")
        return 0
    report = run(args)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print_table(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
