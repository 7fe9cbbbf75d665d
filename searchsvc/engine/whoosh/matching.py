"""Matching and ranking on whoosh: the search behind the JSON API, the page and the CLI.

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

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

import numpy as np
from whoosh import query as wq

from ...analysis import stem
from ...build.duplicates import fold
from ...errors import NotFound, SearchError
from ...fields import UNDATED, split_pid
from ...filters import Filters
from ...models import (
    Article,
    ExportRow,
    ExportRows,
    Health,
    Highlights,
    Hit,
    Paragraph,
    ParagraphHit,
    SearchRequest,
    SearchResponse,
    Source,
    Suggestion,
)
from ...query.language import ParsedQuery, parse
from ...query.understood import describe, highlights, paragraph_words, typed_words
from ...request import (
    Bool,
    MatchAll,
    Node,
    Phrase,
    Term,
    any_of,
    is_and,
    is_bonus,
    is_but_not,
    is_none_of,
    is_or,
    map_children,
    required_with_bonus,
    with_boost,
)
from ...settings import Settings
from ...snippets import snippet
from ...spelling import RARE, correction, is_markup
from ...syntax import QuerySyntaxError, check_syntax
from ...variants import finder, name_words
from .array_query import Matches, run, run_best
from .facets import (
    FilterMasks,
    Matched,
    catalog_buckets,
    counts,
    date_buckets,
    source_buckets,
)
from .live import Snapshot
from .related import SLOP, key_terms, pairs_of, related_scores

_NONE = np.zeros(0, dtype=np.int32)

# ------------------------------------------------------------------ matching


@dataclass
class _Tier:
    """Articles that match one tier of the query (the whole query, then "most words"),
    within the filters, and their paragraphs that hold a query word."""

    query: Node  # the tier's query, in the paragraph index's form
    articles: np.ndarray  # article codes, sorted
    paragraphs: np.ndarray  # docnums, sorted


@dataclass
class _Match:
    """What a query matches: articles (all the words anywhere in the article, title
    included) and, for each, the paragraphs that hold a query word."""

    parsed: ParsedQuery
    masks: FilterMasks
    matched: Matched  # every tier's, before the filters (for facets)
    words: Node | None  # what makes a paragraph a matching one
    tiers: list[_Tier] = field(default_factory=list)
    folded: dict[int, list[int]] = field(default_factory=dict)  # kept -> later versions

    @property
    def paragraphs(self) -> np.ndarray:
        return np.concatenate([t.paragraphs for t in self.tiers]) if self.tiers else _NONE

    @property
    def total_articles(self) -> int:
        return sum(len(t.articles) for t in self.tiers)


def _parse(snapshot: Snapshot, request: SearchRequest) -> ParsedQuery:
    if request.strict:
        try:
            check_syntax(request.q)
        except QuerySyntaxError as error:
            raise SearchError("invalid_query", f"q: {error}", "q") from None
    variants = None
    if request.fuzzy:
        tables = snapshot.tables
        variants = finder(snapshot.meta.get("names", {}),
                          lambda word: tables.doc_frequency("exact", word) > 0)
    return parse(request.q, snapshot.settings, variants)


def _matching_articles(snapshot: Snapshot, tier_query: Node) -> np.ndarray:
    """Codes (sorted) of the articles that hold the tier's words anywhere."""
    form = article_query(tier_query, snapshot.settings, keep_not=True)
    docnums = run(form, snapshot.article_context(), score=False).docs
    return np.sort(snapshot.articles_by_code.code[docnums])


