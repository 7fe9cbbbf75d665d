"""Text analysis shared by documents, queries and snippets, in plain Python (no engine).

One chain: words found by a compiled regular expression (the pattern nltk's
``RegexpTokenizer`` would take, run by Python's own ``re``: nltk 3.10 sends every regex
through a ReDoS guard that made it 4× slower, 40 % of a build, for the same spans), then
lower case → accents folded → possessives and apostrophes handled → word parts →
(stop words → nltk's Snowball stemmer, which needs no nltk data, for the stemmed copy).
Every engine indexes what :func:`tokens` gives (``searchsvc.engine.whoosh.analysis``
wires it into whoosh), and the snippets mark the same tokens, so a highlight always falls
on what was matched.

Word parts follow Elasticsearch's ``word_delimiter_graph``: "B-52", "B52" and "b 52"
are all the tokens ``b`` ``52``; at index time the joined form ``b52`` is added at
the first part's position, so a query for "B52" or "Kataib" or "Iranbacked" finds the
hyphenated or apostrophised text. Dotted acronyms collapse ("U.S." → ``us``), which is
also how "US" is written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from nltk.stem.snowball import SnowballStemmer

# A word, with inner hyphens, apostrophes or dots kept so that word parts can be
# handled below (the tokenizer alone would lose the fact that "B-52" is one word).
TOKEN_PATTERN = r"\w+(?:['’‘\u2010\u2011.\-]\w+)*"

# Lucene's English stop list (33 words), as used by the reference BM25 runs.
STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is",
    "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
    "these", "they", "this", "to", "was", "will", "with",
))

# Left out of queries on top of STOP_WORDS (index time): Snowball's English list (nltk's
# "stopwords" corpus, which cannot be downloaded here) with contractions spelt as the
# analyser sees them ("don't" → "dont") and without words that are also nouns ("hell",
# "shed", "well", "ill", "wed", "cant", "wont"). The words stay in the index, so a quoted
# phrase ("to be or not to be", "The Who") still finds them. Measured in docs/evaluation.md.
QUERY_STOP_WORDS = STOP_WORDS | frozenset((
    "about", "above", "after", "again", "against", "all", "am", "any", "arent", "because",
    "been", "before", "being", "below", "between", "both", "cannot", "could", "couldnt", "did",
    "didnt", "do", "does", "doesnt", "doing", "dont", "down", "during", "each", "few", "from",
    "further", "had", "hadnt", "has", "hasnt", "have", "havent", "having", "he", "hed", "her",
    "here", "heres", "hers", "herself", "hes", "him", "himself", "his", "how", "hows", "i",
    "im", "isnt", "its", "itself", "ive", "me", "more", "most", "mustnt", "my", "myself",
    "nor", "off", "once", "only", "other", "ought", "our", "ours", "ourselves", "out", "over",
    "own", "same", "shant", "she", "shes", "should", "shouldnt", "so", "some", "than", "thats",
    "theirs", "them", "themselves", "theres", "theyd", "theyll", "theyre", "theyve", "those",
    "through", "too", "under", "until", "up", "very", "wasnt", "we", "were", "werent", "weve",
    "what", "whats", "when", "whens", "where", "wheres", "which", "while", "who", "whom",
    "whos", "why", "whys", "would", "wouldnt", "you", "youd", "youll", "your", "youre",
    "yours", "yourself", "yourselves", "youve",
))

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
_ACRONYM = re.compile(r"(?:[a-z]\.){1,}[a-z]\.?")
_PART_SPLIT = re.compile(r"[._\-\u2010\u2011]+|(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")

_stemmer = SnowballStemmer("english")
_WORD = re.compile(TOKEN_PATTERN)

Token = tuple[str, int, int, int]  # (word, position, start character, end character)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball English stem. A module-level function: an engine may pickle it."""
    return _stemmer.stem(word)


def fold(text: str) -> str:
    """Lower case without accents: "Qāsem" → "qasem"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str, *, index: bool = False, split: bool = True,
           start_pos: int = 0, start_char: int = 0) -> Iterator[Token]:
    """The words of ``text`` (lower case, folded, in parts) with positions and character
    offsets into ``text``. ``index``: also the joined form of a word in parts (``b52``).
    ``split=False`` takes the whole text as one word (an engine's untokenised value).

    Positions are renumbered so that phrases still line up after a word splits."""
    spans = ((m.start(), m.end()) for m in _WORD.finditer(text)) if split \
        else iter([(0, len(text))])
    position = start_pos
    for start, end in spans:
        word = text[start:end].lower()
        if not word.isascii():
            word = fold(word)
        word = word.translate(_APOSTROPHES)
        if word.endswith("'s"):
            word = word[:-2]
        word = word.replace("'", "")
        if _ACRONYM.fullmatch(word):
            word = word.replace(".", "")
        parts = [p for p in _PART_SPLIT.split(word) if p]
        first, last = start_char + start, start_char + end
        if not parts:
            continue
        if len(parts) == 1:
            yield parts[0], position, first, last
            position += 1
            continue
        if index:
            yield "".join(parts), position, first, last
        # Each part's own characters, where the analysed word still lines up with the text.
        aligned = end - start == len(word)
        offset = 0
        for part in parts:
            part_start, part_end = first, last
            if aligned:
                found = word.find(part, offset)
                part_start, part_end = first + found, first + found + len(part)
                offset = found + len(part)
            yield part, position, part_start, part_end
            position += 1


def exact_words(text: str) -> list[str]:
    """Every word as written (folded, in parts): the unstemmed copy's terms."""
    return [word for word, _, _, _ in tokens(text)]


def stemmed_words(text: str, stop_words: frozenset[str] = STOP_WORDS) -> list[str]:
    """The stemmed copy's terms of ``text``: stop words left out, the rest stemmed."""
    return [stem(word) for word, _, _, _ in tokens(text) if word not in stop_words]
