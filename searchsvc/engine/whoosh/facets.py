"""Facet counts that stay right under multi-select.

The counts of one facet are computed with every filter except that facet's own
(meilisearch#1073, typesense#832): ticking CNN still shows how many Zero Hedge
paragraphs match. Each bucket counts matching paragraphs and matching articles. Values
are read from sortable columns, never from ``DateRangeFacet`` (docs/whoosh.md, trap 2).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ...fields import UNDATED
from ...filters import Filters, date_bound
from ...models import Bucket


@dataclass(frozen=True)
class Row:
    """One matching paragraph, as the facets see it."""

    docnum: int
    article: str
    source: str
    day: str


def _count(rows: Iterable[Row], key) -> dict[str, tuple[int, int]]:
    paragraphs: defaultdict[str, int] = defaultdict(int)
    articles: defaultdict[str, set[str]] = defaultdict(set)
    for row in rows:
        value = key(row)
        paragraphs[value] += 1
        articles[value].add(row.article)
    return {value: (paragraphs[value], len(articles[value])) for value in paragraphs}


def source_buckets(rows: list[Row], filters: Filters, names: dict[str, str]) -> list[Bucket]:
    counts = _count((r for r in rows if filters.day_ok(r.day)), lambda r: r.source)
    for selected in filters.sources:
        counts.setdefault(selected, (0, 0))
    buckets = [
        Bucket(key, names.get(key, key), p, a, key in filters.sources)
        for key, (p, a) in counts.items()
    ]
    buckets.sort(key=lambda b: (-b.paragraphs, b.label.casefold()))
    return buckets


def _date_buckets(rows: list[Row], filters: Filters, width: int) -> list[Bucket]:
    counts = _count((r for r in rows if filters.source_ok(r.source)),
                    lambda r: r.day[:width] if r.day != UNDATED else UNDATED)
    buckets = []
    for value in sorted(counts, key=lambda v: (v == UNDATED, v)):
        paragraphs, articles = counts[value]
        selected = value != UNDATED and filters.date_from == date_bound(value, "from", end=False) \
            and filters.date_to == date_bound(value, "to", end=True)
        buckets.append(Bucket(value, value, paragraphs, articles, selected))
    return buckets


def day_buckets(rows: list[Row], filters: Filters) -> list[Bucket]:
    return _date_buckets(rows, filters, 10)


def month_buckets(rows: list[Row], filters: Filters) -> list[Bucket]:
    return _date_buckets(rows, filters, 7)