def _match(snapshot: Snapshot, request: SearchRequest, filters: Filters) -> _Match:
    cols, by_code = snapshot.columns, snapshot.articles_by_code
    masks = FilterMasks.make(cols, filters, snapshot.catalog)
    parsed = _parse(snapshot, request) if request.q.strip() else \
        ParsedQuery(text="", query=MatchAll())
    if parsed.is_empty:
        return _Match(parsed, masks, Matched(_NONE, _NONE, by_code.source, by_code.day), None)
    if not request.q.strip():  # the whole archive: every article, every entry
        codes = np.arange(len(cols.article_ids))
        words: Node | None = MatchAll()
        word_docs = np.arange(len(cols.para), dtype=np.int32)
        tiers = [(parsed.query, codes)]
    else:
        codes = _matching_articles(snapshot, parsed.query)
        tiers = [(parsed.query, codes)]
        allowed = masks.allowed(by_code.source, by_code.day, codes)
        if parsed.fallback is not None and len(allowed) < snapshot.settings.fallback_below:
            extra = np.setdiff1d(_matching_articles(snapshot, parsed.fallback), codes,
                                 assume_unique=True)
            if len(extra):
                tiers.append((parsed.fallback, extra))
                codes = np.union1d(codes, extra)
        words = paragraph_words(parsed.query)
        word_docs = run(words, snapshot.context(), score=False).docs if words is not None \
            else _NONE
    article_of = cols.article
    in_matched = word_docs[np.isin(article_of[word_docs], codes)]
    match = _Match(parsed, masks, Matched(in_matched, codes, by_code.source, by_code.day),
                   words)
    kept = None
    if request.collapse:
        everything = np.sort(np.concatenate([
            masks.allowed(by_code.source, by_code.day, tier_codes) for _, tier_codes in tiers]))
        kept, match.folded = fold(everything, by_code.duplicate_of, by_code.day)
        facet_codes, _ = fold(codes, by_code.duplicate_of, by_code.day)
        match.matched = Matched(in_matched[np.isin(article_of[in_matched], facet_codes)],
                                facet_codes, by_code.source, by_code.day)
    for tier_query, tier_codes in tiers:
        allowed = masks.allowed(by_code.source, by_code.day, tier_codes)
        if kept is not None:
            allowed = allowed[np.isin(allowed, kept)]
        if len(allowed) or not match.tiers:
            paragraphs = in_matched[np.isin(article_of[in_matched], allowed)]
            match.tiers.append(_Tier(tier_query, allowed, paragraphs))
    return match


def _order(docs: np.ndarray, scores: np.ndarray, tiebreak: tuple[np.ndarray, ...],
           limit: int | None) -> np.ndarray:
    """Positions of the ``limit`` best (all when None): by score (to 9 decimals, so that
    float noise does not reorder equal scores), then by the ``tiebreak`` keys."""
    rounded = np.round(scores, 9)
    if limit is not None and limit < len(docs):
        # Only what can reach the page is sorted: everything tied with the last one in.
        threshold = -np.partition(-rounded, limit - 1)[limit - 1]
        candidates = np.flatnonzero(rounded >= threshold)
    else:
        candidates = np.arange(len(docs))
    keys = tuple(key[candidates] for key in reversed(tiebreak)) + (-rounded[candidates],)
    ordered = candidates[np.lexsort(keys)]
    return ordered if limit is None else ordered[:limit]


def _paragraph_query(match: _Match, tier: _Tier) -> Node | None:
    """How a matching paragraph ranks: its query words (any of them; more of them score
    higher) and, when the query has one, the bonus for having them close together."""
    if match.words is None:
        return None
    if isinstance(tier.query, Bool) and is_bonus(tier.query):
        return required_with_bonus(match.words, tier.query.should[0])
    return match.words


def _ranked(snapshot: Snapshot, match: _Match, limit: int | None,
            within: np.ndarray | None = None) -> list[tuple[int, float]]:
    """(docnum, score) best first: the paragraphs of complete matches before those of
    partial ones; ties by article, then paragraph number (not "#10" < "#2")."""
    cols = snapshot.columns
    context = snapshot.context()
    out: list[tuple[int, float]] = []
    for tier in match.tiers:
        docs = tier.paragraphs
        if within is not None:
            docs = np.intersect1d(docs, within, assume_unique=True)
        if not len(docs):
            continue
        remaining = None if limit is None else limit - len(out)
        if remaining is not None and remaining <= 0:
            break
        ranking = _paragraph_query(match, tier)
        if ranking is None:
            scores = np.zeros(len(docs))
        else:
            found = run(ranking, context, docs) if remaining is None else \
                run_best(ranking, context, docs, remaining)
            scores = _scores_of(found, docs)
        best = _order(docs, scores, (cols.article[docs], cols.para[docs]), remaining)
        out.extend(zip(docs[best].tolist(), scores[best].tolist(), strict=True))
    return out


