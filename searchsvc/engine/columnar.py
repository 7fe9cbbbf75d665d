"""A search body's filters, aggregations, collapse, sort and paging, over doc values.

For an engine whose query executor returns every match with its score (whoosh here): the
rest of the :class:`~searchsvc.request.SearchBody` is done over the per-entry columns
(:class:`~.postings.Columns`, the engine's doc values) with numpy, never one Python object
per match. An engine that counts and collapses natively (Xapian's match spies and collapse
key) answers :meth:`~searchsvc.engine.EngineReader.search` itself instead.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import request as rq
from ..fields import UNDATED
from ..topk import best_first, by_date
from .postings import PERIOD_WIDTH, Columns, Group, Matches, SearchResult

Executor = Callable[[rq.Node, "np.ndarray | None", bool, "int | None"], Matches]


class _Values:
    """Per hit of one index: its article, source, day and paragraph codes."""

    def __init__(self, columns: Columns, index: str):
        self.columns = columns
        if index == "articles":
            per_article = columns.per_article()
            count = len(columns.article_ids)
            self.article = np.arange(count, dtype=np.int32)
            self.source, self.day = per_article.source, per_article.day
            self.para = np.zeros(count, dtype=np.int32)
        else:
            self.article, self.source = np.asarray(columns.article), np.asarray(columns.source)
            self.day, self.para = np.asarray(columns.day), np.asarray(columns.para)
        self.size = len(self.article)

    def passes(self, condition: rq.Filter, docs: np.ndarray) -> np.ndarray:
        """Per one of ``docs``: whether it passes ``condition``."""
        if isinstance(condition, rq.EntryIn):
            return np.isin(docs, condition.docs, assume_unique=True)
        if isinstance(condition, rq.ArticleIn):
            wanted = np.zeros(len(self.columns.article_ids), dtype=bool)
            wanted[condition.codes] = True
            return wanted[self.article[docs]]
        if isinstance(condition, rq.SourceIn):
            keys = set(condition.keys)
            ok = np.asarray([key in keys for key in self.columns.source_keys], dtype=bool)
            return ok[self.source[docs]]
        ok = np.asarray([day != UNDATED and (condition.gte is None or day >= condition.gte)
                         and (condition.lte is None or day <= condition.lte)
                         for day in self.columns.days], dtype=bool)
        return ok[self.day[docs]]

    def buckets(self, aggregation: rq.Aggregation, docs: np.ndarray) -> np.ndarray:
        if isinstance(aggregation, rq.DateHistogram):
            labels, bucket_of_day = self.columns.periods(PERIOD_WIDTH[aggregation.interval])
            return np.bincount(bucket_of_day[self.day[docs]], minlength=len(labels))
        if aggregation.field == "source":
            return np.bincount(self.source[docs], minlength=len(self.columns.source_keys))
        values = aggregation.values
        if values is None:
            raise ValueError(f"aggregation {aggregation.name}: field {aggregation.field!r}"
                             " needs its values")
        per_article = np.bincount(self.article[docs], minlength=len(values.offsets) - 1)
        if not len(values.codes):
            return np.zeros(values.size, dtype=np.int64)
        return np.bincount(values.codes, weights=per_article[values.owner],
                           minlength=values.size).astype(np.int64)


def search(columns: Columns, execute: Executor, articles: Executor,
           body: rq.SearchBody) -> SearchResult:
    """``body`` answered with the query executors of the entries and the articles index."""
    values = _Values(columns, body.index)
    run = articles if body.index == "articles" else execute
    within: np.ndarray | None = None
    later: list[rq.Filter] = []
    for condition in body.filter:
        if isinstance(condition, rq.EntryIn):
            within = condition.docs if within is None else \
                np.intersect1d(within, condition.docs, assume_unique=True)
        else:
            later.append(condition)
    ranked = body.track_scores and bool(body.sort) and body.sort[0] == "_score"
    best = None
    if ranked and body.size is not None and body.collapse is None and not body.post_filter:
        best = body.from_ + body.size
        if later:  # the top k must be taken among the filtered entries, not before
            candidates = np.arange(values.size, dtype=np.int32) if within is None else within
            for condition in later:
                candidates = candidates[values.passes(condition, candidates)]
            within, later = candidates, []
    found = run(body.query, within, body.track_scores, best)
    docs = found.docs
    scores = found.scores if found.scores is not None else np.zeros(len(docs))
    if later:
        keep = np.ones(len(docs), dtype=bool)
        for condition in later:
            keep &= values.passes(condition, docs)
        docs, scores = docs[keep], scores[keep]
    passes = {name: values.passes(condition, docs) for name, condition in body.post_filter}
    counts = {}
    for aggregation in body.aggs:
        chosen = np.ones(len(docs), dtype=bool)
        for name, mask in passes.items():
            if name not in aggregation.leave_out:
                chosen &= mask
        counts[aggregation.name] = values.buckets(aggregation, docs[chosen])
    if passes:
        hit = np.logical_and.reduce(list(passes.values()))
        docs, scores = docs[hit], scores[hit]
    if body.collapse is not None:
        return _collapsed(body, values, docs, scores, counts)
    limit = None if body.size is None else body.from_ + body.size
    order = _order(body, values, docs, scores, limit)[body.from_:]
    return SearchResult(len(docs), docs[order], scores[order], aggregations=counts)


def _order(body: rq.SearchBody, values: _Values, docs: np.ndarray, scores: np.ndarray,
           limit: int | None) -> np.ndarray:
    """Positions of ``docs`` in the body's sort order, the first ``limit`` (or all)."""
    keys = body.sort
    tiebreak = tuple({"article": values.article, "para": values.para}[key][docs]
                     for key in keys[1:] if key in ("article", "para"))
    if not keys:
        return np.arange(len(docs))[:limit]
    if keys[0] == "_score":
        return best_first(docs, scores, tiebreak, limit)
    if keys[0] in ("day", "-day"):
        return by_date(values.day[docs], values.columns.days, tiebreak,
                       newest=keys[0] == "-day")[:limit]
    return np.lexsort(tuple(reversed((values.article[docs],) + tiebreak)))[:limit]


def _collapsed(body: rq.SearchBody, values: _Values, docs: np.ndarray, scores: np.ndarray,
               counts: dict[str, np.ndarray]) -> SearchResult:
    """One group per article in the order of its best hit, each with its best
    ``inner_hits`` entries; ``from``/``size`` count groups."""
    assert body.collapse is not None
    ordered = _order(body, values, docs, scores, None)
    article = values.article[docs[ordered]]
    codes, first = np.unique(article, return_index=True)
    groups_in_order = codes[np.argsort(first, kind="stable")]
    stop = None if body.size is None else body.from_ + body.size
    page = groups_in_order[body.from_:stop]
    grouped = np.argsort(article, kind="stable")  # by article, each in the sort order
    starts = np.searchsorted(article[grouped], page)
    ends = np.searchsorted(article[grouped], page, side="right")
    groups = []
    for code, start, end in zip(page.tolist(), starts.tolist(), ends.tolist(), strict=True):
        mine = ordered[grouped[start:min(end, start + body.collapse.inner_hits)]]
        groups.append(Group(code, docs[mine], scores[mine], end - start))
    best = np.asarray([g.docs[0] for g in groups], dtype=np.int64)
    best_scores = np.asarray([g.scores[0] for g in groups], dtype=float)
    return SearchResult(len(docs), best, best_scores, tuple(groups), counts)
