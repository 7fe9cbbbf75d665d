"""Corpus folders and JSON Lines files → :class:`Article` records.

A corpus folder holds ``.txt`` articles at any depth and, optionally, a ``catalog.csv``
at its root (columns ``file`` and any of ``id``, ``source``, ``date``, ``title``,
``url``; further columns are kept as extra metadata). Catalog values win; where the
catalog is silent the text is read for a headline, byline, date line or dateline
(:mod:`searchsvc.extract`).

Bad input never stops a read: each problem is reported once through ``report`` as a
:class:`Problem` and the rest of the corpus is read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .extract import extract, normalize, parse_date

CATALOG_NAME = "catalog.csv"
CATALOG_FIELDS = ("id", "file", "source", "date", "title", "url")
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Problem:
    """Something in the input that could not be used as it is."""

    path: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


@dataclass
class Article:
    id: str
    title: str
    source: str
    date: dt.date | None
    url: str
    paragraphs: list[str]
    path: str = ""  # relative to the corpus folder, or "FILE:LINE" for JSON Lines
    extra: dict[str, str] = field(default_factory=dict)
    content_hash: str = ""


Report = Callable[[Problem], None]

UNKNOWN_SOURCE = "unknown"


def content_hash(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def decode(data: bytes) -> str:
    """UTF-8 text (a BOM is allowed), or UTF-16 with its byte-order mark (what Windows
    tools save as "Unicode"). Raises ValueError with a reader's reason otherwise."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ValueError("not UTF-16 text, though it starts with a UTF-16 byte-order"
                             " mark") from None
    if b"\0" in data[:8192]:
        raise ValueError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None


def _parse_catalog_date(value: str, where: Problem) -> tuple[dt.date | None, Problem | None]:
    value = value.strip()
    if not value:
        return None, None
    try:
        return dt.date.fromisoformat(value[:10]), None
    except ValueError:
        parsed = parse_date(value)
        if parsed:
            return parsed, None
    return None, Problem(where.path, f"malformed date {value!r}; article kept as undated",
                         where.line)


def read_catalog(path: Path, report: Report) -> dict[str, tuple[int, dict[str, str]]]:
    """Catalog rows by their ``file`` value, with their line numbers."""
    rows: dict[str, tuple[int, dict[str, str]]] = {}
    try:
        text = decode(path.read_bytes())
    except (OSError, ValueError) as error:
        report(Problem(path.name, f"catalog unreadable: {error}"))
        return rows
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or "file" not in reader.fieldnames:
        report(Problem(path.name, "catalog has no 'file' column; ignored", 1))
        return rows
    for row in reader:
        line = reader.line_num
        name = (row.get("file") or "").strip()
        if not name:
            report(Problem(path.name, "catalog row has no file", line))
            continue
        key = Path(name).as_posix()
        if key in rows:
            report(Problem(path.name, f"catalog names {key!r} again (first on line"
                           f" {rows[key][0]}); this row ignored", line))
            continue
        rows[key] = (line, {k: (v or "") for k, v in row.items() if k})
    return rows


# A paragraph is an index entry: every snippet, highlight and related-coverage check reads
# it whole. A 1 MiB "paragraph" (a file without blank lines) made each search that hit it
# take 0.9 s; past this length a paragraph is split at sentence ends, with a warning.
MAX_PARAGRAPH_CHARS = 10_000
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s")


def _split_long(paragraphs: list[str], where: Problem, report: Report) -> list[str]:
    out: list[str] = []
    for number, paragraph in enumerate(paragraphs, start=1):
        if len(paragraph) <= MAX_PARAGRAPH_CHARS:
            out.append(paragraph)
            continue
        pieces = []
        rest = paragraph
        while len(rest) > MAX_PARAGRAPH_CHARS:
            window = rest[:MAX_PARAGRAPH_CHARS]
            ends = [m.end() for m in _SENTENCE_END.finditer(window)]
            cut = ends[-1] if ends and ends[-1] > MAX_PARAGRAPH_CHARS // 2 else \
                (window.rfind(" ") + 1 or MAX_PARAGRAPH_CHARS)
            pieces.append(rest[:cut].strip())
            rest = rest[cut:]
        pieces.append(rest.strip())
        pieces = [piece for piece in pieces if piece]
        report(Problem(where.path, f"paragraph {number} is {len(paragraph):,} characters long:"
                                   f" split into {len(pieces)} paragraphs of at most"
                                   f" {MAX_PARAGRAPH_CHARS:,}", where.line))
        out.extend(pieces)
    return out


def _build_article(
    *,
    default_id: str,
    text: str,
    meta: dict[str, str],
    where: Problem,
    report: Report,
    raw: bytes | str,
) -> Article:
    extracted = extract(text, known_title=normalize(meta.get("title", "")) or None)
    date, problem = _parse_catalog_date(meta.get("date", ""), where)
    if problem and extracted.date:  # the text's own date stands in: say so
        problem = Problem(problem.path, problem.reason.replace(
            "article kept as undated", f"the text's date {extracted.date.isoformat()} used"),
            problem.line)
    if problem:
        report(problem)
    paragraphs = _split_long(extracted.paragraphs, where, report)
    extra = {k: v for k, v in meta.items() if k not in CATALOG_FIELDS and v}
    if extracted.byline:
        extra.setdefault("byline", extracted.byline)
    if extracted.dateline:
        extra.setdefault("dateline", extracted.dateline)
    return Article(
        id=(meta.get("id") or "").strip() or default_id,
        title=extracted.title or "",
        source=(meta.get("source") or "").strip() or extracted.source or UNKNOWN_SOURCE,
        date=date or extracted.date,
        url=(meta.get("url") or "").strip(),
        paragraphs=paragraphs,
        path=where.path,
        extra=extra,
        content_hash=content_hash(raw, json.dumps(meta, sort_keys=True)),
    )