def _scores_of(found: Matches, docs: np.ndarray) -> np.ndarray:
    """``found``'s score of each of ``docs`` (0 where it has none)."""
    scores = np.zeros(len(docs))
    if len(found):
        assert found.scores is not None
        scores[np.searchsorted(docs, found.docs)] = found.scores
    return scores


# ------------------------------------------------------------------ search


def search(snapshot: Snapshot, request: SearchRequest) -> SearchResponse:
    started = time.perf_counter()
    filters = request.filters()
    match = _match(snapshot, request, filters)
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
            "source": source_buckets(cols, match.matched, match.masks, filters, names),
            "month": date_buckets(cols, match.matched, match.masks, filters, 7),
            "day": date_buckets(cols, match.matched, match.masks, filters, 10),
            **{name: catalog_buckets(facet, cols, match.matched, match.masks, filters)
               for name, facet in snapshot.catalog.items()},
        },
    )
    if request.q.strip() and (total_articles < settings.suggest_below or response.relaxed):
        if (time.perf_counter() - started) * 1000 > settings.optional_budget_ms:
            response.skipped.append("suggestion")
        else:
            response.suggestion = _suggest(snapshot, request, match, filters)
    response.took_ms = (time.perf_counter() - started) * 1000
    return response


def _by_date(day_codes: np.ndarray, days: list[str], keys: tuple[np.ndarray, ...],
             newest: bool) -> np.ndarray:
    """Positions by date (newest or oldest first), undated last; the same day by ``keys``
    (article code, then paragraph number)."""
    day = np.asarray(day_codes, dtype=np.int64)
    undated = day == (days.index(UNDATED) if UNDATED in days else -1)
    return np.lexsort(tuple(reversed(keys)) + (-day if newest else day, undated))


def _article_order(snapshot: Snapshot, match: _Match, request: SearchRequest,
                   needed: int) -> list[tuple[int, float | None]]:
    """(article code, article score) in the page order; the score is None for date sorts."""
    if request.sort != "relevance" or not request.q.strip():
        codes = np.sort(np.concatenate([t.articles for t in match.tiers])) if match.tiers \
            else _NONE
        order = _by_date(snapshot.articles_by_code.day[codes], snapshot.columns.days,
                         (codes,), request.sort != "oldest")
        return [(a, None) for a in codes[order].tolist()]
    return _best_articles(snapshot, match, needed)


def _best_articles(snapshot: Snapshot, match: _Match,
                   needed: int) -> list[tuple[int, float | None]]:
    """At least ``needed`` articles (where there are so many) in relevance order, with
    their scores on the article index: the articles of complete matches first, then
    those of the "most words" tier, each tier by score, ties by article id."""
    out: list[tuple[int, float | None]] = []
    for tier in match.tiers:
        if len(out) >= needed:
            break
        if len(tier.articles):
            out.extend(_score_articles(snapshot, tier.query, tier.articles, needed - len(out)))
    return out


