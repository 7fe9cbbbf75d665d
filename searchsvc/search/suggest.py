"""Did you mean: a close spelling of the query's rare words that would find more."""

from __future__ import annotations

from ..filters import Filters
from ..models import (
    SearchRequest,
    Suggestion,
)
from ..spelling import RARE, correction, is_markup
from .matching import Match, complete, match_query
from .snapshot import Snapshot


def suggest(snapshot: Snapshot, request: SearchRequest, match: Match,
             filters: Filters) -> Suggestion | None:
    """A close spelling from the index that would find more, as a whole query."""
    tables = snapshot.engine
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
    alternative = match_query(snapshot, SearchRequest(q=text, sources=request.sources,
                                                 date_from=request.date_from,
                                                 date_to=request.date_to,
                                                 fuzzy=request.fuzzy), filters)
    if complete(alternative) <= complete(match):
        return None
    return Suggestion(q=text, paragraphs=len(alternative.paragraphs),
                      articles=alternative.total_articles)
