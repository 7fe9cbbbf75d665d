"""Related coverage: paragraphs of other articles that report the same thing.

More-like-this on the paragraph's most telling words (whoosh's ``key_terms_from_text``),
plus a bonus for each word pair of the paragraph that another paragraph also has within
``SLOP`` words ("hold Iran responsible" says "same statement" better than shared words).

Scored over the arrays (:mod:`.array_query`). Word pairs need positions: a pair can add
at most its two words' scores, so pairs are checked (in the candidate's stored text,
analysed as the index analysed it) only for the paragraphs that could still reach the
page, best bound first: the same results as whoosh's phrase search with ``slop=SLOP``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np
from whoosh import query as wq

from ...analysis import stem, stemmed_words, tokens
from ...settings import Settings
from .array_query import Context, Matches, run, still_open

SLOP = 2


def _positions(text: str, stop_words: frozenset[str]) -> dict[str, list[int]]:
    """Where each stem of ``text`` stands, as the stemmed field indexes it (stop words
    leave their positions empty; a word in parts also stands joined at its first part)."""
    found: defaultdict[str, list[int]] = defaultdict(list)
    for word, position, _, _ in tokens(text, index=True):
        if word not in stop_words:
            found[stem(word)].append(position)
    return found


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


def related_scores(context: Context, terms: list[tuple[str, float]],
                   pairs: list[tuple[str, str]], exclude: np.ndarray, needed: int,
                   text_of) -> Matches:
    """Scores of every paragraph sharing a key word or a pair, but not in ``exclude``
    (sorted docnums), exact for the ``needed`` best. ``text_of(docnum)``: stored text."""
    settings = context.settings
    base = run(wq.Or([wq.Term("text", term, boost=weight) for term, weight in terms]),
               context)
    bonus = []  # per pair: the paragraphs holding both words, and what the pair would add
    for first, second in pairs:
        both = run(wq.And([wq.Term("text", first), wq.Term("text", second)]), context)
        if len(both) and both.scores is not None:
            bonus.append((first, second, both.docs, both.scores * settings.pair_boost))
    every = np.unique(np.concatenate([base.docs] + [docs for _, _, docs, _ in bonus]))
    every = every[~np.isin(every, exclude)]
    exact = np.zeros(len(every))
    if len(base) and base.scores is not None:
        inside = np.isin(base.docs, every)
        exact[np.searchsorted(every, base.docs[inside])] = base.scores[inside]
    upper = exact.copy()
    for _, _, docs, adds in bonus:
        inside = np.isin(docs, every)
        np.add.at(upper, np.searchsorted(every, docs[inside]), adds[inside])
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
                    exact[position] += adds[row]
                    confirmed[position] = True
        unchecked[take] = False
        batch *= 2
    # A paragraph with both words of a pair but neither a key word nor the pair itself is
    # no match (only those never checked can be left here, and they are below the page).
    matched = (exact > 0) | confirmed
    return Matches(every[matched], exact[matched])