def _score_articles(snapshot: Snapshot, tier_query: Node, articles: np.ndarray,
                    needed: int) -> list[tuple[int, float | None]]:
    """(article code, score) by score, then article id, exact for the ``needed`` best
    (:func:`.array_query.run_best`)."""
    docnums = snapshot.article_docnum[articles]
    known = docnums >= 0
    by_docnum = np.argsort(docnums[known], kind="stable")
    within = docnums[known][by_docnum]
    found = run_best(article_query(tier_query, snapshot.settings),
                     snapshot.article_context(), within, needed)
    scores = np.zeros(len(articles))
    scores[np.flatnonzero(known)[by_docnum]] = _scores_of(found, within)
    order = _order(articles, scores, (articles,), None)
    return list(zip(articles[order].tolist(), scores[order].tolist(), strict=True))


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
    match = _match(snapshot, replace(request, sort="relevance", group="article"),
                   request.filters())
    ids = snapshot.columns.article_ids
    return [(ids[code], score or 0.0)
            for code, score in _best_articles(snapshot, match, limit)[:limit]]


def _matched_per_article(cols, docs: np.ndarray) -> dict[int, int]:
    articles, matched = np.unique(cols.article[docs], return_counts=True)
    return dict(zip(articles.tolist(), matched.tolist(), strict=True))


def _missing(snapshot: Snapshot, match: _Match, codes: list[int]) -> dict[int, list[str]]:
    """For the given articles of the "most words" tier: the typed words each lacks."""
    relaxed = [a for a in codes if any(a in set(t.articles.tolist()) for t in match.tiers[1:])]
    if not relaxed:
        return {}
    docnums = np.sort(snapshot.article_docnum[np.asarray(relaxed)])
    context = snapshot.article_context()
    code_of = snapshot.articles_by_code.code
    lacking: defaultdict[int, list[str]] = defaultdict(list)
    for clause in match.parsed.plain_terms:
        held = set(code_of[run(article_query(clause, snapshot.settings), context, docnums,
                               score=False).docs].tolist())
        for code in relaxed:
            if code not in held:
                lacking[code].append(typed_words(clause, match.parsed.text))
    return lacking


def _article_page(snapshot, match, request, first, last, wanted) -> list[Hit]:
    page = _article_order(snapshot, match, request, last)[first:last]
    if not page:
        return []
    cols = snapshot.columns
    chosen = np.asarray(sorted(article for article, _ in page))
    paragraphs = match.paragraphs
    within = np.sort(paragraphs[np.isin(cols.article[paragraphs], chosen)])
    counts = _matched_per_article(cols, within)
    best: defaultdict[int, list[tuple[int, float]]] = defaultdict(list)
    for docnum, paragraph_score in _ranked(snapshot, match, None, within):
        shown = best[int(cols.article[docnum])]
        if len(shown) < snapshot.settings.paragraphs_per_article:
            shown.append((docnum, paragraph_score))
    missing = _missing(snapshot, match, [a for a, _ in page])
    hits = []
    for code, score in page:
        if best[code]:
            hit = _hit(snapshot, best[code], counts.get(code, 0), wanted, score)
        else:  # matched by its title (or a scope) alone: its opening, said to be one
            opening = int(snapshot.articles_by_code.opening[code])
            hit = _hit(snapshot, [(opening, 0.0)], 0, wanted, score, opening=True)
        hit.missing = missing.get(code, [])
        hit.duplicates = [cols.article_ids[c] for c in match.folded.get(code, [])]
        hits.append(hit)
    return hits


def _paragraph_page(snapshot, match, request, first, last, wanted) -> list[Hit]:
    cols = snapshot.columns
    paragraphs = np.sort(match.paragraphs)
    if request.sort == "relevance" and request.q.strip():
        ranked = _ranked(snapshot, match, last)[first:last]
    else:
        order = _by_date(cols.day[paragraphs], cols.days,
                         (cols.article[paragraphs], cols.para[paragraphs]),
                         request.sort != "oldest")
        page = paragraphs[order[first:last]]
        scores = dict(_ranked(snapshot, match, None, np.sort(page)))
        ranked = [(d, scores.get(d, 0.0)) for d in page.tolist()]
    counts = _matched_per_article(cols, paragraphs)
    return [_hit(snapshot, [(d, s)], counts[int(cols.article[d])], wanted) for d, s in ranked]


