"""The index schemas: one entry per paragraph, and one per article for ranking articles.

Facets read sortable columns (``source``, ``day``, ``month``, ``article_id``) rather than
``DateRangeFacet``, which is two orders of magnitude slower (shared/notes/whoosh.md, trap 2).
"""

from __future__ import annotations

import datetime as dt

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import exact_analyzer, fold, stemming_analyzer

UNDATED = "undated"  # sorts after every ISO date, so date ranges never include it

# The fields a user can scope a query term to, and the index fields behind them.
TEXT_FIELDS = ("title", "text")


def build_schema() -> Schema:
    return Schema(
        pid=ID(stored=True, unique=True),
        article_id=ID(stored=True, sortable=True),
        para=NUMERIC(int, stored=True, signed=True, sortable=True),
        title=TEXT(analyzer=stemming_analyzer(), stored=True,
                   multitoken_query="phrase"),
        title_exact=TEXT(analyzer=exact_analyzer(), multitoken_query="phrase"),
        text=TEXT(analyzer=stemming_analyzer(), stored=True, multitoken_query="phrase"),
        exact=TEXT(analyzer=exact_analyzer(), multitoken_query="phrase"),
        source=ID(sortable=True),  # folded key; the display name is source_name
        source_name=STORED(),
        day=ID(stored=True, sortable=True),
        month=ID(sortable=True),
        url=STORED(),
        extra=STORED(),
        names=KEYWORD(lowercase=True),
    )


def build_article_schema() -> Schema:
    """Whole articles, for ranking them (search.py): the title and every paragraph as one
    ``text``, as a document index would hold them, plus the title on its own. The field
    names are the paragraph schema's, so one parsed query runs on both."""
    return Schema(
        article_id=ID(stored=True, unique=True),
        title=TEXT(analyzer=stemming_analyzer(), multitoken_query="phrase"),
        title_exact=TEXT(analyzer=exact_analyzer(), multitoken_query="phrase"),
        text=TEXT(analyzer=stemming_analyzer(), multitoken_query="phrase"),
        exact=TEXT(analyzer=exact_analyzer(), multitoken_query="phrase"),
        source=ID(),
    )


def source_key(name: str) -> str:
    """How a source is matched: "Zero Hedge", "zero hedge" and "ZERO HEDGE" are one source."""
    return " ".join(fold(name).split())


def day_value(date: dt.date | None) -> str:
    return date.isoformat() if date else UNDATED


def month_value(date: dt.date | None) -> str:
    return date.isoformat()[:7] if date else UNDATED


def pid(article_id: str, number: int) -> str:
    """Paragraph id: the article id and the paragraph's number, e.g. ``cnn-1#3``."""
    return f"{article_id}#{number}"


def split_pid(value: str) -> tuple[str, int]:
    """Inverse of :func:`pid`. Raises ValueError for text that is not a paragraph id."""
    article_id, sep, number = value.rpartition("#")
    if not sep or not article_id or not number.isdigit():
        raise ValueError(f"not a paragraph id: {value!r} (expected ARTICLE#NUMBER)")
    return article_id, int(number)
