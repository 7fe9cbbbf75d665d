"""Building the two indexes: searchsvc's (`searchsvc index --if-needed`, timed) and the
SQLite FTS5 table Datasette serves (rebuilt only when the corpus's catalog changed)."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from .common import TABLE, WORK, note
from .queries import article_paragraphs, read_catalog
from .servers import log_tail, stop, tool


def disk_bytes(path: Path) -> int:
    """Bytes on disk (allocated blocks, as du counts them) of a file or a folder's files."""
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_blocks * 512 for p in files)


def build_searchsvc(corpus: Path, index: Path, timeout: float) -> dict:
    """`searchsvc index --if-needed`, timed; the summary line's paragraph count."""
    log = WORK / "searchsvc-index.log"
    command = [tool("searchsvc"), "index", "--corpus", str(corpus), "--index", str(index),
               "--if-needed"]
    note(f"building the searchsvc index: {' '.join(command)} (log: {log})")
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            output, _ = process.communicate(timeout=timeout)
        finally:
            stop(process)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"error: searchsvc index exited {process.returncode}:\n{log_tail(log)}")
    built = "nothing to do" not in output
    match = re.search(r"([\d,]+) paragraphs?", output)
    paragraphs = int(match.group(1).replace(",", "")) if built and match else None
    skipped = re.search(r"skipped or repaired: (\d+)", output)
    own = re.search(r" in ([\d.]+) s ", output)  # its own count: without start-up and imports
    note(output.splitlines()[0] if output else "(no output)")
    return {"built": built, "seconds": seconds if built else None, "paragraphs": paragraphs,
            "paragraphs_per_s": paragraphs / seconds if built and paragraphs else None,
            "own_seconds": float(own.group(1)) if built and own else None,
            "skipped_or_repaired": int(skipped.group(1)) if skipped else None,
            "size_bytes": disk_bytes(index)}


def paragraph_rows(corpus: Path) -> Iterator[dict[str, object]]:
    """One row per paragraph; an article that is a title only gets one row, paragraph 0, with
    empty text (searchsvc indexes such an article as one entry too)."""
    for row in read_catalog(corpus):
        title = " ".join(row.get("title", "").split())
        text = (corpus / row["file"]).read_text(encoding="utf-8")
        date = row.get("date", "")[:10]
        base = {"article_id": row["id"], "title": title, "source": row.get("source", ""),
                "date": date, "month": date[:7]}
        paragraphs = article_paragraphs(text, title) or ([""] if title else [])
        first = 1 if paragraphs != [""] else 0
        for number, paragraph in enumerate(paragraphs, start=first):
            yield {**base, "paragraph": number, "text": paragraph}


def corpus_stamp(corpus: Path) -> dict[str, object]:
    stat = (corpus / "catalog.csv").stat()
    return {"corpus": str(corpus.resolve()), "catalog_bytes": stat.st_size,
            "catalog_mtime_ns": stat.st_mtime_ns}


def build_sqlite(corpus: Path, db: Path) -> dict:
    """The paragraphs table with its FTS5 index, unless DB was built from this catalog."""
    import sqlite_utils  # the [bench] extra: only --datasette needs it

    stamp_path = db.with_name(db.name + ".source.json")
    stamp = corpus_stamp(corpus)
    if db.is_file() and stamp_path.is_file() and json.loads(stamp_path.read_text()) == stamp:
        rows = sqlite_utils.Database(db)[TABLE].count
        note(f"{db} was built from this corpus: kept ({rows} rows)")
        return {"built": False, "seconds": None, "paragraphs": rows, "paragraphs_per_s": None,
                "size_bytes": disk_bytes(db)}
    note(f"building {db} (SQLite FTS5)")
    partial = db.with_name(db.name + ".partial")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    database = sqlite_utils.Database(partial)
    table = database[TABLE]
    table.insert_all(paragraph_rows(corpus), batch_size=5000, columns={  # type: ignore[union-attr]
        "article_id": str, "paragraph": int, "title": str, "source": str, "date": str,
        "month": str, "text": str})
    # Porter stemming over unicode61: the nearest FTS5 match for searchsvc's Snowball stems.
    table.enable_fts(["title", "text"], tokenize="porter")  # type: ignore[union-attr]
    database.close()
    seconds = time.perf_counter() - started
    partial.replace(db)
    stamp_path.write_text(json.dumps(stamp))
    rows = sqlite_utils.Database(db)[TABLE].count
    return {"built": True, "seconds": seconds, "paragraphs": rows,
            "paragraphs_per_s": rows / seconds, "size_bytes": disk_bytes(db)}
