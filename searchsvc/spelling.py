"""Did you mean: close spellings of a typed word, from the archive's own words.

Candidates are the archive's words (as written, folded: not stems, so "interst" is not
taken for "interstate") within one edit (two for words of more than four letters), where
swapping two neighbouring letters is one edit ("cocao" → "cocoa"), as typists make them.
The distance is rapidfuzz's optimal string alignment (C++, about 10 million comparisons a
second), chosen over whoosh's ``suggest`` (docs/whoosh.md, traps 9 and 13: unordered, and
slower with every letter). Among candidates: fewer edits first, then those keeping the
first letter (typos rarely change it), then the commonest, a word that sounds the same
(``variants.skeleton``) counting as twenty times as common. A word is corrected only when it
is absent from the archive, or rare and the correction much commoner; never a number, a
word of fewer than three letters, or the name of an HTML tag typed as markup (``<script>``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .variants import skeleton

MIN_LETTERS = 3
RARE = 5  # a word in at most this many entries may be a typo of a much commoner one
MUCH_COMMONER = 20  # ... when the correction is in this many times as many
_TAG = re.compile(r"</?\s*[A-Za-z][\w-]*\s*/?>")


@dataclass(frozen=True)
class Lexicon:
    """The archive's words as written, with how many index entries hold each."""

    words: list[str]
    frequency: dict[str, int]

    @classmethod
    def make(cls, counts: Iterable[tuple[str, int]]) -> Lexicon:
        kept = {word: count for word, count in counts
                if len(word) >= MIN_LETTERS and word.isalpha()}
        return cls(sorted(kept), kept)


def is_markup(text: str, start: int, end: int) -> bool:
    """Whether the word at ``text[start:end]`` is written as an HTML tag (``<b>``)."""
    return any(tag.start() < end and start < tag.end() for tag in _TAG.finditer(text))


def correction(word: str, lexicon: Lexicon, typed: int | None = None) -> str | None:
    """The spelling to suggest for ``word`` (folded, as indexed), or None. ``typed``: how
    many entries hold the word anywhere (default: its count in the lexicon)."""
    if len(word) < MIN_LETTERS or not word.isalpha():
        return None
    typed = lexicon.frequency.get(word, 0) if typed is None else typed
    if typed > RARE:
        return None
    edits = 1 if len(word) <= 4 else 2
    found = process.extract(word, lexicon.words, scorer=OSA.distance, score_cutoff=edits,
                            limit=None)
    sound = skeleton(word)

    def commonness(candidate: str) -> int:
        # A candidate that sounds the same ("opek" → "opec", not "oper") counts as if it
        # were MUCH_COMMONER times as common.
        same = bool(sound) and skeleton(candidate) == sound
        return lexicon.frequency[candidate] * (MUCH_COMMONER if same else 1)

    options = [(distance, candidate[0] != word[0], -commonness(candidate), candidate)
               for candidate, distance, _ in found if candidate != word]
    if not options:
        return None
    best = min(options)[3]
    if typed and lexicon.frequency[best] < MUCH_COMMONER * typed:
        return None
    return best
