"""Related coverage of a paragraph: its key words and word pairs (:mod:`.related`)
searched across the archive, with the date and source preferences, and their snippets."""

from __future__ import annotations

from collections import Counter

import numpy as np

from ..analysis import stem
from ..errors import NotFound
from ..fields import split_pid
from ..models import (
    Hit,
    SearchRequest,
)
from ..query.understood import highlights
from ..request import (
    Node,
    Phrase,
    Term,
    any_of,
)
from ..topk import best_first
from ..variants import finder, name_words
from .hits import make_hit
from .matching import parse_request
from .related import SLOP, key_terms, pairs_of, related_scores
from .snapshot import Snapshot


def related(snapshot: Snapshot, paragraph_id: str, limit: int, q: str = "") -> list[Hit]:
    """Paragraphs of other articles that report the same thing, best first: more-like-this
    on the paragraph's most telling words (its names weigh more, and their spelling
    variants count), sharing at least ``related_min_share`` of them, closer dates and other
    sources preferred. ``q``: a search whose words are marked too (the reader's way here)."""
    try:
        article_id, _ = split_pid(paragraph_id)
    except ValueError as error:
        raise NotFound("paragraph_not_found", str(error), "id") from None
    engine = snapshot.engine
    docnum = engine.entry(paragraph_id)
    if docnum is None:
        raise NotFound("paragraph_not_found", f"no paragraph with id {paragraph_id!r}", "id")
    settings, tables = snapshot.settings, engine
    text = engine.stored(docnum).text
    variants_of = finder(snapshot.meta.get("names", {}),
                         lambda word: tables.doc_frequency("exact", word) > 0)
    names = {stem(word.lower()): word.lower() for word in name_words(text)}
    others = {term: variants_of(word) for term, word in names.items()}

    def frequency(term: str) -> int:
        """Paragraphs with the stem, or with the name in any of its spellings."""
        return tables.doc_frequency("text", term) + sum(
            tables.doc_frequency("exact", other) for other in others.get(term, ()))

    terms = [(term, weight * (settings.related_name_boost if term in names else 1.0))
             for term, weight in key_terms(text, tables.doc_count, frequency, settings)]
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
    found = related_scores(engine, settings, terms, pairs, own, limit,
                           lambda d: engine.stored(d).text,
                           alternatives=alternatives, required=settings.related_min_share,
                           factor=lambda docs: _preference(snapshot, docnum, docs))
    docs = found.docs
    raw = found.scores if found.scores is not None else np.zeros(len(docs))
    best = best_first(docs, raw, (np.asarray(cols.article)[docs], np.asarray(cols.para)[docs]),
                  limit)
    # Marked: the key words, their variants and the pairs holding a key word (a shared
    # "also come" is no reason to read on), and the reader's own search.
    keys = {term for term, _ in terms}
    shown: list[Node] = [Term("text", term) for term in keys]
    shown += [node for nodes in alternatives.values() for node in nodes]
    shown += [Phrase("text", pair, slop=SLOP) for pair in pairs
              if keys.intersection(pair)]
    if q.strip():
        shown.append(parse_request(snapshot, SearchRequest(q=q, strict=False)).query)
    wanted = highlights(any_of(*shown))
    counts = Counter(int(cols.article[d]) for d in docs[best].tolist())
    return [make_hit(snapshot, [(d, s)], counts[int(cols.article[d])], wanted)
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
