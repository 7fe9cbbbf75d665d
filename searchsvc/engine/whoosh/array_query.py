"""Executing a search request's query (:mod:`searchsvc.request`) over the index's arrays
(:mod:`.tables`).

Over the arrays a word is a slice of sorted document numbers, an AND an intersection, an
OR a union whose scores add up, and BM25 one vectorised expression, so no Python object is
made per matching paragraph. Scores are whoosh's own: the same BM25 with the same
statistics, including whoosh's one-byte field lengths (tests/test_array_query.py checks
them against whoosh's searcher).

What the arrays cannot answer (phrases need word positions; prefixes and wildcards score
as whoosh scores them) whoosh answers (:mod:`.translate`), restricted to the documents
still in question.
"""

from __future__ import annotations

import fnmatch
import re
from bisect import bisect_left
from dataclasses import dataclass

import numpy as np
from whoosh.searching import Searcher

from ... import request as rq
from ...errors import SearchError
from ...idf import idf
from ...settings import Settings
from ...topk import still_open
from ..postings import Matches
from .tables import FieldPostings, Tables
from .translate import to_whoosh

_NO_DOCS = np.zeros(0, dtype=np.int32)


@dataclass(frozen=True)
class Context:
    tables: Tables
    settings: Settings
    searcher: Searcher  # whoosh searcher of the same index, for phrases and the rare leaves
    source_column: np.ndarray | None = None  # paragraph index: source code per document
    source_keys: tuple[str, ...] = ()


def run(node: rq.Node, ctx: Context, within: np.ndarray | None = None,
        score: bool = True) -> Matches:
    """The documents (of ``within``, sorted, when given) that ``node`` matches."""
    if within is not None and not len(within):
        return Matches(_NO_DOCS, np.zeros(0) if score else None)
    result = _run(node, ctx, within, score)
    if score and node.boost != 1.0 and (rq.is_and(node) or rq.is_or(node)) \
            and result.scores is not None:  # a boosted AND or OR weighs as a whole
        result = Matches(result.docs, result.scores * node.boost)
    return result


def _idf(ctx: Context, df: int) -> float:
    return idf(ctx.settings.bm25_idf, ctx.tables.doc_count_all, df)


def _restrict(docs: np.ndarray, within: np.ndarray | None) -> np.ndarray:
    """Which of the sorted ``docs`` are in the sorted ``within`` (all when None)."""
    if within is None:
        return np.ones(len(docs), dtype=bool)
    if not len(within) or not len(docs):
        return np.zeros(len(docs), dtype=bool)
    positions = np.searchsorted(within, docs)
    positions[positions == len(within)] = 0
    return within[positions] == docs


def _term(node: rq.Term, ctx: Context, within, score: bool) -> Matches:
    field = ctx.tables.fields.get(node.field)
    if field is None:
        return Matches(_NO_DOCS, np.zeros(0) if score else None)
    row = field.row(node.text)
    if row < 0:
        return Matches(_NO_DOCS, np.zeros(0) if score else None)
    docs, tf = field.postings(row)
    keep = _restrict(docs, within)
    docs = np.asarray(docs[keep])
    if not score:
        return Matches(docs)
    df = int(field.df[row])
    if node.variant_of is not None:  # the idf of the commoner of variant and typed word
        df = max(df, ctx.tables.doc_frequency(node.field, node.variant_of))
    return Matches(docs, _bm25(field, docs, np.asarray(tf[keep]), _idf(ctx, df), ctx) * node.boost)


def _bm25(field: FieldPostings, docs: np.ndarray, tf: np.ndarray, idf: float,
          ctx: Context) -> np.ndarray:
    k1, b = ctx.settings.bm25_k1, ctx.settings.bm25_b
    lengths = field.lengths[docs].astype(np.float64)
    tf = tf.astype(np.float64)
    return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * lengths / field.average_length)))


def _source(node: rq.Term, ctx: Context, within, score: bool) -> Matches:
    """``source:`` scopes read the source column (an unscored field: weight 1)."""
    assert ctx.source_column is not None
    try:
        code = ctx.source_keys.index(node.text)
    except ValueError:
        docs = _NO_DOCS
    else:
        candidates = within if within is not None else None
        if candidates is None:
            docs = np.flatnonzero(ctx.source_column == code).astype(np.int32)
        else:
            docs = candidates[ctx.source_column[candidates] == code]
    return Matches(docs, np.full(len(docs), float(node.boost)) if score else None)


def _and(parts: list[Matches], score: bool) -> Matches:
    """``parts``: each already narrowed to the documents of the one before it."""
    docs = parts[-1].docs
    if not score:
        return Matches(docs)
    total = np.zeros(len(docs))
    for part in parts:
        assert part.scores is not None
        total += part.scores[np.searchsorted(part.docs, docs)]
    return Matches(docs, total)


