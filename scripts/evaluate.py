#!/usr/bin/env python3
"""Measure the search service's ranking on test collections (see docs/evaluation.md).

    scripts/evaluate.py ../shared/corpora/cranfield ../shared/corpora/cisi ../shared/corpora/med

Each COLLECTION_DIR holds docs/, queries.tsv, qrels.tsv and docs.tsv. Its documents are
indexed with the service's own ingestion (in --index-dir, else a temporary folder) and its
queries run through the service's default search; MAP, nDCG@10 and P@10 are printed beside
the BM25 reference. ``--set NAME=VALUE`` changes a tuning constant for this run only.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import fields
from pathlib import Path

from searchsvc import evaluate
from searchsvc.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("collections", nargs="+", metavar="COLLECTION_DIR", type=Path)
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    parser.add_argument("--index-dir", type=Path, metavar="DIR",
                        help="build the indexes in DIR/<collection> and keep them"
                             " (default: a temporary folder, removed afterwards)")
    parser.add_argument("--depth", type=int, default=evaluate.DEPTH,
                        help=f"articles retrieved per query (default {evaluate.DEPTH})")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="change a tuning constant for this run: "
                             + ", ".join(f.name.upper() for f in fields(Settings)))
    parser.add_argument("--runs", type=Path, metavar="DIR",
                        help="also write each run in TREC format to DIR/<collection>.run")
    parser.add_argument("--per-query", action="store_true",
                        help="with --json, include every query's measures")
    args = parser.parse_args(argv)

    settings = {}
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--set {item!r}: expected NAME=VALUE")
        settings[name.strip()] = value.strip()
    try:
        tuning = Settings().with_overrides(settings)
    except ValueError as error:
        parser.error(str(error))

    def save(collection, run) -> None:
        if args.runs:
            args.runs.mkdir(parents=True, exist_ok=True)
            evaluate.write_trec_run(run, args.runs / f"{collection.name}.run")

    results = []
    for path in args.collections:
        try:
            result = evaluate.evaluate(path, args.index_dir, args.depth, on_run=save,
                                       settings=tuning)
        except FileNotFoundError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        results.append(result)
        if not args.json:
            print_result(result)
    if args.json:
        out = {"settings": settings, "depth": args.depth,
               "collections": [r.to_dict(args.per_query) for r in results]}
        if len(results) > 1:
            out["mean"] = {name: round(sum(r.scores[name] for r in results) / len(results), 4)
                           for name in evaluate.MEASURES}
        print(json.dumps(out, indent=2))
    elif len(results) > 1:
        print_summary(results)
    return 0


def print_result(result: evaluate.Result) -> None:
    print(f"{result.name}: {result.documents} documents, {result.paragraphs} paragraphs"
          f" ({result.problems} skipped or repaired); {result.judged} judged queries,"
          f" {result.answered} answered")
    print(f"  {'measure':<8} {'searchsvc':>9} {'BM25 ref':>9} {'diff':>8}")
    for name, value in result.scores.items():
        ref = (result.reference or {}).get(name)
        ref_text = f"{ref:9.4f}" if ref is not None else f"{'-':>9}"
        diff = f"{value - ref:+8.4f}" if ref is not None else f"{'':>8}"
        print(f"  {name:<8} {value:9.4f} {ref_text} {diff}")
    print(f"  time: index {result.build_seconds:.1f} s, queries {result.query_seconds:.1f} s"
          f" ({1000 * result.query_seconds / max(1, result.queries):.0f} ms per query)")
    print()


def print_summary(results: list[evaluate.Result]) -> None:
    with_ref = [r for r in results if r.reference]
    if not with_ref:
        return
    print("mean over collections:")
    for name in evaluate.MEASURES:
        ours = sum(r.scores[name] for r in with_ref) / len(with_ref)
        ref = sum(r.reference[name] for r in with_ref) / len(with_ref)
        print(f"  {name:<8} {ours:9.4f} {ref:9.4f} {ours - ref:+8.4f}")


if __name__ == "__main__":
    sys.exit(main())
