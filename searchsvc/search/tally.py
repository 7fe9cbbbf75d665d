"""How much a search finds, without a page of it: its totals, its first and latest day and
its top sources (what a batch of searches reports per query).

The cheap path of :func:`searchsvc.search.hits.search`: the same match (so the totals are
the search's own, the "most words" tier and folding included), then one aggregation over
the articles found, and no ranking, snippets, facets or did-you-mean.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import request as rq
from ..fields import UNDATED
from ..models import SearchRequest
from .matching import complete, match_query
from .snapshot import Snapshot


@dataclass(frozen=True)
class Tally:
    """What one search finds, counted."""

    articles: int  # the search's total_articles
    paragraphs: int  # the search's total_paragraphs
    complete: int  # articles with every word (the rest come from the "most words" tier)
    first: str | None  # the earliest day of a matching article (None: none is dated)
    latest: str | None
    sources: tuple[tuple[str, int], ...]  # the top sources: (name, matching articles)


def tally(snapshot: Snapshot, request: SearchRequest, top: int = 3) -> Tally:
    """``request``'s totals, its first and latest day, and its ``top`` sources by
    matching articles (ties by name). Raises what the search raises."""
    match = match_query(snapshot, request, request.filters())
    codes = np.sort(np.concatenate([t.articles for t in match.tiers])) if match.tiers \
        else np.zeros(0, dtype=np.int64)
    first = latest = None
    sources: tuple[tuple[str, int], ...] = ()
    if len(codes):
        cols = snapshot.columns
        found = snapshot.engine.search(rq.SearchBody(
            index="articles", filter=(rq.EntryIn(codes),), size=0, track_scores=False,
            aggs=(rq.TermsAgg("source", "source"), rq.DateHistogram("day", "day"))))
        days = cols.periods(10)[0]
        dated = [days[code] for code in np.flatnonzero(found.aggregations["day"])
                 if days[code] != UNDATED]
        if dated:
            first, latest = min(dated), max(dated)
        names = snapshot.meta.get("sources", {})
        per_source = found.aggregations["source"]
        counted = [(names.get(cols.source_keys[code], cols.source_keys[code]),
                    int(per_source[code])) for code in np.flatnonzero(per_source)]
        counted.sort(key=lambda pair: (-pair[1], pair[0].casefold()))
        sources = tuple(counted[:top])
    return Tally(articles=match.total_articles, paragraphs=len(match.paragraphs),
                 complete=complete(match), first=first, latest=latest, sources=sources)
