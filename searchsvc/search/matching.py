"""Matching and ranking: which articles and paragraphs a query matches, in which order.

Paragraph hits are folded into articles here and nowhere else. The paragraphs decide
which articles match (and the counts and facets); an article then ranks by the query's
score on the whole article, from the article index (title and all paragraphs as one
document, as BM25 reads a document), and shows up to ``paragraphs_per_article``
of its best paragraphs. Ranking articles by their best paragraph measured worse on every
test collection (docs/evaluation.md).

Plain words must all match. When that finds fewer than ``fallback_below``
paragraphs, paragraphs with only some of the words follow the complete matches, ranked
below all of them (``relaxed``); what the user spelled out (``-word``, a typed phrase,
an OR group, a scope) stays required.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np

from .. import request as rq
from ..engine.postings import Group
from ..errors import SearchError
from ..filters import Filters
from ..indexer.duplicates import fold
from ..models import (
    SearchRequest,
)
from ..query.language import ParsedQuery, parse
from ..query.understood import paragraph_words, typed_words
from ..request import (
    Bool,
    MatchAll,
    Node,
    is_and,
    is_bonus,
    is_but_not,
    is_none_of,
    is_or,
    map_children,
    required_with_bonus,
    with_boost,
)
from ..settings import Settings
from ..syntax import QuerySyntaxError, check_syntax
from ..variants import finder
from .facets import allowed, filter_clauses
from .names import name_clauses
from .snapshot import Snapshot

NO_ENTRIES = np.zeros(0, dtype=np.int32)

@dataclass
class Tier:
    """Articles that match one tier of the query (the whole query, then "most words"),
    within the filters, and their paragraphs that hold a query word."""

    query: Node  # the tier's query, in the paragraph index's form
    articles: np.ndarray  # article codes, sorted
    paragraphs: np.ndarray  # docnums, sorted


@dataclass
class Match:
    """What a query matches: articles (all the words anywhere in the article, title
    included) and, for each, the paragraphs that hold a query word."""

    parsed: ParsedQuery
    clauses: tuple[tuple[str, rq.Filter], ...]  # the user's filters, named (facets.py)
    # What the facets count: every tier's paragraphs and articles, before the filters
    facet_paragraphs: np.ndarray  # docnums, sorted
    facet_articles: np.ndarray  # article codes, sorted
    words: Node | None  # what makes a paragraph a matching one
    tiers: list[Tier] = field(default_factory=list)
    folded: dict[int, list[int]] = field(default_factory=dict)  # kept -> later versions

    @property
    def paragraphs(self) -> np.ndarray:
        return np.concatenate([t.paragraphs for t in self.tiers]) if self.tiers else NO_ENTRIES

    @property
    def total_articles(self) -> int:
        return sum(len(t.articles) for t in self.tiers)


def parse_request(snapshot: Snapshot, request: SearchRequest) -> ParsedQuery:
    if request.strict:
        try:
            check_syntax(request.q)
        except QuerySyntaxError as error:
            raise SearchError("invalid_query", f"q: {error}", "q") from None
    variants = None
    if request.fuzzy:
        tables = snapshot.engine
        variants = finder(snapshot.meta.get("names", {}),
                          lambda word: tables.doc_frequency("exact", word) > 0)
    return parse(request.q, snapshot.settings, variants)


def _matching_articles(snapshot: Snapshot, tier_query: Node) -> np.ndarray:
    """Codes (sorted) of the articles that hold the tier's words anywhere."""
    form = article_query(tier_query, snapshot.settings, keep_not=True)
    return snapshot.engine.execute_articles(form, score=False).docs