def _hit(snapshot: Snapshot, paragraphs: list[tuple[int, float]], matched: int, wanted,
         score: float | None = None, opening: bool = False) -> Hit:
    """``score``: the article's score (default: its best paragraph's)."""
    searcher = snapshot.searcher
    stored = [(searcher.stored_fields(d), s) for d, s in paragraphs]
    head = stored[0][0]
    day = head.get("day")
    return Hit(
        article_id=head["article_id"],
        title=head.get("title", ""),
        source=head.get("source_name", ""),
        date=None if day in (None, UNDATED) else day,
        url=head.get("url", ""),
        score=round(max(s for _, s in paragraphs) if score is None else score, 4),
        matched_paragraphs=matched,
        paragraphs=[
            ParagraphHit(id=f["pid"], number=f["para"], score=round(s, 4),
                         snippet=snippet(f.get("text", ""), wanted), text=f.get("text", ""),
                         opening=opening)
            for f, s in stored
        ],
    )


def _complete(match: _Match) -> int:
    """Articles that match the whole query (not only most of its words)."""
    return len(match.tiers[0].articles) if match.tiers else 0


def _suggest(snapshot: Snapshot, request: SearchRequest, match: _Match,
             filters: Filters) -> Suggestion | None:
    """A close spelling from the index that would find more, as a whole query."""
    tables = snapshot.tables
    text = request.q
    changed = False
    # Each rare word costs a pass over the lexicon: only the first few are tried.
    held = {word: tables.doc_frequency("exact", word) + tables.doc_frequency("title_exact", word)
            for word, _, _ in match.parsed.words}  # in the text or a headline
    rare = [(word, start, end) for word, start, end in match.parsed.words
            if held[word] <= RARE and not is_markup(text, start, end)]
    lexicon = snapshot.lexicon() if rare else None
    for word, start, end in sorted(rare[:snapshot.settings.max_suggest_words],
                                   key=lambda w: -w[1]):
        if len(word) > snapshot.settings.max_suggest_word or lexicon is None:
            continue  # no spelling help for it: the search for close words grows with length
        best = correction(word, lexicon, held[word])
        if best:
            if text[start:end][:1].isupper():
                best = best.capitalize()
            text = text[:start] + best + text[end:]
            changed = True
    if not changed:
        return None
    alternative = _match(snapshot, SearchRequest(q=text, sources=request.sources,
                                                 date_from=request.date_from,
                                                 date_to=request.date_to,
                                                 fuzzy=request.fuzzy), filters)
    if _complete(alternative) <= _complete(match):
        return None
    return Suggestion(q=text, paragraphs=len(alternative.paragraphs),
                      articles=alternative.total_articles)


def highlights_for(snapshot: Snapshot, request: SearchRequest) -> Highlights:
    """What a search marks in a paragraph: the typed words, phrases and prefixes, and the
    name variants it also searched (for the article view's highlighting)."""
    if not request.q.strip():
        return Highlights()
    return highlights(_parse(snapshot, replace(request, strict=False)).query)


# ------------------------------------------------------------------ export


class _StoredRows(ExportRows):
    """Export rows in order, each read from the stored fields when reached."""

    def __init__(self, snapshot: Snapshot, ranked: list[tuple[int, float]], total: int,
                 unit: str = "paragraphs"):
        self.snapshot, self.ranked, self.total, self.unit = snapshot, ranked, total, unit

    def __len__(self) -> int:
        return len(self.ranked)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        docnum, score = self.ranked[index]
        stored = self.snapshot.searcher.stored_fields(docnum)
        day = stored.get("day")
        return ExportRow(stored["article_id"], stored["para"], stored.get("title", ""),
                         stored.get("source_name", ""), None if day in (None, UNDATED) else day,
                         stored.get("url", ""), round(score, 4), stored.get("text", ""))


