#!/usr/bin/env python3
"""Every answer the engine gives for a fixed set of requests, to check that a change of the
code (a restructuring) changes none of them.

    python scripts/answers.py dump --index DIR [--queries scripts/bench_queries.txt] --out A.jsonl
    python scripts/answers.py compare A.jsonl B.jsonl

``dump`` opens the index in-process with the public entry points only (``open_archive``,
``search_request``, ``check_window`` and the engine's methods), so the same script runs
against old and new code: run this file with the interpreter of the checkout under test
(``OTHER/.venv/bin/python scripts/answers.py dump ...``), which imports that checkout's
``searchsvc`` (the first line it prints says which).

For every query of the file (blank lines and lines starting with # are skipped) it records,
one JSON line each ``{"q", "variant", "answer"}``:

- the searches ``q``; ``q, group=paragraph``; ``q, sort=newest``; ``q, page=2``;
  ``q, collapse=false``; ``q, strict=true``; ``q, source=<the first source>``;
- ``export`` of the search ``q`` (50 rows) with ``rows=paragraph`` and ``rows=article``;
- ``related`` of the first hit's first paragraph (10, with ``q``), ``article`` of the first
  hit, and ``highlights`` of ``q``;

then ``sources`` and ``health`` (without ``built_at`` and ``version``). A request that raises
``SearchError`` records the error (type, code, message, param) as its answer. Answers are
canonical JSON: keys sorted, ``took_ms`` dropped everywhere, floats rounded to 6 decimals,
sets as sorted lists. The one other answer that depends on timing, a search that skipped
did-you-mean because it had already taken longer than the settings' budget (``skipped``), is
asked again of a fresh engine; one still skipped after that makes the dump exit 2.

``compare`` says how many lines are equal and, for the first 20 that differ, which parts
differ; it exits 1 when any line differs or is missing from one of the files.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import searchsvc
from searchsvc.archive import open_archive
from searchsvc.errors import SearchError
from searchsvc.params import check_window, search_request

DEFAULT_QUERIES = Path(__file__).resolve().parent / "bench_queries.txt"
EXPORT_LIMIT = 50
RELATED_LIMIT = 10
DROPPED = frozenset({"took_ms"})  # timing: differs on every run
HEALTH_DROPPED = frozenset({"built_at", "version"})  # of the build, not of the answers
DIGITS = 6
SHOW = 20
RETRIES = 3

# The search variants: name → query-string parameters added to q.
VARIANTS: dict[str, dict[str, str]] = {
    "search": {},
    "group=paragraph": {"group": "paragraph"},
    "sort=newest": {"sort": "newest"},
    "page=2": {"page": "2"},
    "collapse=false": {"collapse": "false"},
    "strict=true": {"strict": "true"},
}


# ------------------------------------------------------------------ canonical answers


def plain(value: Any) -> Any:
    """``value`` as JSON data: dataclasses as dicts (``to_dict()`` where a class has one,
    e.g. the search response's API body), ``took_ms`` dropped, floats rounded, tuples as
    lists, sets sorted."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        value = to_dict() if callable(to_dict) else dataclasses.asdict(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items() if k not in DROPPED}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    if isinstance(value, float):
        return round(value, DIGITS) + 0.0  # + 0.0: -0.0 is 0.0
    if isinstance(value, Path):
        return str(value)
    return value


def error_answer(error: SearchError) -> dict[str, Any]:
    return {"error": {"type": type(error).__name__, "code": getattr(error, "code", None),
                      "message": getattr(error, "message", str(error)),
                      "param": getattr(error, "param", None)}}


def attempt(call: Callable[[], Any]) -> tuple[Any, Any]:
    """(the result or None, its answer: the result as JSON data, or the error)."""
    try:
        result = call()
    except SearchError as error:
        return None, error_answer(error)
    return result, plain(result)


def export_answer(rows: Any) -> dict[str, Any]:
    listed = list(rows[:len(rows)])
    return {"total": rows.total, "unit": getattr(rows, "unit", None), "len": len(rows),
            "rows": plain(listed)}


def line(q: str | None, variant: str, answer: Any) -> str:
    return json.dumps({"q": q, "variant": variant, "answer": answer}, sort_keys=True,
                      ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


# ------------------------------------------------------------------ dump


def load_queries(path: Path) -> list[str]:
    queries = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        q = raw.strip()
        if q and not q.startswith("#"):
            queries.append(q)
    return queries


def search_once(engine: Any, index: Path, request: Any, skips: list[str]) -> Any:
    """``engine.search(request)``; an answer that skipped an optional part for time (its
    ``skipped``, e.g. did-you-mean past ``optional_budget_ms``: it depends on how busy the
    machine is, not on the code) is asked again of a fresh engine (an engine remembers its
    answers), up to RETRIES times. One still skipped is kept, and reported."""
    response = engine.search(request)
    for _ in range(RETRIES):
        if not getattr(response, "skipped", None):
            return response
        note(f"asking again (skipped {response.skipped} for time): {request!r}")
        with open_archive(Path(index)) as fresh:
            response = fresh.search(request)
    if getattr(response, "skipped", None):
        skips.append(repr(request))
    return response


def query_lines(engine: Any, index: Path, q: str, first_source: str | None,
                skips: list[str]) -> Iterator[str]:
    settings = engine.settings

    def search(params: dict[str, str]) -> Callable[[], Any]:
        def call() -> Any:
            request = search_request(params, settings)
            check_window(request, settings)
            return search_once(engine, index, request, skips)
        return call

    variants = dict(VARIANTS)
    if first_source is not None:
        variants[f"source=<first source {first_source}>"] = {"source": first_source}
    top = None
    for name, extra in variants.items():
        response, answer = attempt(search({"q": q, **extra}))
        if name == "search":
            top = response
        yield line(q, name, answer)

    for rows in ("paragraph", "article"):
        def export(rows: str = rows) -> Any:
            return engine.export(search_request({"q": q}, settings), EXPORT_LIMIT, rows=rows)
        try:
            answer = export_answer(export())
        except SearchError as error:
            answer = error_answer(error)
        yield line(q, f"export rows={rows}", answer)

    hit = top.hits[0] if top is not None and top.hits else None
    if hit is not None:
        paragraph_id = hit.paragraphs[0].id
        _, answer = attempt(lambda: engine.related(paragraph_id, RELATED_LIMIT, q=q))
        yield line(q, "related", {"paragraph": paragraph_id, "related": answer})
        _, answer = attempt(lambda: engine.article(hit.article_id))
        yield line(q, "article", answer)
    _, answer = attempt(lambda: engine.highlights(q))
    yield line(q, "highlights", answer)


def dump(index: Path, queries_path: Path, out: Path) -> int:
    queries = load_queries(queries_path)
    note(f"searchsvc {searchsvc.__version__} from {Path(searchsvc.__file__).parent}")
    note(f"{len(queries)} queries from {queries_path}; index {index}")
    if not index.is_dir():
        raise SystemExit(f"error: --index {index} is not a folder")
    started = time.perf_counter()
    partial = out.with_name(out.name + ".partial")
    counts = {"lines": 0, "errors": 0}
    skips: list[str] = []
    with open_archive(Path(index)) as engine, partial.open("w", encoding="utf-8") as handle:
        sources = engine.sources()
        first_source = sources[0].key if sources else None

        def write(text: str) -> None:
            handle.write(text)
            counts["lines"] += 1
            counts["errors"] += '{"error":{"code":' in text

        write(line(None, "sources", plain(sources)))
        health = plain(engine.health())
        write(line(None, "health", {k: v for k, v in health.items()
                                    if k not in HEALTH_DROPPED}))
        for number, q in enumerate(queries, start=1):
            for text in query_lines(engine, index, q, first_source, skips):
                write(text)
            if number % 50 == 0:
                note(f"… {number} queries, {time.perf_counter() - started:.0f} s")
    os.replace(partial, out)
    note(f"{counts['lines']} lines ({counts['errors']} errors) → {out}"
         f" in {time.perf_counter() - started:.1f} s")
    if skips:
        note(f"warning: {len(skips)} searches skipped an optional part for time even after"
             f" {RETRIES} retries (their answers say so in \"skipped\"); run the dump again on"
             " a quieter machine:")
        for skip in skips[:SHOW]:
            note(f"  {skip}")
        return 2
    return 0


# ------------------------------------------------------------------ compare


def read_answers(path: Path) -> dict[tuple[str | None, str], Any]:
    answers: dict[tuple[str | None, str], Any] = {}
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            record = json.loads(text)
            key = (record["q"], record["variant"])
            if key in answers:
                raise SystemExit(f"error: {path}:{number}: {key} appears twice")
            answers[key] = record["answer"]
    return answers


def ids_of(items: list[Any]) -> list[Any]:
    """What identifies each hit or row (article and paragraph ids), for order checks."""
    out = []
    for item in items:
        if isinstance(item, dict):
            paragraphs = item.get("paragraphs")
            paragraphs = paragraphs if isinstance(paragraphs, list) else []
            pids = [p.get("id") for p in paragraphs if isinstance(p, dict)]
            out.append((item.get("article_id", item.get("id", item.get("key"))),
                        item.get("paragraph"), tuple(pids)))
        else:
            out.append(item)
    return out


def list_diff(a: list[Any], b: list[Any]) -> str:
    if len(a) != len(b):
        return f"{len(a)} vs {len(b)} items"
    ia, ib = ids_of(a), ids_of(b)
    if ia != ib:
        same = sorted(map(repr, ia)) == sorted(map(repr, ib))
        first = next(i for i, (x, y) in enumerate(zip(ia, ib, strict=True)) if x != y)
        return (f"{'same items, order differs' if same else 'items differ'} from #{first}")
    fields: set[str] = set()
    for x, y in zip(a, b, strict=True):
        if x != y and isinstance(x, dict) and isinstance(y, dict):
            fields.update(changed_fields(x, y))
    return f"same items in order, fields differ: {', '.join(sorted(fields)) or '?'}"


def changed_fields(x: dict[str, Any], y: dict[str, Any], prefix: str = "") -> set[str]:
    """The keys whose values differ; inside lists of dicts of the same length (a hit's
    paragraphs), the inner keys, as ``paragraphs.snippet``."""
    found: set[str] = set()
    for key in set(x) | set(y):
        u, v = x.get(key), y.get(key)
        if u == v:
            continue
        if (isinstance(u, list) and isinstance(v, list) and len(u) == len(v)
                and all(isinstance(i, dict) for i in u + v)):
            inner = set().union(*(changed_fields(i, j, f"{prefix}{key}.")
                                  for i, j in zip(u, v, strict=True) if i != j))
            found.update(inner or {f"{prefix}{key}"})
        else:
            found.add(f"{prefix}{key}")
    return found


def part_diff(name: str, a: Any, b: Any) -> str:
    if isinstance(a, list) and isinstance(b, list):
        return f"{name} ({list_diff(a, b)})"
    if isinstance(a, dict) and isinstance(b, dict):
        inner = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        if len(inner) <= 4:
            return f"{name} ({', '.join(inner)})"
        return f"{name} ({len(inner)} keys)"
    return f"{name} ({short(a)} vs {short(b)})"


def short(value: Any, width: int = 50) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= width else text[:width - 1] + "…"


def describe(a: Any, b: Any) -> str:
    """Which top-level parts of two answers differ, briefly."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = sorted(set(a) | set(b), key=str)
        parts = [part_diff(k, a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)]
        return "; ".join(parts)
    if isinstance(a, list) and isinstance(b, list):
        return list_diff(a, b)
    return f"{short(a)} vs {short(b)}"


def compare(path_a: Path, path_b: Path) -> int:
    a, b = read_answers(path_a), read_answers(path_b)
    keys = list(a) + [k for k in b if k not in a]
    equal = sum(1 for k in keys if k in a and k in b and a[k] == b[k])
    only_a = [k for k in keys if k not in b]
    only_b = [k for k in keys if k not in a]
    differ = [k for k in keys if k in a and k in b and a[k] != b[k]]
    print(f"{path_a}: {len(a)} lines; {path_b}: {len(b)} lines")
    print(f"equal: {equal}; differ: {len(differ)}; only in A: {len(only_a)};"
          f" only in B: {len(only_b)}")
    if differ:
        by_variant: dict[str, int] = {}
        for _, variant in differ:
            kind = variant.split("=<")[0]
            by_variant[kind] = by_variant.get(kind, 0) + 1
        print("differ by variant: " + ", ".join(f"{k} {v}" for k, v in sorted(by_variant.items())))
    for q, variant in differ[:SHOW]:
        print(f"  DIFF q={q!r} [{variant}]: {describe(a[(q, variant)], b[(q, variant)])}")
    if len(differ) > SHOW:
        print(f"  … and {len(differ) - SHOW} more")
    for label, missing in (("only in A", only_a), ("only in B", only_b)):
        for q, variant in missing[:SHOW]:
            print(f"  {label}: q={q!r} [{variant}]")
    return 1 if differ or only_a or only_b else 0


# ------------------------------------------------------------------ command line


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    dumping = commands.add_parser("dump", help="record every answer to a JSON Lines file")
    dumping.add_argument("--index", type=Path, required=True, help="index folder")
    dumping.add_argument("--queries", type=Path, default=DEFAULT_QUERIES,
                         help=f"one query a line (default: {DEFAULT_QUERIES})")
    dumping.add_argument("--out", type=Path, required=True, help="JSON Lines file to write")
    comparing = commands.add_parser("compare", help="compare two dumps; exit 1 if they differ")
    comparing.add_argument("a", type=Path)
    comparing.add_argument("b", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        return dump(args.index, args.queries, args.out)
    return compare(args.a, args.b)


if __name__ == "__main__":
    sys.exit(main())
