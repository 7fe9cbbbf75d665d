"""One page of a search: its hits with snippets, totals, facets and did-you-mean, the
answer behind the JSON API, the page and the CLI."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from ..engine.postings import Stored
from ..fields import UNDATED
from ..models import (
    Highlights,
    Hit,
    ParagraphHit,
    SearchRequest,
    SearchResponse,
)
from ..query.understood import describe, highlights
from ..snippets import snippet
from .facets import catalog_buckets, count, date_buckets, source_buckets
from .matching import (
    article_order,
    best_paragraphs,
    match_query,
    matched_per_article,
    missing_words,
    paragraph_order,
    parse_request,
)
from .names import name_buckets
from .snapshot import Snapshot
from .suggest import suggest


def search(snapshot: Snapshot, request: SearchRequest) -> SearchResponse:
    started = time.perf_counter()
    filters = request.filters()
    match = match_query(snapshot, request, filters)
    first, last = request.first, request.last
    wanted = highlights(match.parsed.query)
    if request.group == "article":
        hits = _article_page(snapshot, match, request, first, last, wanted)
    else:
        hits = _paragraph_page(snapshot, match, request, first, last, wanted)
    names = snapshot.meta.get("sources", {})
    cols = snapshot.columns
    total_paragraphs = len(match.paragraphs)
    total_articles = match.total_articles
    total = total_articles if request.group == "article" else total_paragraphs
    settings = snapshot.settings
    found = count(snapshot.engine, match.facet_paragraphs, match.facet_articles,
                  match.clauses, snapshot.catalog)
    response = SearchResponse(
        request=request,
        understood=describe(match.parsed.query) if request.q.strip() else "",
        variants=match.parsed.variants,
        relaxed=len(match.tiers) > 1,
        total_paragraphs=total_paragraphs,
        total_articles=total_articles,
        folded=sum(len(later) for later in match.folded.values()),
        pages=max(1, -(-min(total, settings.max_window) // request.per_page)),
        took_ms=0.0,
        hits=hits,
        facets={
            "source": source_buckets(found, cols.source_keys, filters, names),
            "month": date_buckets(found, "month", cols.periods(7)[0], filters),
            "day": date_buckets(found, "day", cols.periods(10)[0], filters),
            **{name: catalog_buckets(found, facet, filters)
               for name, facet in snapshot.catalog.items()},
        },
    )
    response.names = name_buckets(snapshot.engine, _shown_articles(match), snapshot.names,
                                  request.names, settings.facet_names)
    if request.q.strip() and (total_articles < settings.suggest_below or response.relaxed):
        if (time.perf_counter() - started) * 1000 > settings.optional_budget_ms:
            response.skipped.append("suggestion")
        else:
            response.suggestion = suggest(snapshot, request, match, filters)
    response.took_ms = (time.perf_counter() - started) * 1000
    return response


def _shown_articles(match) -> np.ndarray:
    """The articles the totals count: every tier's, within the filters, folded."""
    return np.concatenate([t.articles for t in match.tiers]) if match.tiers else \
        np.zeros(0, dtype=np.int64)


def _article_page(snapshot, match, request, first, last, wanted) -> list[Hit]:
    page = article_order(snapshot, match, request, last)[first:last]
    if not page:
        return []
    cols = snapshot.columns
    best = best_paragraphs(snapshot, match, [code for code, _ in page],
                           snapshot.settings.paragraphs_per_article)
    missing = missing_words(snapshot, match, [a for a, _ in page])
    hits = []
    for code, score in page:
        group = best.get(code)
        if group is not None:
            shown = list(zip(group.docs.tolist(), group.scores.tolist(), strict=True))
            hit = make_hit(snapshot, shown, group.total, wanted, score)
        else:  # matched by its title (or a scope) alone: its opening, said to be one
            opening = int(snapshot.articles_by_code.opening[code])
            hit = make_hit(snapshot, [(opening, 0.0)], 0, wanted, score, opening=True)
        hit.missing = missing.get(code, [])
        hit.duplicates = [cols.article_ids[c] for c in match.folded.get(code, [])]
        hits.append(hit)
    return hits


def _paragraph_page(snapshot, match, request, first, last, wanted) -> list[Hit]:
    cols = snapshot.columns
    ranked = paragraph_order(snapshot, match, request, first, last)
    counts = matched_per_article(cols, match.paragraphs)
    return [make_hit(snapshot, [(d, s)], counts[int(cols.article[d])], wanted) for d, s in ranked]


def make_hit(snapshot: Snapshot, paragraphs: list[tuple[int, float]], matched: int, wanted,
         score: float | None = None, opening: bool = False) -> Hit:
    """``score``: the article's score (default: its best paragraph's)."""
    stored = [(snapshot.engine.stored(d), s) for d, s in paragraphs]
    head = stored[0][0]
    return Hit(
        article_id=head.article_id,
        title=head.title,
        source=head.source,
        date=day_or_none(head),
        url=head.url,
        score=round(max(s for _, s in paragraphs) if score is None else score, 4),
        matched_paragraphs=matched,
        paragraphs=[
            ParagraphHit(id=f.pid, number=f.para, score=round(s, 4),
                         snippet=snippet(f.text, wanted), text=f.text,
                         opening=opening)
            for f, s in stored
        ],
    )


def highlights_for(snapshot: Snapshot, request: SearchRequest) -> Highlights:
    """What a search marks in a paragraph: the typed words, phrases and prefixes, and the
    name variants it also searched (for the article view's highlighting)."""
    if not request.q.strip():
        return Highlights()
    return highlights(parse_request(snapshot, replace(request, strict=False)).query)


def day_or_none(entry: Stored) -> str | None:
    return None if entry.day in (None, UNDATED) else entry.day
