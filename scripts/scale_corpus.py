#!/usr/bin/env python3
"""Make "Reuters × N": N copies of a catalogued corpus, for scale tests of the search service.

    python scripts/scale_corpus.py N OUT [--source DIR]

DIR defaults to ../shared/corpora/reuters21578 (beside the repository). OUT becomes a corpus
folder that `searchsvc index --corpus OUT` reads: OUT/catalog.csv plus one text file per
article and copy. Copy k (0..N-1) is laid under OUT/c<k>/ with the source's relative paths;
its ids are prefixed `c<k>-` and its dates moved back 10 × k years (copy 0 keeps its dates).
Every catalog column is kept; `file` names the new path. Texts are copied as real files, never
linked (the indexer may refuse symbolic links). OUT must be outside the repository (the corpora
are never copied into it) and must not exist or be empty.

    python scripts/scale_corpus.py 10 /tmp/reuters-x10   # about a million paragraphs, 170 MB
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import re
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO.parent / "shared" / "corpora" / "reuters21578"
CATALOG = "catalog.csv"
YEARS_PER_COPY = 10
# date_raw looks like "26-FEB-1987 15:01:01.79": its year moves with the ISO date.
RAW_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


def shift_iso(value: str, years: int) -> str:
    """An ISO date or date-time moved back ``years`` years; anything else unchanged."""
    if years == 0 or len(value) < 10:
        return value
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return value  # a malformed date stays as malformed as it was: the indexer reports it
    try:
        moved = day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        moved = day.replace(year=day.year - years, day=28)
    return moved.isoformat() + value[10:]


def shift_raw(value: str, years: int) -> str:
    return RAW_YEAR.sub(lambda m: str(int(m.group(1)) - years), value) if years else value


def copy_row(row: dict[str, str], k: int) -> dict[str, str]:
    """Copy k's catalog row: prefixed id, new file path, dates shifted, other columns as is."""
    out = dict(row)
    out["id"] = f"c{k}-{row['id']}"
    out["file"] = f"c{k}/{row['file']}"
    years = YEARS_PER_COPY * k
    out["date"] = shift_iso(row.get("date", ""), years)
    if "date_raw" in out:
        out["date_raw"] = shift_raw(out["date_raw"], years)
    return out


def check_out(out: Path, source: Path) -> None:
    """Refuse an OUT inside the repository or the source, or one that already holds files."""
    resolved = out.resolve()
    if resolved.is_relative_to(REPO):
        raise SystemExit(f"error: {out} is inside the repository {REPO}; write corpora outside it")
    if resolved.is_relative_to(source.resolve()):
        raise SystemExit(f"error: {out} is inside the source corpus {source}")
    if resolved.exists() and (not resolved.is_dir() or any(resolved.iterdir())):
        raise SystemExit(f"error: {out} exists and is not an empty folder")


def read_catalog(source: Path) -> tuple[list[str], list[dict[str, str]]]:
    path = source / CATALOG
    if not path.is_file():
        raise SystemExit(f"error: {path} does not exist (need a corpus folder with {CATALOG})")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        columns = list(reader.fieldnames or [])
    for needed in ("id", "file", "date"):
        if needed not in columns:
            raise SystemExit(f"error: {path} has no {needed!r} column")
    return columns, rows


def write_copies(source: Path, out: Path, rows: list[dict[str, str]], n: int) -> int:
    """Copy every article file n times; returns the bytes written."""
    written = 0
    for k in range(n):
        for row in rows:
            target = out / f"c{k}" / row["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / row["file"], target)  # a real file: no links
            written += target.stat().st_size
        print(f"copy {k}: {len(rows)} articles", file=sys.stderr, flush=True)
    return written


def write_catalog(out: Path, columns: list[str], rows: list[dict[str, str]], n: int) -> None:
    # Written last and renamed into place, so a half-made OUT has no catalog to index.
    partial = out / (CATALOG + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for k in range(n):
            writer.writerows(copy_row(row, k) for row in rows)
    partial.replace(out / CATALOG)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, metavar="N", help="number of copies (1 or more)")
    parser.add_argument("out", type=Path, metavar="OUT",
                        help="new corpus folder, outside the repository")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help=f"corpus folder with {CATALOG} (default: {DEFAULT_SOURCE})")
    args = parser.parse_args(argv)
    if args.n < 1:
        raise SystemExit("error: N must be 1 or more")
    check_out(args.out, args.source)
    columns, rows = read_catalog(args.source)
    missing = [row["file"] for row in rows if not (args.source / row["file"]).is_file()]
    if missing:
        raise SystemExit(f"error: the catalog names {len(missing)} missing files,"
                         f" e.g. {missing[0]}")
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    written = write_copies(args.source, args.out, rows, args.n)
    write_catalog(args.out, columns, rows, args.n)
    print(f"{args.n} copies of {len(rows)} articles ({args.n * len(rows)} files,"
          f" {written / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
