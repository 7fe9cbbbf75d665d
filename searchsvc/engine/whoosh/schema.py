"""The index schemas: one entry per paragraph, and one per article for ranking articles.

Facets read sortable columns (``source``, ``day``, ``month``, ``article_id``) rather than
``DateRangeFacet``, which is two orders of magnitude slower (docs/whoosh.md, trap 2).
"""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from ...analysis import STOP_WORDS
from .analysis import exact_analyzer, stemming_analyzer


def build_schema(stop_words: frozenset[str] = STOP_WORDS) -> Schema:
    return Schema(
        pid=ID(stored=True, unique=True),
        article_id=ID(stored=True, sortable=True),
        para=NUMERIC(int, stored=True, signed=True, sortable=True),
        title=TEXT(analyzer=stemming_analyzer(stop_words), stored=True,
                   multitoken_query="phrase"),
        title_exact=TEXT(analyzer=exact_analyzer(), multitoken_query="phrase"),
        text=TEXT(analyzer=stemming_analyzer(stop_words), stored=True,
                  multitoken_query="phrase"),
        exact=TEXT(analyzer=exact_analyzer(), multitoken_query="phrase"),
        source=ID(sortable=True),  # folded key; the display name is source_name
        source_name=STORED(),
        day=ID(stored=True, sortable=True),
        month=ID(sortable=True),
        url=STORED(),
        extra=STORED(),
        names=KEYWORD(lowercase=True),
    )


def build_article_schema(stop_words: frozenset[str] = STOP_WORDS) -> Schema:
    """Whole articles, for ranking them (matching.py): the title and every paragraph as one
    ``text``, as a document index would hold them, plus the title on its own. The field
    names are the paragraph schema's, so one parsed query runs on both."""
    return Schema(
        article_id=ID(stored=True, unique=True),
        title=TEXT(analyzer=stemming_analyzer(stop_words), multitoken_query="phrase"),
        title_exact=TEXT(analyzer=exact_analyzer(), multitoken_query="phrase"),
        text=TEXT(analyzer=stemming_analyzer(stop_words), multitoken_query="phrase"),
        exact=TEXT(analyzer=exact_analyzer(), multitoken_query="phrase"),
        source=ID(),
    )
