"""Building, updating and switching the index.

Layout of an index folder (``index/`` by default)::

    index/current -> build-20201231T120000-4242   (symlink, swapped atomically)
    index/build-20201231T120000-4242/              whoosh files (paragraphs) + meta.json
    index/build-20201231T120000-4242/articles/     whoosh files (whole articles, for ranking)
    index/build-20201231T120000-4242/tables/       the same as arrays, for searching (and
                                                   articles/tables/)
    index/build-….partial/                         a build in progress (or killed)
    index/.build.lock                              held while a build runs

A build writes a new folder and switches ``current`` to it only once it is complete,
so a reader never sees a half-built index and a build that fails or is killed leaves
the old one serving. ``--update`` copies the live build and re-indexes only the
articles whose content hash changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.query import NumericRange

from ... import __version__
from ...corpus import Article, Problem, read_folder, read_jsonl
from ...errors import BuildError, IndexProblem, StrictBuildError
from ...fields import day_value, month_value, pid, source_key
from ...filters import values_of
from ...models import BuildSummary
from ...settings import Settings
from ...variants import NAME_SHARE, name_table, name_words
from .catalog import check_names, write_catalog
from .duplicates import write_duplicates
from .schema import build_article_schema, build_schema
from .tables import TABLES, read_columns, write_tables

CURRENT = "current"
META = "meta.json"
ARTICLES = "articles"  # sub-folder of a build: the article index
# meta.json "format": 2 added the article index; 3 moved the analysis the schema pickles
# (searchsvc.engine.whoosh.analysis); 4 added the arrays (tables.py). Older builds must be
# rebuilt.
FORMAT = 4
LOCK = ".build.lock"
PARTIAL = ".partial"
KEEP_PREVIOUS = 1  # builds kept besides the live one, for readers that still have it open


class IndexCorrupt(IndexProblem):
    pass


class IndexOutdated(IndexCorrupt):
    def __init__(self, message: str, public: str):
        super().__init__(message)
        self.public = public  # the same without the server's paths, for HTTP answers


# ---------------------------------------------------------------- documents


def documents(article: Article) -> Iterator[dict]:
    """The index entries of one article: one per paragraph, or one for a title-only article."""
    common = {
        "article_id": article.id,
        "title": article.title,
        "title_exact": article.title,
        "source": source_key(article.source),
        "source_name": article.source,
        "day": day_value(article.date),
        "month": month_value(article.date),
        "url": article.url,
        "extra": article.extra,
    }
    title_names = name_words(article.title)
    if not article.paragraphs:
        yield {**common, "pid": pid(article.id, 0), "para": 0, "text": "", "exact": "",
               "names": " ".join(sorted(title_names))}
        return
    for number, paragraph in enumerate(article.paragraphs, start=1):
        names = title_names | name_words(paragraph)
        yield {**common, "pid": pid(article.id, number), "para": number, "text": paragraph,
               "exact": paragraph, "names": " ".join(sorted(names))}


def article_document(article: Article) -> dict:
    """The article's entry in the article index: title and paragraphs as one text."""
    body = "\n\n".join(([article.title] if article.title else []) + article.paragraphs)
    return {"article_id": article.id, "title": article.title, "title_exact": article.title,
            "text": body, "exact": body, "source": source_key(article.source)}


# ---------------------------------------------------------------- layout


def live_path(root: Path) -> Path | None:
    """The folder ``current`` points at, or None when there is no index yet."""
    link = Path(root) / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = (Path(root) / target).resolve()
    return path if path.is_dir() else None