def export_articles(snapshot: Snapshot, request: SearchRequest, limit: int) -> ExportRows:
    """Every matching article (up to ``limit``), in the order of the request's pages: one
    row each, with its article score and its best matching paragraph (its opening when it
    matched by its headline alone)."""
    match = _match(snapshot, request, request.filters())
    order = _article_order(snapshot, match, request, limit)[:limit]
    cols = snapshot.columns
    chosen = np.asarray(sorted(code for code, _ in order), dtype=np.int64)
    paragraphs = match.paragraphs
    within = np.sort(paragraphs[np.isin(cols.article[paragraphs], chosen)])
    best: dict[int, int] = {}
    for docnum, _ in _ranked(snapshot, match, None, within):
        best.setdefault(int(cols.article[docnum]), docnum)
    opening = snapshot.articles_by_code.opening
    rows = [(best.get(code, int(opening[code])), score or 0.0) for code, score in order]
    return _StoredRows(snapshot, rows, match.total_articles, "articles")


def export(snapshot: Snapshot, request: SearchRequest, limit: int) -> ExportRows:
    """Every matching paragraph (up to ``limit``), in the request's order, ungrouped."""
    match = _match(snapshot, request, request.filters())
    cols = snapshot.columns
    paragraphs = np.sort(match.paragraphs)
    if request.sort == "relevance" and request.q.strip():
        ranked = _ranked(snapshot, match, limit)[:limit]
    else:
        order = _by_date(cols.day[paragraphs], cols.days,
                         (cols.article[paragraphs], cols.para[paragraphs]),
                         request.sort != "oldest")
        page = paragraphs[order[:limit]]
        scores = dict(_ranked(snapshot, match, None, np.sort(page)))
        ranked = [(d, scores.get(d, 0.0)) for d in page.tolist()]
    return _StoredRows(snapshot, ranked, len(paragraphs))


# ------------------------------------------------------------------ articles, related, sources


def get_article(snapshot: Snapshot, article_id: str) -> Article:
    searcher = snapshot.searcher
    docnums = sorted(searcher.docs_for_query(wq.Term("article_id", article_id)),
                     key=lambda d: snapshot.columns.para[d])
    if not docnums:
        raise NotFound("article_not_found", f"no article with id {article_id!r}", "id")
    fields = [searcher.stored_fields(d) for d in docnums]
    head = fields[0]
    day = head.get("day")
    return Article(
        id=article_id,
        title=head.get("title", ""),
        source=head.get("source_name", ""),
        date=None if day in (None, UNDATED) else day,
        url=head.get("url", ""),
        extra=head.get("extra") or {},
        paragraphs=[Paragraph(f["pid"], f["para"], f.get("text", "")) for f in fields
                    if f["para"] > 0],
    )


