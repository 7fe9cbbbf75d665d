#!/usr/bin/env python3
"""Time `searchsvc index` on a corpus with --workers 1 and --workers 2, side by side.

    python scripts/bench_index.py CORPUS [--runs N] [--keep]

Each run is a fresh `searchsvc index` process (nothing warm from an earlier run) building
into its own temporary folder; the two settings alternate so that drift in the machine's
load hits both alike. Prints, per setting, the median wall time over N runs, paragraphs
per second, the live build's size on disk and the warnings (grouped by reason), then the
ratio of the medians.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

SUMMARY = re.compile(
    r"^indexed (?P<articles>\d+) articles, (?P<paragraphs>\d+) paragraphs"
    r"(?: \((?P<title_only>\d+) articles are a title only\))?"
)
WORKERS = (1, 2)


def reason(warning: str) -> str:
    """A warning without its file, line and particulars: what kind of problem it is."""
    text = warning.removeprefix("warning: ")
    text = re.sub(r"^\S+?(?::\d+)?: ", "", text)  # FILE[:LINE]:
    text = re.sub(r"'[^']*'", "'…'", text)
    return re.sub(r"\((?:byte|also) [^)]*\)", "(…)", text)


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def run_once(corpus: Path, workers: int, root: Path) -> dict:
    command = [sys.executable, "-m", "searchsvc.cli", "index", "--corpus", str(corpus),
               "--index", str(root), "--workers", str(workers)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    match = SUMMARY.match(done.stdout.splitlines()[0])
    if not match:
        sys.exit(f"unexpected summary: {done.stdout.splitlines()[0]!r}")
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning: ")]
    live = (root / "current").resolve()
    return {
        "seconds": seconds,
        "articles": int(match["articles"]),
        "paragraphs": int(match["paragraphs"]),
        "title_only": int(match["title_only"] or 0),
        "size_mb": size_mb(live),
        "warnings": warnings,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="corpus folder (.txt files, catalog.csv)")
    parser.add_argument("--runs", type=int, default=1, help="runs per setting (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary indexes")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        parser.error(f"{args.corpus} is not a folder")

    results: dict[int, list[dict]] = {w: [] for w in WORKERS}
    tmp = Path(tempfile.mkdtemp(prefix="bench-index-"))
    try:
        for number in range(args.runs):
            for workers in WORKERS:
                root = tmp / f"workers{workers}-run{number + 1}"
                result = run_once(args.corpus, workers, root)
                results[workers].append(result)
                print(f"run {number + 1}, --workers {workers}: {result['seconds']:.1f} s",
                      file=sys.stderr, flush=True)
    finally:
        if args.keep:
            print(f"indexes kept in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"corpus: {args.corpus}  runs per setting: {args.runs}"
          f"  (python {sys.version.split()[0]})")
    medians = {}
    for workers in WORKERS:
        runs = results[workers]
        last = runs[-1]
        medians[workers] = statistics.median(r["seconds"] for r in runs)
        print(f"\n--workers {workers}")
        times = ", ".join(f"{r['seconds']:.1f}" for r in runs)
        print(f"  wall time (median): {medians[workers]:.1f} s   runs: {times}")
        print(f"  articles: {last['articles']}  paragraphs: {last['paragraphs']}"
              f"  title-only articles: {last['title_only']}")
        print(f"  paragraphs/second: {last['paragraphs'] / medians[workers]:.0f}")
        print(f"  live build on disk: {last['size_mb']:.1f} MB")
        print(f"  warnings: {len(last['warnings'])}")
        for text, count in Counter(map(reason, last["warnings"])).most_common():
            print(f"    {count:6d}  {text}")
    print(f"\nratio of medians, workers 1 / workers 2: {medians[1] / medians[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
