"""Facet counts that stay right under multi-select, counted over arrays.

The counts of one facet are computed with every filter except that facet's own
(meilisearch#1073, typesense#832): ticking CNN still shows how many Zero Hedge
paragraphs match. Each bucket counts matching paragraphs and matching articles. Values
come from the integer columns of :mod:`.tables` (``np.bincount``), never from
``DateRangeFacet`` (docs/whoosh.md, trap 2) nor one Python object per match.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from ..engine.postings import Columns
from ..errors import SearchError
from ..fields import UNDATED
from ..filters import Filters, date_bound
from ..indexer.catalog import CatalogFacet
from ..models import Bucket


@dataclass(frozen=True)
class FilterMasks:
    """Which source codes and day codes the filters let through, and per catalog facet
    filtered on, which article codes."""

    source: np.ndarray
    day: np.ndarray
    catalog: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def make(cls, columns: Columns, filters: Filters,
             catalog: Mapping[str, CatalogFacet] | None = None) -> FilterMasks:
        masks = {}
        for name, keys in filters.catalog:
            facet = (catalog or {}).get(name)
            if facet is None:
                raise SearchError("invalid_parameter", f"{name} is not a facet of this index",
                                  name)
            masks[name] = facet.mask(keys)
        return cls(np.asarray([filters.source_ok(k) for k in columns.source_keys], dtype=bool),
                   np.asarray([filters.day_ok(d) for d in columns.days], dtype=bool), masks)

    def articles_ok(self, codes: np.ndarray, leave_out: str | None = None) -> np.ndarray:
        """Per article code of ``codes``: whether every catalog filter (but ``leave_out``'s)
        lets it through."""
        ok = np.ones(len(codes), dtype=bool)
        for name, mask in self.catalog.items():
            if name != leave_out:
                ok &= mask[codes]
        return ok

    def allowed(self, source: np.ndarray, day: np.ndarray, items: np.ndarray) -> np.ndarray:
        """The article codes ``items`` (with their ``source`` and ``day`` codes looked up in
        the arrays given) that pass every filter."""
        return items[self.source[source[items]] & self.day[day[items]]
                     & self.articles_ok(items)]


@dataclass(frozen=True)
class Matched:
    """What facets count: matching paragraphs and matching articles (an article can match
    by its title with no paragraph), before the filters."""

    paragraphs: np.ndarray  # docnums
    articles: np.ndarray  # article codes
    article_source: np.ndarray  # article code -> source code
    article_day: np.ndarray  # article code -> day code


def _counts(paragraph_values: np.ndarray, article_values: np.ndarray,
            size: int) -> tuple[np.ndarray, np.ndarray]:
    return (np.bincount(paragraph_values, minlength=size),
            np.bincount(article_values, minlength=size))


def source_buckets(columns: Columns, matched: Matched, masks: FilterMasks, filters: Filters,
                   names: dict[str, str]) -> list[Bucket]:
    docs = matched.paragraphs[masks.day[columns.day[matched.paragraphs]]
                              & masks.articles_ok(columns.article[matched.paragraphs])]
    codes = matched.articles[masks.day[matched.article_day[matched.articles]]
                             & masks.articles_ok(matched.articles)]
    keys = columns.source_keys
    paragraphs, articles = _counts(np.asarray(columns.source[docs]),
                                   matched.article_source[codes], len(keys))
    shown = {keys[code] for code in np.flatnonzero(articles)} | set(filters.sources)
    code_of = {key: code for code, key in enumerate(keys)}
    buckets = []
    for key in shown:
        code = code_of.get(key)
        p, a = (int(paragraphs[code]), int(articles[code])) if code is not None else (0, 0)
        buckets.append(Bucket(key, names.get(key, key), p, a, key in filters.sources))
    buckets.sort(key=lambda b: (-b.paragraphs, -b.articles, b.label.casefold()))
    return buckets


def date_buckets(columns: Columns, matched: Matched, masks: FilterMasks, filters: Filters,
                 width: int) -> list[Bucket]:
    """Buckets of days (``width`` 10) or months (7), oldest first, undated last."""
    docs = matched.paragraphs[masks.source[columns.source[matched.paragraphs]]
                              & masks.articles_ok(columns.article[matched.paragraphs])]
    codes = matched.articles[masks.source[matched.article_source[matched.articles]]
                             & masks.articles_ok(matched.articles)]
    labels, bucket_of_day = columns.periods(width)
    paragraphs, articles = _counts(bucket_of_day[columns.day[docs]],
                                   bucket_of_day[matched.article_day[codes]], len(labels))
    buckets = []
    for code in np.flatnonzero(articles):
        value = labels[code]
        selected = value != UNDATED and filters.date_from == date_bound(value, "from", end=False) \
            and filters.date_to == date_bound(value, "to", end=True)
        buckets.append(Bucket(value, value, int(paragraphs[code]), int(articles[code]),
                              selected))
    return buckets


def catalog_buckets(facet: CatalogFacet, columns: Columns, matched: Matched,
                    masks: FilterMasks, filters: Filters) -> list[Bucket]:
    """A catalog facet's values among the matching articles, most articles first; a
    selected value is listed even with 0."""
    docs = matched.paragraphs
    docs = docs[masks.source[columns.source[docs]] & masks.day[columns.day[docs]]
                & masks.articles_ok(columns.article[docs], leave_out=facet.name)]
    codes = matched.articles
    codes = codes[masks.source[matched.article_source[codes]]
                  & masks.day[matched.article_day[codes]]
                  & masks.articles_ok(codes, leave_out=facet.name)]
    per_article = np.bincount(np.asarray(columns.article)[docs],
                              minlength=len(columns.article_ids))
    paragraphs, articles = facet.counts(codes, per_article)
    chosen = set(filters.selected(facet.name))
    keys = facet.keys
    shown = [code for code, key in enumerate(keys) if articles[code] or key in chosen]
    buckets = [Bucket(keys[code], facet.labels[code], int(paragraphs[code]),
                      int(articles[code]), keys[code] in chosen) for code in shown]
    # a value asked for that the index does not have: listed, so it can be unticked
    buckets += [Bucket(key, key, 0, 0, True) for key in chosen - set(keys)]
    buckets.sort(key=lambda b: (-b.articles, -b.paragraphs, b.label.casefold()))
    return buckets


def counts(values: np.ndarray, articles: np.ndarray, size: int,
           article_count: int) -> tuple[np.ndarray, np.ndarray]:
    """Per value code: paragraphs, and distinct articles among them (for the archive's
    sources, where every paragraph counts)."""
    paragraphs = np.bincount(values, minlength=size)
    pairs = np.unique(values.astype(np.int64) * article_count + articles)
    return paragraphs, np.bincount(pairs // article_count, minlength=size)
