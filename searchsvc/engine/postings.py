"""What an engine hands back about a finished build, in the same shape for every engine:
per-entry columns (for facets, filters and grouping) and the words of each article (for
the near-duplicate clusters). Plain numpy arrays; no engine library is imported here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..fields import UNDATED


@dataclass(frozen=True)
class Postings:
    """A field's postings, word by word: the documents of ``words[i]`` are
    ``docs[start[i]:start[i + 1]]`` (a compressed sparse row matrix)."""

    words: Sequence[str]
    start: np.ndarray
    docs: np.ndarray


@dataclass(frozen=True)
class ArticleWords:
    """Each article's distinct words as written: ``text`` (title and paragraphs) and
    ``title``; document ``d`` is the article ``ids[d]``."""

    ids: list[str]
    text: Postings
    title: Postings


#: ``Columns.periods``' argument for each interval of a ``DateHistogram``
PERIOD_WIDTH: dict[str, int | str] = {"day": 10, "week": "week", "month": 7}


@dataclass(frozen=True)
class Columns:
    """Per-entry integer codes (entry = document number), and the values they stand for."""

    article: np.ndarray  # code into article_ids (sorted, so code order is id order)
    para: np.ndarray
    source: np.ndarray  # code into source_keys
    day: np.ndarray  # code into days (sorted: code order is date order, undated last)
    article_ids: list[str]
    source_keys: list[str]
    days: list[str]
    _periods: dict = field(default_factory=dict, compare=False, repr=False)

    def periods(self, width: int | str) -> tuple[list[str], np.ndarray]:
        """Labels of days (``width`` 10), months (7) or ISO weeks (``"week"``: the week's
        Monday, as YYYY-MM-DD), oldest first and undated last, and the label code of each
        day code."""
        if width not in self._periods:
            def label(day: str) -> str:
                if day == UNDATED:
                    return UNDATED
                if width == "week":
                    date = dt.date.fromisoformat(day)
                    return (date - dt.timedelta(days=date.weekday())).isoformat()
                assert isinstance(width, int)
                return day[:width]
            labels = sorted({label(day) for day in self.days},
                            key=lambda v: (v == UNDATED, v))
            code_of = {value: code for code, value in enumerate(labels)}
            self._periods[width] = (labels, np.asarray([code_of[label(day)] for day in self.days],
                                                       dtype=np.int32))
        return self._periods[width]

    def day_numbers(self) -> np.ndarray:
        """Each day code's proleptic ordinal (NaN for undated), for distances in days."""
        if "ordinals" not in self._periods:
            self._periods["ordinals"] = np.asarray(
                [dt.date.fromisoformat(day).toordinal() if day != UNDATED else np.nan
                 for day in self.days], dtype=float)
        return self._periods["ordinals"]

    def per_article(self) -> PerArticle:
        """Each article's source and day codes, by article code (its paragraphs agree)."""
        count = len(self.article_ids)
        source = np.zeros(count, dtype=np.int32)
        day = np.zeros(count, dtype=np.int32)
        source[np.asarray(self.article)] = self.source
        day[np.asarray(self.article)] = self.day
        return PerArticle(source, day)


@dataclass(frozen=True)
class PerArticle:
    source: np.ndarray  # article code -> source code
    day: np.ndarray  # article code -> day code


@dataclass(frozen=True)
class Matches:
    """What an engine's executor returns: sorted, distinct document numbers (or article
    codes), and their scores (None when not scored)."""

    docs: np.ndarray
    scores: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.docs)


@dataclass(frozen=True)
class Group:
    """One article of a collapsed result: its best entries, in the body's sort order."""

    article: int  #: article code
    docs: np.ndarray  #: its inner hits (document numbers)
    scores: np.ndarray
    total: int  #: how many of the hits are in this group


@dataclass(frozen=True)
class SearchResult:
    """An engine's answer to a :class:`searchsvc.request.SearchBody`."""

    total: int  #: hits matching the query, ``filter`` and ``post_filter`` (entries or articles)
    docs: np.ndarray  #: the page, in order: document numbers (or article codes)
    scores: np.ndarray  #: their scores (0 when the body did not track scores)
    #: with ``collapse``: the page's groups, in order (``docs`` holds each one's best)
    groups: tuple[Group, ...] = ()
    #: per aggregation name: the count of each bucket, by value (or period) code
    aggregations: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class Stored:
    """One entry as stored: a paragraph (``para`` from 1) or a title-only article (0)."""

    pid: str
    article_id: str
    para: int
    title: str
    source: str  # the display name
    day: str | None  # YYYY-MM-DD or "undated"
    url: str
    text: str
    extra: dict


@dataclass(frozen=True)
class FinishedBuild:
    """A committed build, as the service's build pipeline reads it back."""

    paragraphs: int
    title_only: int  # articles with a title and no paragraph (one entry each)
    columns: Columns
    article_words: ArticleWords
    doc_frequency: Callable[[str, str], int]  # (field, word) -> entries holding it
    # field -> (its words, sorted, and each one's document frequency)
    vocabulary: Callable[[str], tuple[list[str], list[int]]]
