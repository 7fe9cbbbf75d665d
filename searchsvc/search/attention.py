"""Attention over time: per day, ISO week or month, the share of all articles that match
each of 2 to 5 queries (Media Cloud's attention chart).

Both counts are the engine's date histogram on the articles index, under the same
filters: over each query's matching articles (the articles a search counts, every
version of a wire story included) and over every article (``MatchAll``, the
denominator). The periods run from the first to the last (``from``/``to`` when given, else
the first and last dated article within the filters), empty ones included, so that a
series has a point in every period. Undated articles fall in no period and are left out
of both counts; how many there are is reported beside.
"""

from __future__ import annotations

import calendar
import datetime as dt
import time

import numpy as np

from .. import request as rq
from ..attention_models import (
    INTERVALS,
    MAX_PERIODS,
    MAX_QUERIES,
    MIN_QUERIES,
    AttentionPeriod,
    AttentionPoint,
    AttentionRequest,
    AttentionResponse,
    AttentionSeries,
    Interval,
    naming,
)
from ..engine.postings import PERIOD_WIDTH
from ..errors import SearchError
from ..fields import UNDATED
from ..filters import Filters
from ..query.understood import describe
from .facets import filter_clauses
from .matching import article_query, parse_request
from .snapshot import Snapshot

HISTOGRAM = "periods"


def attention(snapshot: Snapshot, request: AttentionRequest) -> AttentionResponse:
    """Each query's matching articles per period, over all the period's articles. Raises
    :class:`SearchError` (400) for a count of queries outside 2 to 5, an unknown interval,
    too many periods, or a query the query language rejects (the error names it)."""
    started = time.perf_counter()
    check_request(request)
    filters = request.filters()
    conditions = tuple(condition for _, condition in filter_clauses(filters, snapshot.catalog))
    labels, _ = snapshot.columns.periods(PERIOD_WIDTH[request.interval])

    def histogram(query: rq.Node) -> dict[str, int]:
        found = snapshot.engine.search(rq.SearchBody(
            query=query, index="articles", filter=conditions, size=0, track_scores=False,
            aggs=(rq.DateHistogram(HISTOGRAM, request.interval),)))
        counts = found.aggregations[HISTOGRAM]
        return {labels[code]: int(counts[code]) for code in np.flatnonzero(counts)}

    everything = histogram(rq.MatchAll())
    periods = [AttentionPeriod(key, first, last, everything.get(key, 0))
               for key, first, last in period_range(request.interval, filters,
                                                    [k for k in everything if k != UNDATED])]
    series = []
    for number, q in enumerate(request.queries, start=1):
        try:
            parsed = parse_request(snapshot, request.search_of(q))
            if parsed.is_empty:  # the search finds nothing for it: a line at zero would lie
                raise SearchError("invalid_query", "q: nothing to match (a query of -words"
                                  " alone matches no article, as in the search)", "q")
            matching = histogram(article_query(parsed.query, snapshot.settings, keep_not=True))
        except SearchError as error:
            raise naming(error, q, number) from None
        points = [AttentionPoint(p.period, matching.get(p.period, 0),
                                 matching.get(p.period, 0) / p.articles if p.articles else None)
                  for p in periods]
        series.append(AttentionSeries(q=q, understood=describe(parsed.query),
                                      matching=sum(point.matching for point in points),
                                      undated=matching.get(UNDATED, 0), points=points))
    return AttentionResponse(request, periods, series, everything.get(UNDATED, 0),
                             took_ms=(time.perf_counter() - started) * 1000)


def check_request(request: AttentionRequest) -> None:
    """The request's shape: 2 to 5 queries, none empty; a known interval."""
    given = len(request.queries)
    if not MIN_QUERIES <= given <= MAX_QUERIES:
        raise SearchError("invalid_parameter", f"q is given {given} time{'s' * (given != 1)};"
                          f" compare {MIN_QUERIES} to {MAX_QUERIES} queries (q=…&q=…)", "q")
    if request.interval not in INTERVALS:
        raise SearchError("invalid_parameter", f"interval={request.interval!r} must be one of"
                          f" {', '.join(INTERVALS)}", "interval")
    for number, q in enumerate(request.queries, start=1):
        if not q.strip():
            raise SearchError("invalid_query", f"q number {number} is empty; each q is one"
                              " query to compare", "q")


def period_range(interval: Interval, filters: Filters,
                 dated: list[str]) -> list[tuple[str, str, str]]:
    """(period, its first day, its last day) from the first period to the last, each
    within from/to; the first and last are from/to's when given, else the dated
    periods' (``dated``, sorted)."""
    first = period_of(filters.date_from, interval) if filters.date_from else \
        (dated[0] if dated else None)
    last = period_of(filters.date_to, interval) if filters.date_to else \
        (dated[-1] if dated else None)
    if first is None or last is None or first > last:
        return []
    out = []
    key = first
    while key <= last:
        start, end = bounds(key, interval)
        out.append((key, max(start, filters.date_from or start),
                    min(end, filters.date_to or end)))
        if len(out) > MAX_PERIODS:
            raise SearchError("invalid_parameter", f"interval={interval} gives more than"
                              f" {MAX_PERIODS:,} periods from {first} to {last}; choose a"
                              " longer interval or narrow from and to", "interval")
        key = following(key, interval)
    return out


def period_of(day: str, interval: Interval) -> str:
    """The key of the period holding ``day`` (as the engine's histogram keys it)."""
    if interval == "month":
        return day[:7]
    if interval == "week":
        date = dt.date.fromisoformat(day)
        return (date - dt.timedelta(days=date.weekday())).isoformat()
    return day


def bounds(key: str, interval: Interval) -> tuple[str, str]:
    """A period's first and last day."""
    if interval == "month":
        year, month = int(key[:4]), int(key[5:7])
        return f"{key}-01", f"{key}-{calendar.monthrange(year, month)[1]:02d}"
    if interval == "week":
        return key, (dt.date.fromisoformat(key) + dt.timedelta(days=6)).isoformat()
    return key, key


def following(key: str, interval: Interval) -> str:
    """The next period's key."""
    if interval == "month":
        year, month = int(key[:4]), int(key[5:7])
        return f"{year + month // 12:04d}-{month % 12 + 1:02d}"
    step = 7 if interval == "week" else 1
    return (dt.date.fromisoformat(key) + dt.timedelta(days=step)).isoformat()
