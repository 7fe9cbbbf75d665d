"""Related coverage: paragraphs of other articles that report the same thing.

More-like-this on the paragraph's most telling words (tf × idf),
plus a bonus for each word pair of the paragraph that another paragraph also has within
``SLOP`` words ("hold Iran responsible" says "same statement" better than shared words).

Scored by the engine's executor, one request per key-word set and word pair. Word pairs
need positions: a pair can add at most its two words' scores, so pairs are checked (in
the candidate's stored text, analysed as the index analysed it) only for the paragraphs
that could still reach the page, best bound first: the same results as a phrase search
with ``slop=SLOP``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping

import numpy as np

from ..analysis import stem, stemmed_words, tokens
from ..engine import EngineReader
from ..engine.postings import Matches
from ..idf import bm25_idf
from ..request import Node, Term, all_of, any_of
from ..settings import Settings
from ..topk import still_open

SLOP = 2
KEY_TERMS = 15  # as many words as whoosh's key_terms and pyserini's more-like-this


def _positions(text: str, stop_words: frozenset[str]) -> dict[str, list[int]]:
    """Where each stem of ``text`` stands, as the stemmed field indexes it (stop words
    leave their positions empty; a word in parts also stands joined at its first part)."""
    found: defaultdict[str, list[int]] = defaultdict(list)
    for word, position, _, _ in tokens(text, index=True):
        if word not in stop_words:
            found[stem(word)].append(position)
    return found


def key_terms(text: str, documents: int, frequency: Callable[[str], int], settings: Settings,
              count: int = KEY_TERMS) -> list[tuple[str, float]]:
    """The paragraph's most telling stems and their weights (the best is 1): tf × idf over
    the ``documents`` paragraphs (``frequency``: a stem's document frequency), leaving out
    query stop words ("he", "would") and stems no other paragraph has (they cannot relate
    it to anything)."""
    weighted = []
    for term, tf in Counter(stemmed_words(text, settings.query_stop_words)).items():
        df = frequency(term)
        if df > 1:
            weighted.append((tf * bm25_idf(documents, df), term))
    weighted.sort(key=lambda pair: (-pair[0], pair[1]))
    best = weighted[0][0] if weighted else 1.0
    return [(term, weight / best) for weight, term in weighted[:count]]


def _has_pair(positions: dict[str, list[int]], first: str, second: str) -> bool:
    after = positions.get(second) or []
    return bool(after) and any(1 <= b - a <= SLOP for a in positions.get(first, ())
                               for b in after)


def pairs_of(text: str, settings: Settings,
             frequency: Callable[[str], int] | None = None) -> list[tuple[str, str]]:
    """The paragraph's word pairs; past ``settings.related_pairs`` of them (a very long
    paragraph has tens of thousands), the rarest by ``frequency`` (each pair costs a
    lookup, and common pairs say little about the story)."""
    stems = stemmed_words(text, settings.stop_words)
    pairs = sorted({(a, b) for a, b in zip(stems, stems[1:], strict=False) if a != b})
    if len(pairs) > settings.related_pairs and frequency is not None:
        pairs.sort(key=lambda pair: (frequency(pair[0]) + frequency(pair[1]), pair))
        pairs = sorted(pairs[:settings.related_pairs])
    return pairs


def related_scores(engine: EngineReader, settings: Settings, terms: list[tuple[str, float]],
                   pairs: list[tuple[str, str]], exclude: np.ndarray, needed: int,
                   text_of, *, alternatives: Mapping[str, list[Node]] | None = None,
                   required: float = 0.0, factor: Callable[[np.ndarray], np.ndarray] | None = None,
                   ) -> Matches:
    """Scores of every paragraph sharing a key word or a pair, but not in ``exclude``
    (sorted docnums), exact for the ``needed`` best. ``text_of(docnum)``: stored text.

    ``alternatives``: per key word, more queries that count as it (name variants);
    ``required``: the share of the key words' weight a paragraph must hold (else it is no
    match), and two key words at least;
    ``factor(docnums)``: a multiplier per paragraph (date and source preferences)."""
    alternatives = alternatives or {}
    nodes: list[Node] = [Term("text", term, boost=weight) for term, weight in terms]
    nodes += [node for term, _ in terms for node in alternatives.get(term, ())]
    base = engine.execute(any_of(*nodes))
    bonus = []  # per pair: the paragraphs holding both words, and what the pair would add
    for first, second in pairs:
        both = engine.execute(all_of(Term("text", first), Term("text", second)))
        if len(both) and both.scores is not None:
            bonus.append((first, second, both.docs, both.scores * settings.pair_boost))
    every = np.unique(np.concatenate([base.docs] + [docs for _, _, docs, _ in bonus]))
    every = every[~np.isin(every, exclude)]
    if required:
        held, words = _shared(engine, terms, alternatives, every)
        total = sum(weight for _, weight in terms)
        every = every[(held >= required * total) & (words >= 2)]
    scale = factor(every) if factor is not None else np.ones(len(every))
    exact = np.zeros(len(every))
    if len(base) and base.scores is not None:
        inside = np.isin(base.docs, every)
        exact[np.searchsorted(every, base.docs[inside])] = base.scores[inside]
    exact *= scale
    upper = exact.copy()
    for _, _, docs, adds in bonus:
        inside = np.isin(docs, every)
        rows = np.searchsorted(every, docs[inside])
        np.add.at(upper, rows, adds[inside] * scale[rows])
    confirmed = np.zeros(len(every), dtype=bool)
    unchecked = upper > exact
    batch = max(needed, 32)
    while len(candidates := still_open(exact, upper, unchecked, needed)):
        take = candidates[np.argsort(-upper[candidates], kind="stable")[:batch]]
        for position in take.tolist():
            docnum = int(every[position])
            where = _positions(text_of(docnum), settings.stop_words)
            for first, second, docs, adds in bonus:
                row = np.searchsorted(docs, docnum)
                if row < len(docs) and docs[row] == docnum and _has_pair(where, first, second):
                    exact[position] += adds[row] * scale[position]
                    confirmed[position] = True
        unchecked[take] = False
        batch *= 2
    # A paragraph with both words of a pair but neither a key word nor the pair itself is
    # no match (only those never checked can be left here, and they are below the page).
    matched = (exact > 0) | confirmed
    return Matches(every[matched], exact[matched])


def _shared(engine: EngineReader, terms: list[tuple[str, float]],
            alternatives: Mapping[str, list[Node]], docs: np.ndarray,
            ) -> tuple[np.ndarray, np.ndarray]:
    """The weight and the number of the key words each of ``docs`` holds (a variant
    counts for its word)."""
    weight = np.zeros(len(docs))
    words = np.zeros(len(docs), dtype=np.int32)
    for term, term_weight in terms:
        node = any_of(Term("text", term), *alternatives.get(term, ()))
        holds = np.isin(docs, engine.execute(node, within=docs, score=False).docs)
        weight += holds * term_weight
        words += holds
    return weight, words