def _or(parts: list[Matches], score: bool) -> Matches:
    parts = [p for p in parts if len(p)]
    if not parts:
        return Matches(_NO_DOCS, np.zeros(0) if score else None)
    if len(parts) == 1:
        return parts[0]
    every = np.concatenate([p.docs for p in parts])
    docs, inverse = np.unique(every, return_inverse=True)
    if not score:
        return Matches(docs)
    total = np.bincount(inverse, weights=np.concatenate([p.scores for p in parts]),
                        minlength=len(docs))
    return Matches(docs, total)


def _all(ctx: Context, within) -> np.ndarray:
    if within is not None:
        return within
    return np.arange(ctx.tables.doc_count_all, dtype=np.int32)


def _run(node: rq.Node, ctx: Context, within, score: bool) -> Matches:
    if isinstance(node, rq.MatchNone):
        return Matches(_NO_DOCS, np.zeros(0) if score else None)
    if isinstance(node, rq.Term):
        if node.field == "source" and ctx.source_column is not None:
            return _source(node, ctx, within, score)
        return _term(node, ctx, within, score)
    if isinstance(node, rq.Phrase):
        if node.field not in ctx.tables.fields:
            return Matches(_NO_DOCS, np.zeros(0) if score else None)
        return _phrase(node, ctx, within, score)
    if isinstance(node, rq.Prefix | rq.Wildcard):
        if node.field not in ctx.tables.fields:
            return Matches(_NO_DOCS, np.zeros(0) if score else None)
        # Which documents: the words it stands for, from the arrays (bounded). How they
        # score: whoosh's own way (it differs between one and several segments), asked
        # only for those documents.
        words = expand(node, ctx.tables.fields[node.field], ctx.settings.max_expansions)
        found = run(rq.any_of(*[rq.Term(node.field, word) for word in words]), ctx, within, False)
        return _by_whoosh(node, ctx, found.docs, True) if score and len(found) else found
    if isinstance(node, rq.MatchAll):
        if node.field is None:
            docs = _all(ctx, within)
        elif node.field in ctx.tables.fields:
            held = np.flatnonzero(ctx.tables.fields[node.field].lengths > 0).astype(np.int32)
            docs = held if within is None else within[_restrict(within, held)]
        else:
            docs = _NO_DOCS
        return Matches(docs, np.full(len(docs), float(node.boost)) if score else None)
    return _bool(node, ctx, within, score)


def _bool(node: rq.Bool, ctx: Context, within, score: bool) -> Matches:
    """Required clauses narrow each other in turn; then the exclusions; then the optional
    clauses add their scores to what is left."""
    if node.filter:
        within = run(rq.all_of(*node.filter), ctx, within, False).docs
    if node.must:
        kept = _all_of(node.must, ctx, within, score)
    elif node.should and node.minimum_should_match:
        kept = _or([run(child, ctx, within, score) for child in node.should], score)
    elif node.must_not:
        # A lone NOT lets everything else through, each scoring the bool's boost.
        everything = _all(ctx, within)
        kept = Matches(everything, np.full(len(everything), float(node.boost))
                       if score else None)
    else:  # nothing required (ranking "NOT a NOT b" drops the NOTs): everything, unscored
        everything = _all(ctx, within)
        kept = Matches(everything, np.zeros(len(everything)) if score else None)
    for excluded_node in node.must_not:
        if not len(kept):
            return kept
        excluded = run(excluded_node, ctx, kept.docs, False)
        keep = ~_restrict(kept.docs, excluded.docs)
        kept = Matches(kept.docs[keep], kept.scores[keep] if kept.scores is not None else None)
    if node.minimum_should_match or not node.should or not node.must:
        return kept
    if not score or not len(kept):
        return kept
    total = np.array(kept.scores, dtype=np.float64)
    for optional_node in node.should:
        optional = run(optional_node, ctx, kept.docs, score)
        if len(optional) and optional.scores is not None:
            total[np.searchsorted(kept.docs, optional.docs)] += optional.scores
    return Matches(kept.docs, total)


def _all_of(nodes: tuple[rq.Node, ...], ctx: Context, within, score: bool) -> Matches:
    parts: list[Matches] = []
    narrowed = within
    # Rarest first is not known before reading; each clause narrows the next one.
    for child in nodes:
        part = run(child, ctx, narrowed, score)
        if not len(part):
            return Matches(_NO_DOCS, np.zeros(0) if score else None)
        parts.append(part)
        narrowed = part.docs
    return _and(parts, score)


