"""Building an index: the corpus read once, each article handed to the engine's writer,
then the engine-neutral artifacts, then the switch.

What is the service's here, whichever engine writes: which articles (duplicate ids are
skipped and reported), ``--update`` (articles compared by content hash: new ones are
appended to a copy of the live build; a changed or removed article means a full rebuild,
because deleted entries would still count in the ranking's statistics), ``--strict``, the
lock and the atomic switch (:mod:`.folder`), and the artifacts every engine reuses: the
name-variant table, near-duplicate clusters (:mod:`.duplicates`), the catalog facets
(:mod:`.catalog`), the names each article mentions (:mod:`.names`) and the vocabulary
with document frequencies (:mod:`.vocabulary`).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np

from .. import __version__
from ..corpus import Article, Problem, read_folder, read_jsonl
from ..engine import EngineBuilder
from ..errors import BuildError, IndexProblem, StrictBuildError
from ..fields import source_key
from ..filters import values_of
from ..settings import Settings
from ..variants import NAME_SHARE, name_table, name_words
from . import folder, integrity
from .catalog import check_names, write_catalog
from .duplicates import FILE as DUPLICATES
from .duplicates import write_duplicates
from .names import NameRecord, write_names
from .progress import BuildTracker, count_files
from .report import folded_stories, make_report, write_report
from .summary import BuildSummary
from .vocabulary import write_vocabulary

OnArticle = Callable[[Article], None]
TABLES = "tables"  # the service's artifacts inside a build folder


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


class _Record:
    """What the build keeps of each article read: its hash and path (for ``--update``),
    its catalog facet values, its source's display name, and the names it uses."""

    def __init__(self, facets: tuple[str, ...]):
        self.facets = facets
        self.meta: dict = {"files": {}, "sources": {}}
        self.names: Counter[str] = Counter()  # entries using a word as a name
        self.mentions = NameRecord()  # for the names facet

    def add(self, article: Article) -> None:
        entry: dict = {"hash": article.content_hash, "path": article.path}
        found = {name: values for name in self.facets
                 if (values := values_of(article.extra.get(name)))}
        if found:
            entry["facets"] = found
        self.meta["files"][article.id] = entry
        self.meta["sources"][source_key(article.source)] = article.source
        self.mentions.add(article)
        title_names = name_words(article.title)
        for paragraph in article.paragraphs or [""]:
            self.names.update(title_names | name_words(paragraph))


def build(
    root: Path, engine: EngineBuilder, corpus: Path | None = None, jsonl: Path | None = None,
    *, update: bool = False, on_article: OnArticle | None = None,
    on_problem: Callable[[Problem], None] | None = None, workers: int = 1,
    catalog: Path | None = None, strict: bool = False, settings: Settings | None = None,
    facets: tuple[str, ...] | None = None,
) -> BuildSummary:
    """Build (or, with ``update``, refresh) the index in ``root`` and switch to it.

    ``catalog`` names a catalog.csv kept outside the corpus folder (default: its own).
    With ``strict``, any problem in the input fails the build and the live index stays.
    ``facets``: catalog columns to offer as facets (None: the live index's, if any)."""
    settings = settings or Settings()
    root = Path(root)
    try:
        return _build(root, engine, corpus, jsonl, update, on_article, on_problem, workers,
                      catalog, strict, settings, facets)
    except OSError as error:  # before the build folder: the index folder or its lock
        problem = folder.storage_problem(error, root, 0)
        if problem is None:
            raise
        raise problem from None


def _build(root: Path, engine: EngineBuilder, corpus: Path | None, jsonl: Path | None,
           update: bool, on_article: OnArticle | None,
           on_problem: Callable[[Problem], None] | None, workers: int, catalog: Path | None,
           strict: bool, settings: Settings, facets: tuple[str, ...] | None) -> BuildSummary:
    root.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with folder.BuildLock(root):
        folder.remove_killed_builds(root)
        live = folder.live_path(root)
        names = check_names(facets) if facets is not None else _live_facets(live)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        target = root / f"build-{stamp}-{os.getpid()}"
        partial = target.with_name(target.name + folder.PARTIAL)
        mode = "update" if update and folder.is_usable(root) else "full"
        summary = BuildSummary(path=target, mode=mode)
        files = count_files(corpus, jsonl)
        summary.files = (files or 0) + (jsonl is not None)
        # The progress file a server shows while this build runs (removed at the end).
        tracker = BuildTracker(root, mode, files).start()

        def report(problem: Problem) -> None:
            summary.problems.append(problem)
            tracker.problem(problem)
            if on_problem:
                on_problem(problem)

        def read(article: Article) -> None:
            tracker.article(article)
            if on_article:
                on_article(article)

        articles = tracker.read_all(
            _unique(read_articles(corpus, jsonl, report, workers, catalog), report))

        def reread() -> Iterator[Article]:
            """The input again, its problems already reported by the first reading."""
            return tracker.read_all(
                _unique(read_articles(corpus, jsonl, _ignore, workers, catalog), _ignore))

        try:
            if summary.mode == "update":
                assert live is not None
                folder.copy_build(live, partial)
                record = _update(partial, folder.read_meta(live), articles, summary,
                                 read, reread, engine, settings, names, tracker)
            else:
                partial.mkdir()
                record = _full(partial, articles, summary, read, engine, settings, names)
            _finish(partial, record, summary, engine, names, tracker)
            if strict and summary.problems:
                raise StrictBuildError([str(problem) for problem in summary.problems])
            os.rename(partial, target)
        except BaseException as error:
            written = folder.folder_bytes(partial) if isinstance(error, OSError) else 0
            shutil.rmtree(partial, ignore_errors=True)
            tracker.stop()
            problem = (folder.storage_problem(error, root, written, partial)
                       if isinstance(error, OSError) else None)
            if problem is not None:
                raise problem from None
            raise
        folder.switch(root, target)
        folder.clean(root, target)
        tracker.stop()
    summary.seconds = time.monotonic() - started
    return summary


