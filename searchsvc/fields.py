"""The values every engine stores for a paragraph, derived the same way everywhere:
paragraph ids, source keys, and the day and month an article is filed under."""

from __future__ import annotations

import datetime as dt

from .analysis import fold

UNDATED = "undated"  # sorts after every ISO date, so date ranges never include it


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
