"""Facet counts that stay right under multi-select, counted over arrays.

The counts of one facet are computed with every filter except that facet's own
(meilisearch#1073, typesense#832): ticking CNN still shows how many Zero Hedge
paragraphs match. Each bucket counts matching paragraphs and matching articles. Values
come from the integer columns of :mod:`.tables` (``np.bincount``), never from
``DateRangeFacet`` (docs/whoosh.md, trap 2) nor one Python object per match.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...fields import UNDATED
from ...filters import Filters, date_bound
from ...models import Bucket
from .tables import Columns


@dataclass(frozen=True)
class FilterMasks:
    """Which source codes and day codes the filters let through."""

    source: np.ndarray
    day: np.ndarray

    @classmethod
    def make(cls, columns: Columns, filters: Filters) -> FilterMasks:
        return cls(np.asarray([filters.source_ok(k) for k in columns.source_keys], dtype=bool),
                   np.asarray([filters.day_ok(d) for d in columns.days], dtype=bool))

    def allowed(self, columns: Columns, docs: np.ndarray) -> np.ndarray:
        return docs[self.source[columns.source[docs]] & self.day[columns.day[docs]]]


def counts(values: np.ndarray, articles: np.ndarray, size: int,
           article_count: int) -> tuple[np.ndarray, np.ndarray]:
    """Per value code: matching paragraphs, and distinct articles among them."""
    paragraphs = np.bincount(values, minlength=size)
    pairs = np.unique(values.astype(np.int64) * article_count + articles)
    return paragraphs, np.bincount(pairs // article_count, minlength=size)


def source_buckets(columns: Columns, docs: np.ndarray, masks: FilterMasks, filters: Filters,
                   names: dict[str, str]) -> list[Bucket]:
    docs = docs[masks.day[columns.day[docs]]]
    keys = columns.source_keys
    paragraphs, articles = counts(np.asarray(columns.source[docs]),
                                  np.asarray(columns.article[docs]), len(keys),
                                  len(columns.article_ids))
    shown = {keys[code] for code in np.flatnonzero(paragraphs)} | set(filters.sources)
    code_of = {key: code for code, key in enumerate(keys)}
    buckets = []
    for key in shown:
        code = code_of.get(key)
        p, a = (int(paragraphs[code]), int(articles[code])) if code is not None else (0, 0)
        buckets.append(Bucket(key, names.get(key, key), p, a, key in filters.sources))
    buckets.sort(key=lambda b: (-b.paragraphs, b.label.casefold()))
    return buckets


def date_buckets(columns: Columns, docs: np.ndarray, masks: FilterMasks, filters: Filters,
                 width: int) -> list[Bucket]:
    """Buckets of days (``width`` 10) or months (7), oldest first, undated last."""
    docs = docs[masks.source[columns.source[docs]]]
    labels, bucket_of_day = columns.periods(width)
    paragraphs, articles = counts(bucket_of_day[columns.day[docs]],
                                  np.asarray(columns.article[docs]), len(labels),
                                  len(columns.article_ids))
    buckets = []
    for code in np.flatnonzero(paragraphs):
        value = labels[code]
        selected = value != UNDATED and filters.date_from == date_bound(value, "from", end=False) \
            and filters.date_to == date_bound(value, "to", end=True)
        buckets.append(Bucket(value, value, int(paragraphs[code]), int(articles[code]),
                              selected))
    return buckets