def related(snapshot: Snapshot, paragraph_id: str, limit: int, q: str = "") -> list[Hit]:
    """Paragraphs of other articles that report the same thing, best first: more-like-this
    on the paragraph's most telling words (its names weigh more, and their spelling
    variants count), sharing at least ``related_min_share`` of them, closer dates and other
    sources preferred. ``q``: a search whose words are marked too (the reader's way here)."""
    try:
        article_id, _ = split_pid(paragraph_id)
    except ValueError as error:
        raise NotFound("paragraph_not_found", str(error), "id") from None
    searcher = snapshot.searcher
    docnum = next(iter(searcher.docs_for_query(wq.Term("pid", paragraph_id))), None)
    if docnum is None:
        raise NotFound("paragraph_not_found", f"no paragraph with id {paragraph_id!r}", "id")
    settings, tables = snapshot.settings, snapshot.tables
    text = searcher.stored_fields(docnum).get("text", "")
    variants_of = finder(snapshot.meta.get("names", {}),
                         lambda word: tables.doc_frequency("exact", word) > 0)
    names = {stem(word.lower()): word.lower() for word in name_words(text)}
    others = {term: variants_of(word) for term, word in names.items()}

    def frequency(term: str) -> int:
        """Paragraphs with the stem, or with the name in any of its spellings."""
        return tables.doc_frequency("text", term) + sum(
            tables.doc_frequency("exact", other) for other in others.get(term, ()))

    terms = [(term, weight * (settings.related_name_boost if term in names else 1.0))
             for term, weight in key_terms(text, tables.doc_count_all, frequency, settings)]
    if not terms:
        return []
    alternatives: dict[str, list[Node]] = {
        term: [Term("exact", other, boost=weight * settings.variant_boost,
                    variant_of=names[term])
               for other in others[term]]
        for term, weight in terms if others.get(term)}
    cols = snapshot.columns
    own = np.flatnonzero(np.asarray(cols.article) == cols.article[docnum]).astype(np.int32)
    pairs = pairs_of(text, settings, lambda stem: tables.doc_frequency("text", stem))
    found = related_scores(snapshot.context(), terms, pairs, own, limit,
                           lambda d: searcher.stored_fields(d).get("text", ""),
                           alternatives=alternatives, required=settings.related_min_share,
                           factor=lambda docs: _preference(snapshot, docnum, docs))
    docs, raw = found.docs, _scores_of(found, found.docs)
    best = _order(docs, raw, (np.asarray(cols.article)[docs], np.asarray(cols.para)[docs]),
                  limit)
    # Marked: the key words, their variants and the pairs holding a key word (a shared
    # "also come" is no reason to read on), and the reader's own search.
    keys = {term for term, _ in terms}
    shown: list[Node] = [Term("text", term) for term in keys]
    shown += [node for nodes in alternatives.values() for node in nodes]
    shown += [Phrase("text", pair, slop=SLOP) for pair in pairs
              if keys.intersection(pair)]
    if q.strip():
        shown.append(_parse(snapshot, SearchRequest(q=q, strict=False)).query)
    wanted = highlights(any_of(*shown))
    counts = Counter(int(cols.article[d]) for d in docs[best].tolist())
    return [_hit(snapshot, [(d, s)], counts[int(cols.article[d])], wanted)
            for d, s in zip(docs[best].tolist(), raw[best].tolist(), strict=True)]


def _preference(snapshot: Snapshot, docnum: int, docs: np.ndarray) -> np.ndarray:
    """Related coverage's multiplier per paragraph: closer dates count more (the score
    halves its way down to 1/2 every ``related_half_life_days``; undated: 1/2), and the
    paragraph's own source counts ``same_source_factor``."""
    settings, cols = snapshot.settings, snapshot.columns
    ordinals = cols.day_numbers()
    gap = np.abs(ordinals[np.asarray(cols.day)[docs]] - ordinals[cols.day[docnum]])
    closeness = np.exp2(-np.nan_to_num(gap, nan=np.inf) / settings.related_half_life_days)
    factor = (1.0 + closeness) / 2
    same = np.asarray(cols.source)[docs] == cols.source[docnum]
    return np.where(same, factor * settings.same_source_factor, factor)


def sources(snapshot: Snapshot) -> list[Source]:
    cols = snapshot.columns
    keys = cols.source_keys
    source = np.asarray(cols.source)
    _, articles = counts(source, np.asarray(cols.article), len(keys), len(cols.article_ids))
    # A title-only article's entry is no paragraph.
    paragraphs = np.bincount(source[np.asarray(cols.para) > 0], minlength=len(keys))
    names = snapshot.meta.get("sources", {})
    found = [Source(key, names.get(key, key), int(articles[code]), int(paragraphs[code]))
             for code, key in enumerate(keys) if articles[code]]
    return sorted(found, key=lambda s: (-s.articles, s.name.casefold()))


def health(snapshot: Snapshot) -> Health:
    meta = snapshot.meta
    dated = [day for day in snapshot.columns.days if day != UNDATED]  # sorted
    return Health(status="ok", articles=meta.get("articles", 0),
                  paragraphs=meta.get("paragraphs", 0), built_at=meta.get("built_at"),
                  version=meta.get("version"), first_date=dated[0] if dated else None,
                  last_date=dated[-1] if dated else None)
