"""Facet counts that stay right under multi-select, as aggregations the engine counts.

The counts of one facet are computed with every filter except that facet's own
(meilisearch#1073, typesense#832): ticking CNN still shows how many Zero Hedge
paragraphs match. The user's filters go to the engine as named ``post_filter`` clauses
and each facet's aggregation leaves its own out (OpenSearch's pattern). Each bucket
counts matching paragraphs (an aggregation on the entries index) and matching articles
(the same on the articles index: an article can match by its title with no paragraph).
Here: which buckets show, their labels, which are ticked, and their order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .. import request as rq
from ..engine import EngineReader
from ..errors import SearchError
from ..fields import UNDATED
from ..filters import Filters, date_bound
from ..indexer.catalog import CatalogFacet
from ..models import Bucket


def filter_clauses(filters: Filters,
                   catalog: Mapping[str, CatalogFacet]) -> tuple[tuple[str, rq.Filter], ...]:
    """The user's filters as named clauses: ``source``, ``day`` and each catalog facet's
    (the articles holding any of the values ticked)."""
    clauses: list[tuple[str, rq.Filter]] = []
    if filters.sources:
        clauses.append(("source", rq.SourceIn(filters.sources)))
    if filters.has_dates:
        clauses.append(("day", rq.DayRange(filters.date_from, filters.date_to)))
    for name, keys in filters.catalog:
        facet = catalog.get(name)
        if facet is None:
            raise SearchError("invalid_parameter", f"{name} is not a facet of this index",
                              name)
        clauses.append((name, rq.ArticleIn(np.flatnonzero(facet.mask(keys)))))
    return tuple(clauses)


def allowed(engine: EngineReader, codes: np.ndarray,
            clauses: tuple[tuple[str, rq.Filter], ...]) -> np.ndarray:
    """The articles of ``codes`` (sorted) that pass every filter."""
    if not clauses or not len(codes):
        return codes
    body = rq.SearchBody(index="articles", filter=(rq.EntryIn(codes),)
                         + tuple(c for _, c in clauses), size=None, sort=("article",),
                         track_scores=False)
    return np.sort(engine.search(body).docs)


def aggregations(catalog: Mapping[str, CatalogFacet]) -> tuple[rq.Aggregation, ...]:
    """One aggregation per facet, each leaving out its own filter."""
    return (
        rq.TermsAgg("source", "source", leave_out=("source",)),
        rq.DateHistogram("month", "month", leave_out=("day",)),
        rq.DateHistogram("day", "day", leave_out=("day",)),
        *(rq.TermsAgg(name, "values", rq.ArticleValues(facet.offsets, facet.codes,
                                                       len(facet.labels), facet.owner),
                      leave_out=(name,))
          for name, facet in catalog.items()),
    )


@dataclass(frozen=True)
class FacetCounts:
    """Per aggregation: the counts of matching paragraphs and of matching articles."""

    paragraphs: dict[str, np.ndarray]
    articles: dict[str, np.ndarray]


def count(engine: EngineReader, paragraphs: np.ndarray, articles: np.ndarray,
          clauses: tuple[tuple[str, rq.Filter], ...],
          catalog: Mapping[str, CatalogFacet]) -> FacetCounts:
    """The facets of the matching ``paragraphs`` (document numbers) and ``articles``
    (codes), both sorted and before the filters ``clauses``."""
    aggs = aggregations(catalog)

    def counted(index, within: np.ndarray) -> dict[str, np.ndarray]:
        body = rq.SearchBody(index=index, filter=(rq.EntryIn(within),), post_filter=clauses,
                             aggs=aggs, size=0, track_scores=False)
        return engine.search(body).aggregations

    return FacetCounts(counted("entries", paragraphs), counted("articles", articles))


def source_buckets(found: FacetCounts, source_keys: list[str], filters: Filters,
                   names: dict[str, str]) -> list[Bucket]:
    paragraphs, articles = found.paragraphs["source"], found.articles["source"]
    shown = {source_keys[code] for code in np.flatnonzero(articles)} | set(filters.sources)
    code_of = {key: code for code, key in enumerate(source_keys)}
    buckets = []
    for key in shown:
        code = code_of.get(key)
        p, a = (int(paragraphs[code]), int(articles[code])) if code is not None else (0, 0)
        buckets.append(Bucket(key, names.get(key, key), p, a, key in filters.sources))
    buckets.sort(key=lambda b: (-b.paragraphs, -b.articles, b.label.casefold()))
    return buckets


def date_buckets(found: FacetCounts, name: str, labels: list[str],
                 filters: Filters) -> list[Bucket]:
    """Buckets of days or months (``name``), oldest first, undated last."""
    paragraphs, articles = found.paragraphs[name], found.articles[name]
    buckets = []
    for code in np.flatnonzero(articles):
        value = labels[code]
        selected = value != UNDATED and filters.date_from == date_bound(value, "from", end=False) \
            and filters.date_to == date_bound(value, "to", end=True)
        buckets.append(Bucket(value, value, int(paragraphs[code]), int(articles[code]),
                              selected))
    return buckets


def catalog_buckets(found: FacetCounts, facet: CatalogFacet, filters: Filters) -> list[Bucket]:
    """A catalog facet's values among the matching articles, most articles first; a
    selected value is listed even with 0."""
    paragraphs, articles = found.paragraphs[facet.name], found.articles[facet.name]
    chosen = set(filters.selected(facet.name))
    keys = facet.keys
    shown = [code for code, key in enumerate(keys) if articles[code] or key in chosen]
    buckets = [Bucket(keys[code], facet.labels[code], int(paragraphs[code]),
                      int(articles[code]), keys[code] in chosen) for code in shown]
    # a value asked for that the index does not have: listed, so it can be unticked
    buckets += [Bucket(key, key, 0, 0, True) for key in chosen - set(keys)]
    buckets.sort(key=lambda b: (-b.articles, -b.paragraphs, b.label.casefold()))
    return buckets