def read_meta(path: Path) -> dict:
    try:
        meta = json.loads((path / META).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise IndexCorrupt(
            f"index at {path} has no readable {META} ({error}); rebuild it") from None
    if meta.get("format", 1) != FORMAT:
        why = (f"was built by an older searchsvc (format {meta.get('format', 1)}, this one"
               f" reads {FORMAT}); rebuild it with `searchsvc index`")
        raise IndexOutdated(f"index at {path} {why}", f"the index {why}")
    return meta


def is_usable(root: Path) -> bool:
    """Whether ``root`` has a live index this version can read (for ``index --if-needed``)."""
    live = live_path(root)
    if live is None:
        return False
    try:
        read_meta(live)
    except IndexProblem:
        return False
    return True


def _switch(root: Path, build: Path) -> None:
    temporary = root / f".{CURRENT}.{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(build.name, temporary)
    os.replace(temporary, root / CURRENT)  # atomic on POSIX: readers see old or new


def _remove_killed_builds(root: Path) -> None:
    """Under the build lock no other build runs: every ``.partial`` folder is a killed
    build's, and goes before this build starts (not only after it succeeds)."""
    for child in root.iterdir():
        if child.is_dir() and child.name.startswith("build-") and child.name.endswith(PARTIAL):
            shutil.rmtree(child, ignore_errors=True)


def _clean(root: Path, live: Path) -> None:
    """Remove killed builds and all but the newest KEEP_PREVIOUS finished ones."""
    finished = []
    for child in root.iterdir():
        if not child.is_dir() or not child.name.startswith("build-") or child == live:
            continue
        if child.name.endswith(PARTIAL):
            shutil.rmtree(child, ignore_errors=True)
        else:
            finished.append(child)
    finished.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in finished[KEEP_PREVIOUS:]:
        shutil.rmtree(old, ignore_errors=True)


class _BuildLock:
    """One build at a time per index folder, across processes (a POSIX record lock on
    ``.build.lock``) and within one (a set of the folders this process is building)."""

    _held: set[str] = set()
    _guard = threading.Lock()

    def __init__(self, root: Path):
        self.path = root / LOCK
        self.key = str(Path(root).resolve())

    def __enter__(self) -> _BuildLock:
        with self._guard:
            if self.key in self._held:
                raise BuildError(f"another build is running in {self.path.parent}")
            self.handle = self.path.open("a")
            try:
                # lockf, not flock: the build's forked worker processes do not inherit a
                # record lock, so the orphaned workers of a killed build cannot keep it.
                fcntl.lockf(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except (BlockingIOError, PermissionError):
                self.handle.close()
                raise BuildError(f"another build is running in {self.path.parent}") from None
            self._held.add(self.key)
        return self

    def __exit__(self, *exc: object) -> None:
        with self._guard:
            fcntl.lockf(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self._held.discard(self.key)


# ---------------------------------------------------------------- building


OnArticle = Callable[[Article], None]


def read_articles(
    corpus: Path | None, jsonl: Path | None, report: Callable[[Problem], None], workers: int = 1,
    catalog: Path | None = None,
) -> Iterator[Article]:
    """``catalog``: a catalog.csv to use instead of the one at the corpus folder's root."""
    if corpus is not None:
        if not Path(corpus).is_dir():
            raise BuildError(f"corpus folder {corpus} does not exist")
        yield from read_folder(Path(corpus), report, catalog=catalog, workers=workers)
    if jsonl is not None:
        if not Path(jsonl).is_file():
            raise BuildError(f"JSON Lines file {jsonl} does not exist")
        yield from read_jsonl(Path(jsonl), report)


def _unique(articles: Iterable[Article], report: Callable[[Problem], None]) -> Iterator[Article]:
    seen: dict[str, str] = {}
    for article in articles:
        if article.id in seen:
            report(Problem(article.path, f"skipped: duplicate article id {article.id!r}"
                           f" (also {seen[article.id]})"))
            continue
        seen[article.id] = article.path
        yield article


def build(
    root: Path,
    corpus: Path | None = None,
    jsonl: Path | None = None,
    *,
    update: bool = False,
    on_article: OnArticle | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    workers: int = 1,
    catalog: Path | None = None,
    strict: bool = False,
    settings: Settings | None = None,
    facets: tuple[str, ...] | None = None,
) -> BuildSummary:
    """Build (or, with ``update``, refresh) the index in ``root`` and switch to it.

    ``catalog`` names a catalog.csv kept outside the corpus folder (default: its own).
    With ``strict``, any problem in the input fails the build and the live index stays.
    ``facets``: catalog columns to offer as facets (None: the live index's, if any)."""
    settings = settings or Settings()
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with _BuildLock(root):
        _remove_killed_builds(root)
        live = live_path(root)
        names = check_names(facets) if facets is not None else _live_facets(live)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        target = root / f"build-{stamp}-{os.getpid()}"
        partial = target.with_name(target.name + PARTIAL)
        mode = "update" if update and is_usable(root) else "full"
        summary = BuildSummary(path=target, mode=mode)

        def report(problem: Problem) -> None:
            summary.problems.append(problem)
            if on_problem:
                on_problem(problem)

        articles = _unique(read_articles(corpus, jsonl, report, workers, catalog), report)

        def reread() -> Iterator[Article]:
            """The input again, its problems already reported by the first reading."""
            return _unique(read_articles(corpus, jsonl, _ignore, workers, catalog), _ignore)
        try:
            if summary.mode == "update":
                assert live is not None
                shutil.copytree(live, partial)
                meta = _update(partial, read_meta(live), articles, summary, on_article,
                               reread, settings, names)
            else:
                partial.mkdir()
                meta = _full(partial, articles, summary, on_article, settings, names)
            meta["facets"] = list(names)
            _write_tables(partial, meta)
            meta.update(built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                        version=__version__)
            (partial / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            if strict and summary.problems:
                raise StrictBuildError([str(problem) for problem in summary.problems])
            os.rename(partial, target)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        _switch(root, target)
        _clean(root, target)
    summary.seconds = time.monotonic() - started
    return summary


def _live_facets(live: Path | None) -> tuple[str, ...]:
    """The facets the live index was built with: a rebuild keeps them."""
    if live is None:
        return ()
    try:
        return tuple(read_meta(live).get("facets", ()))
    except IndexProblem:
        return ()


def _write_tables(path: Path, meta: dict) -> None:
    """The committed indexes as arrays, for searching (tables.py), which articles are
    later versions of another (duplicates.py), and the catalog facets (catalog.py)."""
    for folder, columns in ((path, True), (path / ARTICLES, False)):
        # Plain file reads: with a memory map, whoosh3 copies all the postings into memory.
        ix = FileStorage(str(folder), supports_mmap=False, readonly=True).open_index()
        try:
            write_tables(ix, folder / TABLES, columns=columns)
        finally:
            ix.close()
    per_paragraph = read_columns(path / TABLES)
    by_code = per_paragraph.per_article()
    write_duplicates(path / TABLES, path / ARTICLES / TABLES, by_code.source, by_code.day)
    files = meta.get("files", {})
    write_catalog(path / TABLES, per_paragraph.article_ids, tuple(meta.get("facets", ())),
                  {article_id: files.get(article_id, {}).get("facets", {})
                   for article_id in per_paragraph.article_ids})


def _record(meta: dict, article: Article, facets: tuple[str, ...]) -> None:
    meta["files"][article.id] = {"hash": article.content_hash, "path": article.path}
    found = {name: values for name in facets if (values := values_of(article.extra.get(name)))}
    if found:
        meta["files"][article.id]["facets"] = found
    meta["sources"][source_key(article.source)] = article.source


def _add(writers: tuple, article: Article, summary: BuildSummary) -> None:
    paragraphs, articles = writers
    for doc in documents(article):
        paragraphs.add_document(**doc)
    articles.add_document(**article_document(article))
    if article.paragraphs:
        summary.paragraphs += len(article.paragraphs)
    else:
        summary.title_only += 1


def _full(path: Path, articles: Iterable[Article], summary: BuildSummary,
          on_article: OnArticle | None, settings: Settings, facets: tuple[str, ...]) -> dict:
    ix = whoosh_index.create_in(str(path), build_schema(settings.stop_words))
    (path / ARTICLES).mkdir()
    article_ix = whoosh_index.create_in(str(path / ARTICLES),
                                        build_article_schema(settings.stop_words))
    meta: dict = {"files": {}, "sources": {}}
    writers = (_writer(ix, settings.writer_mb, settings),
               _writer(article_ix, settings.writer_mb // 2, settings))
    try:
        for article in articles:
            _add(writers, article, summary)
            _record(meta, article, facets)
            summary.articles += 1
            if on_article:
                on_article(article)
        for writer in writers:
            # Several processes: their segments stay as they are (merging them is one
            # process's work again, and as long as the whole build took).
            writer.commit(optimize=_processes(settings) == 1)
    except BaseException:
        _cancel(writers)
        raise
    article_ix.close()
    return _finish(ix, meta, summary)


def _processes(settings: Settings) -> int:
    return settings.build_processes or len(os.sched_getaffinity(0))


def _writer(ix, limitmb: int, settings: Settings):
    """A writer that analyses and writes in ``build_processes`` processes (docs/whoosh.md,
    trap 6: on 2 cores, 0.55× the wall time of one process on Cranfield, one segment per
    process)."""
    processes = _processes(settings)
    if processes == 1:
        return ix.writer(limitmb=limitmb)
    return ix.writer(limitmb=limitmb, procs=processes, multisegment=True)


def _cancel(writers: tuple) -> None:
    for writer in writers:
        with contextlib.suppress(Exception):  # committed or closed: nothing to undo
            writer.cancel()


def _ignore(_problem: Problem) -> None:
    pass


def _update(path: Path, old: dict, articles: Iterable[Article], summary: BuildSummary,
            on_article: OnArticle | None, reread: Callable[[], Iterable[Article]],
            settings: Settings, facets: tuple[str, ...]) -> dict:
    """Add the new articles to the copy of the live build in ``path``.

    If an article changed or was removed, rebuild from ``reread()`` instead: deleted entries
    count in BM25's statistics until merged away, and a merge re-derives each field's total
    length from the one-byte per-entry lengths, so either way scores would differ from a full
    rebuild's (and a whoosh merge of the whole index costs about as much as a rebuild).
    """
    ix = whoosh_index.open_dir(str(path))
    article_ix = whoosh_index.open_dir(str(path / ARTICLES))
    known: dict[str, dict] = old.get("files", {})
    meta: dict = {"files": {}, "sources": {}}
    writers = (ix.writer(limitmb=settings.writer_mb),
               article_ix.writer(limitmb=settings.writer_mb // 2))
    appending = True
    try:
        for article in articles:
            previous = known.get(article.id)
            if previous is None:
                summary.added += 1
                if appending:
                    _add(writers, article, summary)
            elif previous["hash"] == article.content_hash:
                summary.unchanged += 1
            else:
                summary.changed += 1
                appending = False
            _record(meta, article, facets)
            summary.articles += 1
            if on_article:
                on_article(article)
        summary.removed = len(set(known) - set(meta["files"]))
        appending = appending and not summary.removed
        for writer in writers:
            if appending:
                writer.commit(merge=False)  # a merge would change the length statistics
            else:
                writer.cancel()
    except BaseException:
        _cancel(writers)
        raise
    article_ix.close()
    if appending:
        return _finish(ix, meta, summary)
    ix.close()
    shutil.rmtree(path)
    path.mkdir()
    rebuilt = BuildSummary(path=summary.path)
    meta = _full(path, reread(), rebuilt, None, settings, facets)
    summary.paragraphs, summary.title_only = rebuilt.paragraphs, rebuilt.title_only
    return meta


def _finish(ix, meta: dict, summary: BuildSummary) -> dict:
    """Counts and the name-variant table, read back from what was committed."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        names = [
            name for name in (term.decode("utf-8") for term in reader.lexicon("names"))
            if reader.doc_frequency("names", name)
            >= NAME_SHARE * max(1, reader.doc_frequency("exact", name))
        ]
        title_only = sum(1 for _ in searcher.docs_for_query(NumericRange("para", 0, 0)))
        summary.title_only = title_only
        summary.paragraphs = searcher.doc_count() - title_only
    ix.close()
    meta.update(format=FORMAT, names=name_table(names), articles=len(meta["files"]),
                paragraphs=summary.paragraphs, title_only=summary.title_only)
    return meta