def _live_facets(live: Path | None) -> tuple[str, ...]:
    """The facets the live index was built with: a rebuild keeps them."""
    if live is None:
        return ()
    try:
        return tuple(folder.read_meta(live).get("facets", ()))
    except IndexProblem:
        return ()


def _count(article: Article, summary: BuildSummary) -> None:
    if article.paragraphs:
        summary.paragraphs += len(article.paragraphs)
    else:
        summary.title_only += 1


def _full(path: Path, articles: Iterable[Article], summary: BuildSummary,
          on_article: OnArticle | None, engine: EngineBuilder, settings: Settings,
          facets: tuple[str, ...]) -> _Record:
    record = _Record(facets)
    writer = engine.writer(path, settings, append=False)
    try:
        for article in articles:
            writer.add(article)
            _count(article, summary)
            record.add(article)
            summary.articles += 1
            if on_article:
                on_article(article)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return record


def _ignore(_problem: Problem) -> None:
    pass


def _update(path: Path, old: dict, articles: Iterable[Article], summary: BuildSummary,
            on_article: OnArticle | None, reread: Callable[[], Iterable[Article]],
            engine: EngineBuilder, settings: Settings, facets: tuple[str, ...],
            tracker: BuildTracker) -> _Record:
    """Add the new articles to the copy of the live build in ``path``.

    If an article changed or was removed, rebuild from ``reread()`` instead: deleted entries
    count in BM25's statistics until merged away, so scores would differ from a full
    rebuild's (and a whoosh merge of the whole index costs about as much as a rebuild).
    """
    known: dict[str, dict] = old.get("files", {})
    record = _Record(facets)
    writer = engine.writer(path, settings, append=True)
    appending = True
    try:
        for article in articles:
            previous = known.get(article.id)
            if previous is None:
                summary.added += 1
                summary.new_files.append((article.id, article.path))
                if appending:
                    writer.add(article)
                    _count(article, summary)
            elif previous["hash"] == article.content_hash:
                summary.unchanged += 1
            else:
                summary.changed += 1
                summary.changed_files.append((article.id, article.path))
                appending = False
            record.add(article)
            summary.articles += 1
            if on_article:
                on_article(article)
        gone = sorted(set(known) - set(record.meta["files"]))
        summary.removed = len(gone)
        summary.removed_files = [(article_id, known[article_id].get("path", ""))
                                 for article_id in gone]
        appending = appending and not summary.removed
    except BaseException:
        writer.cancel()
        raise
    if appending:
        writer.commit()
        return record
    writer.cancel()
    shutil.rmtree(path)
    path.mkdir()
    summary.rebuilt = True
    tracker.enter("rebuilding")
    rebuilt = BuildSummary(path=summary.path)
    record = _full(path, reread(), rebuilt, tracker.article, engine, settings, facets)
    return record


def _finish(path: Path, record: _Record, summary: BuildSummary, engine: EngineBuilder,
            facets: tuple[str, ...], tracker: BuildTracker) -> None:
    """The engine's arrays, then the artifacts and the build report, then meta.json
    (written last: a build folder without it is not a build)."""
    finished = engine.finish(path)
    summary.paragraphs, summary.title_only = finished.paragraphs, finished.title_only
    columns = finished.columns
    tables = path / TABLES
    tables.mkdir(exist_ok=True)
    by_code = columns.per_article()
    write_duplicates(tables, finished.article_words, columns.article_ids, by_code.source,
                     by_code.day)
    files = record.meta["files"]
    write_catalog(tables, columns.article_ids, facets,
                  {article_id: files.get(article_id, {}).get("facets", {})
                   for article_id in columns.article_ids})
    write_vocabulary(tables, *finished.vocabulary("exact"))
    names = [name for name, used in sorted(record.names.items())
             if used >= NAME_SHARE * max(1, finished.doc_frequency("exact", name))]
    write_names(tables, record.mentions, columns.article_ids, finished.article_words, names)
    duplicates = folded_stories(np.load(tables / DUPLICATES), columns.article_ids,
                                by_code.day, tracker.titles)
    summary.report = make_report(path, summary, tracker, engine.name, __version__, duplicates)
    write_report(path, summary.report)
    meta = record.meta
    meta.update(format=folder.FORMAT, engine=engine.name, names=name_table(names),
                articles=len(files), paragraphs=summary.paragraphs,
                title_only=summary.title_only, facets=list(facets),
                built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                version=__version__)
    # Last but meta.json: every file's size and checksum, for readers to verify.
    meta[integrity.CHECKSUMS] = integrity.record(path)
    folder.write_meta(path, meta)