def match_query(snapshot: Snapshot, request: SearchRequest, filters: Filters) -> Match:
    cols, by_code = snapshot.columns, snapshot.articles_by_code
    engine = snapshot.engine
    clauses = filter_clauses(filters, snapshot.catalog) + name_clauses(request.names,
                                                                         snapshot.names)
    parsed = parse_request(snapshot, request) if request.q.strip() else \
        ParsedQuery(text="", query=MatchAll())
    if parsed.is_empty:
        return Match(parsed, clauses, NO_ENTRIES, NO_ENTRIES, None)
    if not request.q.strip():  # the whole archive: every article, every entry
        codes = np.arange(len(cols.article_ids))
        words: Node | None = MatchAll()
        word_docs = np.arange(len(cols.para), dtype=np.int32)
        tiers = [(parsed.query, codes)]
        passed = [allowed(engine, codes, clauses)]
    else:
        codes = _matching_articles(snapshot, parsed.query)
        tiers = [(parsed.query, codes)]
        passed = [allowed(engine, codes, clauses)]
        if parsed.fallback is not None and len(passed[0]) < snapshot.settings.fallback_below:
            extra = np.setdiff1d(_matching_articles(snapshot, parsed.fallback), codes,
                                 assume_unique=True)
            if len(extra):
                tiers.append((parsed.fallback, extra))
                passed.append(allowed(engine, extra, clauses))
                codes = np.union1d(codes, extra)
        words = paragraph_words(parsed.query)
        word_docs = engine.execute(words, score=False).docs if words is not None \
            else NO_ENTRIES
    article_of = cols.article
    in_matched = word_docs[np.isin(article_of[word_docs], codes)]
    match = Match(parsed, clauses, in_matched, codes, words)
    kept = None
    if request.collapse:
        everything = np.sort(np.concatenate(passed))
        kept, match.folded = fold(everything, by_code.duplicate_of, by_code.day)
        facet_codes, _ = fold(codes, by_code.duplicate_of, by_code.day)
        match.facet_paragraphs = in_matched[np.isin(article_of[in_matched], facet_codes)]
        match.facet_articles = facet_codes
    for (tier_query, _), tier_allowed in zip(tiers, passed, strict=True):
        if kept is not None:
            tier_allowed = tier_allowed[np.isin(tier_allowed, kept)]
        if len(tier_allowed) or not match.tiers:
            paragraphs = in_matched[np.isin(article_of[in_matched], tier_allowed)]
            match.tiers.append(Tier(tier_query, tier_allowed, paragraphs))
    return match


def _paragraph_query(match: Match, tier: Tier) -> Node | None:
    """How a matching paragraph ranks: its query words (any of them; more of them score
    higher) and, when the query has one, the bonus for having them close together."""
    if match.words is None:
        return None
    if isinstance(tier.query, Bool) and is_bonus(tier.query):
        return required_with_bonus(match.words, tier.query.should[0])
    return match.words


def _ranking_body(match: Match, tier: Tier, docs: np.ndarray, **page) -> rq.SearchBody:
    """The search of a tier's paragraphs ``docs`` by score; ties by article, then
    paragraph number (not "#10" < "#2")."""
    ranking = _paragraph_query(match, tier)
    return rq.SearchBody(query=ranking or MatchAll(), filter=(rq.EntryIn(docs),),
                         sort=("_score", "article", "para"), track_scores=ranking is not None,
                         **page)


def _tier_paragraphs(match: Match, tier: Tier, within: np.ndarray | None) -> np.ndarray:
    docs = tier.paragraphs
    return docs if within is None else np.intersect1d(docs, within, assume_unique=True)


def ranked_paragraphs(snapshot: Snapshot, match: Match, limit: int | None,
            within: np.ndarray | None = None) -> list[tuple[int, float]]:
    """(docnum, score) best first: the paragraphs of complete matches before those of
    partial ones."""
    out: list[tuple[int, float]] = []
    for tier in match.tiers:
        docs = _tier_paragraphs(match, tier, within)
        if not len(docs):
            continue
        remaining = None if limit is None else limit - len(out)
        if remaining is not None and remaining <= 0:
            break
        found = snapshot.engine.search(_ranking_body(match, tier, docs, size=remaining))
        out.extend(zip(found.docs.tolist(), found.scores.tolist(), strict=True))
    return out


def best_paragraphs(snapshot: Snapshot, match: Match, codes: list[int],
                    per_article: int) -> dict[int, Group]:
    """For the articles ``codes``: their ``per_article`` best matching paragraphs, and how
    many match, collapsed by article (an article matched by its title alone has none)."""
    cols = snapshot.columns
    chosen = np.asarray(sorted(codes), dtype=np.int64)
    best: dict[int, Group] = {}
    for tier in match.tiers:
        docs = tier.paragraphs[np.isin(cols.article[tier.paragraphs], chosen)]
        if not len(docs):
            continue
        found = snapshot.engine.search(_ranking_body(
            match, tier, docs, size=None, collapse=rq.Collapse(per_article)))
        best.update((group.article, group) for group in found.groups)
    return best


def paragraph_order(snapshot: Snapshot, match: Match, request: SearchRequest,
                    first: int, last: int) -> list[tuple[int, float]]:
    """(docnum, score) of the matching paragraphs ``first``..``last`` in the request's
    order (``group=paragraph``)."""
    if request.sort == "relevance" and request.q.strip():
        return ranked_paragraphs(snapshot, match, last)[first:last]
    return _dated_paragraphs(snapshot, match, request.sort != "oldest", first, last)


def _dated_paragraphs(snapshot: Snapshot, match: Match, newest: bool,
                      first: int, last: int) -> list[tuple[int, float]]:
    """(docnum, score) of the matching paragraphs ``first``..``last`` by date; the same
    day by article, then paragraph number."""
    paragraphs = np.sort(match.paragraphs)
    found = snapshot.engine.search(rq.SearchBody(
        filter=(rq.EntryIn(paragraphs),), sort=("-day" if newest else "day", "article", "para"),
        from_=first, size=last - first, track_scores=False))
    scores = dict(ranked_paragraphs(snapshot, match, None, np.sort(found.docs)))
    return [(d, scores.get(d, 0.0)) for d in found.docs.tolist()]