def read_file(
    folder: Path, relative: str, meta: dict[str, str], line: int | None
) -> tuple[Article | None, list[Problem]]:
    """One article file (a top-level function so that a process pool can run it)."""
    problems: list[Problem] = []
    path = Path(folder) / relative
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValueError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
        raw = path.read_bytes()
        text = decode(raw)
    except (OSError, ValueError) as error:
        return None, [Problem(relative, f"skipped: {error}")]
    if not text.strip():
        return None, [Problem(relative, "skipped: empty file")]
    article = _build_article(
        default_id=relative.removesuffix(".txt"),
        text=text,
        meta=meta,
        where=Problem(CATALOG_NAME, "", line) if line else Problem(relative, "", None),
        report=problems.append,
        raw=raw,
    )
    article.path = relative
    if not article.paragraphs and not article.title:
        return None, [*problems, Problem(relative, "skipped: no article text (only residue)")]
    return article, problems


def _read_file_job(job: tuple[Path, str, dict[str, str], int | None]):
    return read_file(*job)


PARALLEL_MIN_FILES = 2000  # below this a process pool costs more than it saves


def read_folder(
    folder: Path, report: Report, catalog: Path | None = None, workers: int = 1
) -> Iterator[Article]:
    """Every readable article under ``folder``, in path order.

    With ``workers`` > 1 and a large folder, files are read and cleaned in a process
    pool while the caller (the index writer) consumes them: both cores busy.
    """
    folder = Path(folder)
    catalog = catalog or folder / CATALOG_NAME
    rows = read_catalog(catalog, report) if catalog.is_file() else {}
    files = _corpus_files(folder, report)
    present = set(files)
    for name, (row_line, _) in rows.items():
        if name not in present:
            report(Problem(catalog.name, f"catalog names missing file {name!r}", row_line))
    jobs: list[tuple[Path, str, dict[str, str], int | None]] = []
    for name in files:
        line, meta = rows.get(name, (None, {}))
        jobs.append((folder, name, meta, line))
    if workers > 1 and len(jobs) >= PARALLEL_MIN_FILES:
        with multiprocessing.get_context("fork").Pool(workers - 1 or 1) as pool:
            yield from _collect(pool.imap(_read_file_job, jobs, chunksize=64), report)
    else:
        yield from _collect(map(_read_file_job, jobs), report)


def _corpus_files(folder: Path, report: Report) -> list[str]:
    """The ``.txt`` files to read, as paths relative to ``folder``: regular files inside
    it. Everything else named ``.txt`` is skipped with a warning, never silently: a link
    that leads outside the folder (a corpus must not pull in /etc/passwd), a dangling
    link, a FIFO or device, a file name that is not UTF-8."""
    root = folder.resolve()
    files = []
    for path in folder.rglob("*.txt"):
        relative = path.relative_to(folder).as_posix()
        shown = os.fsencode(relative).decode("utf-8", "backslashreplace")
        try:
            relative.encode("utf-8")
        except UnicodeEncodeError:
            report(Problem(shown, "skipped: the file name is not UTF-8; rename the file"))
            continue
        target = path.resolve()  # through links to files and to folders
        if not target.exists():
            report(Problem(shown, "skipped: a link to nothing"))
            continue
        if not target.is_relative_to(root):
            report(Problem(shown, "skipped: a link to a file outside the corpus folder"))
            continue
        if path.is_dir():
            continue
        if not path.is_file():
            report(Problem(shown, "skipped: not a regular file (a FIFO, socket or device)"))
            continue
        files.append(relative)
    return sorted(files)


def _collect(results, report: Report) -> Iterator[Article]:
    for article, problems in results:
        for problem in problems:
            report(problem)
        if article is not None:
            yield article


def read_jsonl(path: Path, report: Report) -> Iterator[Article]:
    """Articles from a JSON Lines export: one object per line with ``id``, ``title``, ``source``,
    ``date``, ``url`` and ``text`` (a string) or ``paragraphs`` (a list of strings)."""
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as error:
        report(Problem(path.name, f"skipped: {error}"))
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            where = Problem(path.name, "", number)
            try:
                record = json.loads(decode(raw))
            except ValueError as error:
                report(Problem(path.name, f"skipped line: {error}", number))
                continue
            if not isinstance(record, dict):
                report(Problem(path.name, "skipped line: not a JSON object", number))
                continue
            paragraphs = record.get("paragraphs")
            if isinstance(paragraphs, list) and all(isinstance(p, str) for p in paragraphs):
                text = "\n\n".join(paragraphs)
            elif isinstance(record.get("text"), str):
                text = record["text"]
            else:
                report(Problem(path.name, "skipped line: needs 'text' or 'paragraphs'", number))
                continue
            # A list (["cocoa", "coffee"]) is several values, as "cocoa;coffee" in a catalog.
            meta = {k: "; ".join(map(str, v)) if isinstance(v, list) else str(v)
                    for k, v in record.items() if k not in ("text", "paragraphs") and v}
            if not text.strip() and not meta.get("title"):
                report(Problem(path.name, "skipped line: empty article", number))
                continue
            article = _build_article(
                default_id=f"{path.stem}-{number}",
                text=text,
                meta=meta,
                where=where,
                report=report,
                raw=raw,
            )
            article.path = f"{path.name}:{number}"
            yield article
