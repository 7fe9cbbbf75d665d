"""Writing a build's whoosh indexes: one entry per paragraph, and one per article.

Inside a build folder (the service's, :mod:`searchsvc.indexer.folder`)::

    <build>/             whoosh files (paragraphs)
    <build>/articles/    whoosh files (whole articles, for ranking them)
    <build>/tables/      the paragraph index as arrays, for searching (tables.py), and
    <build>/articles/tables/   the article index's

Which articles to write, the lock, the switch and ``--update``'s choice of what changed
are the service's (:mod:`searchsvc.indexer.pipeline`); this module only writes what it is
given.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.query import NumericRange

from ...corpus import Article
from ...fields import day_value, month_value, pid, source_key
from ...settings import Settings
from .schema import build_article_schema, build_schema
from .tables import TABLES, write_tables

ARTICLES = "articles"  # sub-folder of a build: the article index


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
    if not article.paragraphs:
        yield {**common, "pid": pid(article.id, 0), "para": 0, "text": "", "exact": ""}
        return
    for number, paragraph in enumerate(article.paragraphs, start=1):
        yield {**common, "pid": pid(article.id, number), "para": number, "text": paragraph,
               "exact": paragraph}


def article_document(article: Article) -> dict:
    """The article's entry in the article index: title and paragraphs as one text."""
    body = "\n\n".join(([article.title] if article.title else []) + article.paragraphs)
    return {"article_id": article.id, "title": article.title, "title_exact": article.title,
            "text": body, "exact": body, "source": source_key(article.source)}


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


class WhooshWriter:
    """Adds articles to a build folder's two indexes; nothing is seen until
    :meth:`commit`. ``append``: add to the copy of a build already in ``path``."""

    def __init__(self, path: Path, settings: Settings, append: bool = False):
        self.path = Path(path)
        self.appending = append
        if append:
            self._indexes = (whoosh_index.open_dir(str(path)),
                             whoosh_index.open_dir(str(path / ARTICLES)))
            self._writers = (self._indexes[0].writer(limitmb=settings.writer_mb),
                             self._indexes[1].writer(limitmb=settings.writer_mb // 2))
        else:
            (path / ARTICLES).mkdir(parents=True, exist_ok=True)
            self._indexes = (
                whoosh_index.create_in(str(path), build_schema(settings.stop_words)),
                whoosh_index.create_in(str(path / ARTICLES),
                                       build_article_schema(settings.stop_words)))
            self._writers = (_writer(self._indexes[0], settings.writer_mb, settings),
                             _writer(self._indexes[1], settings.writer_mb // 2, settings))
        self._optimize = _processes(settings) == 1

    def add(self, article: Article) -> None:
        paragraphs, articles = self._writers
        for doc in documents(article):
            paragraphs.add_document(**doc)
        articles.add_document(**article_document(article))

    def commit(self) -> None:
        try:
            for writer in self._writers:
                if self.appending:
                    writer.commit(merge=False)  # a merge would change the length statistics
                else:
                    # Several processes: their segments stay as they are (merging them is
                    # one process's work again, and as long as the whole build took).
                    writer.commit(optimize=self._optimize)
        except BaseException:
            self.cancel()
            raise
        finally:
            for ix in self._indexes:
                ix.close()

    def cancel(self) -> None:
        for writer in self._writers:
            with contextlib.suppress(Exception):  # committed or closed: nothing to undo
                writer.cancel()
        for ix in self._indexes:
            with contextlib.suppress(Exception):
                ix.close()


def write_arrays(path: Path) -> None:
    """The committed indexes as arrays, for searching (tables.py)."""
    for folder, columns in ((path, True), (path / ARTICLES, False)):
        # Plain file reads: with a memory map, whoosh3 copies all the postings into memory.
        ix = FileStorage(str(folder), supports_mmap=False, readonly=True).open_index()
        try:
            write_tables(ix, folder / TABLES, columns=columns)
        finally:
            ix.close()


def count_entries(path: Path) -> tuple[int, int]:
    """(paragraphs, title-only articles) in a committed build."""
    ix = FileStorage(str(path), supports_mmap=False, readonly=True).open_index()
    try:
        with ix.searcher() as searcher:
            title_only = sum(1 for _ in searcher.docs_for_query(NumericRange("para", 0, 0)))
            return searcher.doc_count() - title_only, title_only
    finally:
        ix.close()