def article_order(snapshot: Snapshot, match: Match, request: SearchRequest,
                   needed: int) -> list[tuple[int, float | None]]:
    """(article code, article score) in the page order, the first ``needed`` (where there
    are so many); the score is None for date sorts."""
    if request.sort != "relevance" or not request.q.strip():
        codes = np.sort(np.concatenate([t.articles for t in match.tiers])) if match.tiers \
            else NO_ENTRIES
        found = snapshot.engine.search(rq.SearchBody(
            index="articles", filter=(rq.EntryIn(codes),),
            sort=("day" if request.sort == "oldest" else "-day", "article"), size=needed,
            track_scores=False))
        return [(a, None) for a in found.docs.tolist()]
    return best_articles(snapshot, match, needed)


def best_articles(snapshot: Snapshot, match: Match,
                   needed: int) -> list[tuple[int, float | None]]:
    """The ``needed`` best articles (where there are so many) in relevance order, with
    their scores on the article index: the articles of complete matches first, then
    those of the "most words" tier, each tier by score, ties by article id."""
    out: list[tuple[int, float | None]] = []
    for tier in match.tiers:
        if len(out) >= needed:
            break
        if len(tier.articles):
            found = snapshot.engine.search(rq.SearchBody(
                query=article_query(tier.query, snapshot.settings), index="articles",
                filter=(rq.EntryIn(tier.articles),), sort=("_score", "article"),
                size=needed - len(out)))
            out.extend(zip(found.docs.tolist(), found.scores.tolist(), strict=True))
    return out


def article_query(paragraph_query: Node, settings: Settings,
                  keep_not: bool = False) -> Node:
    """A paragraph query as the article index runs it, with the title weighted by
    ``article_title_boost`` instead of the paragraphs' ``title_boost``. For ranking
    (``keep_not`` false) only its positive part counts."""
    if not isinstance(paragraph_query, Bool):
        if getattr(paragraph_query, "field", None) in ("title", "title_exact"):
            scale = settings.article_title_boost / settings.title_boost
            return with_boost(paragraph_query, paragraph_query.boost * scale)
        return paragraph_query
    if is_but_not(paragraph_query) and not keep_not:
        return article_query(paragraph_query.must[0], settings)
    if is_and(paragraph_query) or is_or(paragraph_query):
        clauses = paragraph_query.must or paragraph_query.should
        kept = tuple(article_query(child, settings, keep_not) for child in clauses
                     if keep_not or not is_none_of(child))
        return replace(paragraph_query, must=kept) if paragraph_query.must \
            else replace(paragraph_query, should=kept)
    return map_children(paragraph_query, lambda child: article_query(child, settings, keep_not))


def ranked_articles(snapshot: Snapshot, request: SearchRequest,
                    limit: int) -> list[tuple[str, float]]:
    """(article id, score) best first, the order :func:`search` gives with ``sort=relevance``
    and ``group=article``, without snippets or facets (for evaluation)."""
    match = match_query(snapshot, replace(request, sort="relevance", group="article"),
                   request.filters())
    ids = snapshot.columns.article_ids
    return [(ids[code], score or 0.0)
            for code, score in best_articles(snapshot, match, limit)[:limit]]


def matched_per_article(cols, docs: np.ndarray) -> dict[int, int]:
    articles, matched = np.unique(cols.article[docs], return_counts=True)
    return dict(zip(articles.tolist(), matched.tolist(), strict=True))


def missing_words(snapshot: Snapshot, match: Match, codes: list[int]) -> dict[int, list[str]]:
    """For the given articles of the "most words" tier: the typed words each lacks."""
    # One set of the relaxed tiers' articles, not one per article asked about.
    in_relaxed = {code for tier in match.tiers[1:] for code in tier.articles.tolist()}
    relaxed = [a for a in codes if a in in_relaxed]
    if not relaxed:
        return {}
    within = np.sort(np.asarray(relaxed))
    lacking: defaultdict[int, list[str]] = defaultdict(list)
    for clause in match.parsed.plain_terms:
        held = set(snapshot.engine.execute_articles(article_query(clause, snapshot.settings),
                                                    within, score=False).docs.tolist())
        for code in relaxed:
            if code not in held:
                lacking[code].append(typed_words(clause, match.parsed.text))
    return lacking


def complete(match: Match) -> int:
    """Articles that match the whole query (not only most of its words)."""
    return len(match.tiers[0].articles) if match.tiers else 0
