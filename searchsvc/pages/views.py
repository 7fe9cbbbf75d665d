"""What the templates are handed: view models of results and filter chips, and the
formatting helpers they share (dates as a reader writes them, counted nouns)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..errors import NotFound
from ..models import Bucket
from .links import engine

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def human_date(value: str | None) -> str:
    """``2020-12-31`` → ``31 Dec 2020``; ``2020-12`` → ``Dec 2020``; ``2020`` stays."""
    if not value:
        return "undated"
    parts = value.split("-")
    try:
        if len(parts) == 3:
            day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        if len(parts) == 2 and 1 <= int(parts[1]) <= 12:
            return f"{MONTHS[int(parts[1]) - 1]} {int(parts[0])}"
    except ValueError:
        pass
    return value


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


@dataclass
class Snippet:
    number: int
    html: str  # escaped by the search layer, only <mark> markup: templates use |safe
    href: str
    related_href: str
    opening: bool = False  # the article's opening, shown because it matched by its title


@dataclass
class Result:
    article_id: str
    label: str
    untitled: bool
    source: str
    date: str | None
    href: str
    matched: int
    paragraphs: int | None
    snippets: list[Snippet]
    label_html: str | None = None  # the headline with the query's words marked (escaped)
    versions: int = 0  # later versions of the story folded under this one
    missing: list[Chip] = field(default_factory=list)  # words it lacks, "must include" links
    first_report: bool = False  # related coverage: of the day the story was first reported


@dataclass
class CatalogGroup:
    """One catalog facet's checkboxes on the page."""

    name: str
    label: str
    buckets: list[Bucket]


@dataclass
class Chip:
    label: str
    href: str


def first_paragraph(article_id: str) -> str:
    """An article's opening paragraph, which labels it when it has no headline (empty
    when it has none, or is gone)."""
    try:
        article = engine().article(article_id)
    except NotFound:
        return ""
    return article.paragraphs[0].text if article.paragraphs else ""
