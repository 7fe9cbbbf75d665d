#!/usr/bin/env python3
"""How often related coverage stays on the story, measured with Reuters' own topics.

    scripts/related_quality.py INDEX_DIR ../shared/corpora/reuters21578/catalog.csv [-n 200]

INDEX_DIR holds an index of the Reuters corpus (``searchsvc index --corpus …``). For ``-n``
paragraphs (of at least 12 words, one per article, articles with a topic, a fixed random
sample) it asks for related coverage and counts the results whose article shares a Reuters
topic with the paragraph's. Prints the mean share, the mean number of results, how many
paragraphs got none, and the median and p95 time. Settings come from the environment
(``SEARCHSVC_RELATED_MIN_SHARE=0.2``), so two runs compare a change.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from pathlib import Path

from searchsvc.archive import open_archive
from searchsvc.errors import SearchError
from searchsvc.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("index", type=Path)
    parser.add_argument("catalog", type=Path, help="Reuters' catalog.csv (id and topics)")
    parser.add_argument("-n", type=int, default=200, help="paragraphs to ask about")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    with args.catalog.open(encoding="utf-8", newline="") as handle:
        topics = {row["id"]: {t for t in row["topics"].split(";") if t}
                  for row in csv.DictReader(handle)}
    engine = open_archive(args.index, Settings.from_env())
    rng = random.Random(args.seed)
    ids = sorted(article for article, its in topics.items() if its)
    rng.shuffle(ids)
    shares, counts, seconds = [], [], []
    for article_id in ids:
        if len(counts) >= args.n:
            break
        try:
            article = engine.article(article_id)
        except SearchError:
            continue
        long_enough = [p for p in article.paragraphs if len(p.text.split()) >= 12]
        if not long_enough:
            continue
        paragraph = rng.choice(long_enough)
        started = time.perf_counter()
        hits = engine.related(paragraph.id, engine.settings.related_limit)
        seconds.append(time.perf_counter() - started)
        counts.append(len(hits))
        if hits:
            on_topic = sum(1 for hit in hits if topics.get(hit.article_id, set())
                           & topics[article_id])
            shares.append(on_topic / len(hits))
    if not counts:
        print("no paragraph of the catalog's articles is in the index", file=sys.stderr)
        return 1
    seconds.sort()
    print(f"paragraphs {len(counts)}; results sharing a topic {statistics.mean(shares or [0]):.3f};"
          f" results per paragraph {statistics.mean(counts):.2f}; with none"
          f" {counts.count(0)}; median {1000 * statistics.median(seconds):.1f} ms;"
          f" p95 {1000 * seconds[int(0.95 * (len(seconds) - 1))]:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
