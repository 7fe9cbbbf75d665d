"""Name variants: the several spellings a news archive has for one transliterated name.

"Soleimani" / "Suleimani", "Qasem" / "Qassem" / "Qassim", "Hezbollah" / "Hizbollah" differ
in their vowels and doubled letters and agree in their consonants. Two capitalised words
(names, see :func:`name_words`) are variants when they share a first
letter and a consonant skeleton, and are at most two edits apart. Ordinary words are not
names, so "bombers" never drifts to "members" (and their skeletons differ anyway).

The table (skeleton → names) is computed at build time and saved with the index. A word
counts as a name when it is capitalised inside a sentence in at least :data:`NAME_SHARE`
of the paragraphs that contain it: "Soleimani" always is, "Said" (the verb, capitalised
only in a few names) is not.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

from .analysis import exact_words

MIN_LENGTH = 4
MAX_EDITS = 2
SHORT_WORD = 5  # names this short may differ by one edit only ("Regan" is not "Reagan"'s variant…)
NAME_SHARE = 0.5  # a name is capitalised inside a sentence in at least this share of its paragraphs
_NAME_CANDIDATE = re.compile(r"(?<![\w'’])[A-Z][\w'’]*[a-z][\w'’]*")
_ABBREVIATION = re.compile(r"(?:^|\s)[A-Z][a-z]{0,3}\.$")  # "Gen." "Mr." "Lt." before a name
_VOWELS = re.compile(r"[aeiouy]")
_DOUBLES = re.compile(r"(.)\1+")
_SOUND_ALIKE = str.maketrans({"q": "k", "c": "k", "z": "s"})


def skeleton(word: str) -> str:
    """First letter plus the consonants that follow it, doubles collapsed: hezbollah → hsbl h."""
    word = word.lower().translate(_SOUND_ALIKE)
    if len(word) < MIN_LENGTH or not word.isalpha():
        return ""
    rest = _VOWELS.sub("", word[1:])
    return _DOUBLES.sub(r"\1", word[0] + rest)


def edit_distance(a: str, b: str, limit: int = MAX_EDITS) -> int:
    """Levenshtein distance, stopping early once it is past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def name_table(names: list[str]) -> dict[str, list[str]]:
    """Skeleton → the names in the index that have it. Singletons are kept: a query may
    spell a name in a way the index does not ("Hezbollah" for the indexed "Hizbollah")."""
    groups: defaultdict[str, list[str]] = defaultdict(list)
    for name in names:
        key = skeleton(name)
        if key:
            groups[key].append(name)
    return {key: sorted(group) for key, group in groups.items()}


def are_variants(a: str, b: str) -> bool:
    """Spellings of one name: not one the other's derivation (Iran / Iranian), few edits apart."""
    if a == b or a.startswith(b) or b.startswith(a):
        return False
    limit = 1 if min(len(a), len(b)) <= SHORT_WORD else MAX_EDITS
    return edit_distance(a, b, limit) <= limit


def finder(
    table: dict[str, list[str]], indexed: Callable[[str], bool]
) -> Callable[[str], list[str]]:
    """``word → variants`` for queries. A word the archive uses as an ordinary word (indexed,
    but not a name) has none: "said" never drifts to "Saad", "prices" never to "process"."""

    def find(word: str) -> list[str]:
        word = word.lower()
        if indexed(word) and word not in table.get(skeleton(word), ()):
            return []
        return variants_of(word, table)

    return find


def variants_of(word: str, table: dict[str, list[str]]) -> list[str]:
    """Other spellings of ``word`` (folded, lower case) found in the index, closest first."""
    word = word.lower()
    candidates = table.get(skeleton(word), [])
    found = [(edit_distance(word, other), other) for other in candidates
             if are_variants(word, other)]
    return [other for _, other in sorted(found)]


def name_words(text: str) -> set[str]:
    """Capitalised words inside a sentence: the spellings of names. Sentence-initial words
    ("There", "This") and all-caps acronyms and datelines are not taken."""
    found: set[str] = set()
    for match in _NAME_CANDIDATE.finditer(text):
        before = text[: match.start()].rstrip(" \"'“‘(")
        if not before or (before[-1] in ".!?:—–" and not _ABBREVIATION.search(before)):
            continue
        for word in exact_words(match.group()):
            if len(word) >= 4 and word.isalpha():
                found.add(word)
    return found
