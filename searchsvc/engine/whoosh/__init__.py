"""The whoosh engine: the only package of searchsvc that imports whoosh.

Pipeline inside it: :mod:`.analysis` (searchsvc's analysis as whoosh analyzers) →
:mod:`.schema` → :mod:`.index` (writing a build) → :mod:`.tables` (the build as arrays) →
:mod:`.reader` (a build open for searching) → :mod:`.array_query` (executing a request's
query over the arrays) with :mod:`.translate` and :mod:`.scoring` (whoosh's own matchers
for word positions, BM25 with Lucene's idf).
"""

from __future__ import annotations

from pathlib import Path

from ...settings import Settings
from ..postings import ArticleWords, FinishedBuild, Postings
from .index import ARTICLES, WhooshWriter, count_entries, write_arrays
from .reader import WhooshReader
from .tables import TABLES, FieldPostings, read_article_ids, read_columns, read_tables


def _postings(field: FieldPostings) -> Postings:
    words = field.words
    return Postings([words[row].decode("utf-8") for row in range(len(words))],
                    field.start, field.docs)


class WhooshBuilder:
    """Writes builds with whoosh (:class:`searchsvc.engine.EngineBuilder`)."""

    name = "whoosh"

    def writer(self, path: Path, settings: Settings, append: bool) -> WhooshWriter:
        return WhooshWriter(path, settings, append=append)

    def open(self, path: Path, settings: Settings) -> WhooshReader:
        return WhooshReader(path, settings)

    def finish(self, path: Path) -> FinishedBuild:
        write_arrays(path)
        paragraphs, title_only = count_entries(path)
        tables = read_tables(path / TABLES)
        articles = read_tables(path / ARTICLES / TABLES)
        words = ArticleWords(read_article_ids(path / ARTICLES / TABLES),
                             _postings(articles.fields["exact"]),
                             _postings(articles.fields["title_exact"]))
        def vocabulary(field: str) -> tuple[list[str], list[int]]:
            postings = _postings(tables.fields[field])
            return list(postings.words), tables.fields[field].df.tolist()

        return FinishedBuild(paragraphs, title_only, read_columns(path / TABLES), words,
                             tables.doc_frequency, vocabulary)