def _phrase(node: rq.Phrase, ctx: Context, within, score: bool) -> Matches:
    """The documents holding all the words, from the arrays, then whoosh's check of their
    positions for those only. whoosh scores a phrase as the sum of its words' scores."""
    words = rq.all_of(*[rq.Term(node.field, word) for word in node.words])
    candidates = run(words, ctx, within, score)
    if not len(candidates):
        return candidates
    confirmed = _by_whoosh(node, ctx, candidates.docs, False).docs
    if not score:
        return Matches(confirmed)
    assert candidates.scores is not None
    kept = candidates.scores[np.searchsorted(candidates.docs, confirmed)]
    return Matches(confirmed, kept * node.boost)


def expand(node: rq.Prefix | rq.Wildcard, field: FieldPostings, limit: int) -> list[str]:
    """The field's words a prefix* or wildcard stands for; more than ``limit`` is refused."""
    words = field.words
    if isinstance(node, rq.Prefix):
        prefix = node.text.encode("utf-8")
        first = bisect_left(words, prefix)
        last = bisect_left(words, prefix + b"\xff")  # no UTF-8 byte is 0xff
        found = [words[row].decode("utf-8") for row in range(first, min(last, first + limit + 1))]
    else:
        pattern = re.compile(fnmatch.translate(node.pattern))
        found = []
        for row in range(len(words)):
            word = words[row].decode("utf-8")
            if pattern.match(word):
                found.append(word)
                if len(found) > limit:
                    break
    if len(found) > limit:
        raise SearchError(
            "pattern_too_broad",
            f"q: {node.text}* stands for more than {limit:,} different words; type more"
            " letters before the *" if isinstance(node, rq.Prefix) else
            f"q: {node.pattern} stands for more than {limit:,} different words; make it"
            " narrower", "q")
    return found


def _by_whoosh(node: rq.Node, ctx: Context, within, score: bool) -> Matches:
    """Word positions (phrases) and whoosh's scoring of prefixes: whoosh's matcher,
    skipping to the documents in question."""
    searcher = ctx.searcher
    matcher = to_whoosh(node).matcher(searcher, searcher.context(needs_current=False, weighting=(
        searcher.weighting if score else None)))
    docs: list[int] = []
    scores: list[float] = []
    if within is not None:
        for doc in within.tolist():
            if not matcher.is_active():
                break
            if matcher.id() < doc:
                matcher.skip_to(doc)
                if not matcher.is_active():
                    break
            if matcher.id() == doc:
                docs.append(doc)
                if score:
                    scores.append(matcher.score())
    else:
        while matcher.is_active():
            docs.append(matcher.id())
            if score:
                scores.append(matcher.score())
            matcher.next()
    found = np.asarray(docs, dtype=np.int32)
    return Matches(found, np.asarray(scores, dtype=np.float64) if score else None)


def run_best(node: rq.Node, ctx: Context, within: np.ndarray | None,
             needed: int) -> Matches:
    """:func:`run`, with exact scores guaranteed only for the ``needed`` best documents
    (and every document tied with them); the others may score lower than they would.

    The proximity bonus (``required_with_bonus(words, phrase)``) is what costs: whoosh reads word
    positions for each candidate. A document can gain at most its phrase words' own
    scores, so positions are read best-bound first, in growing batches, until no
    unchecked document could still reach the ``needed``-th best score."""
    phrase = node.should[0] if rq.is_bonus(node) and isinstance(node, rq.Bool) else None
    if not isinstance(phrase, rq.Phrase) or phrase.field not in ctx.tables.fields:
        return run(node, ctx, within)
    assert isinstance(node, rq.Bool)
    required = run(node.must[0], ctx, within)
    if len(required) <= needed or required.scores is None:
        return run(node, ctx, within)
    words = rq.all_of(*[rq.Term(phrase.field, word) for word in phrase.words])
    bound = run(words, ctx, required.docs)
    exact = np.array(required.scores, dtype=np.float64)
    if not len(bound) or bound.scores is None:
        return Matches(required.docs, exact)
    upper = exact.copy()
    upper[np.searchsorted(required.docs, bound.docs)] += bound.scores * phrase.boost
    unchecked = upper > exact
    batch = max(needed, 32)
    while len(open_ := still_open(exact, upper, unchecked, needed)):
        take = np.sort(open_[np.argsort(-upper[open_], kind="stable")[:batch]])
        confirmed = _by_whoosh(phrase, ctx, required.docs[take], False).docs
        hit = take[np.isin(required.docs[take], confirmed)]
        exact[hit] = upper[hit]
        unchecked[take] = False
        batch *= 2
    return Matches(required.docs, exact)
