"""Text analysis shared by documents and queries.

One chain, built from whoosh filters and nltk's Snowball stemmer (which needs no nltk
data): words → lower case → accents folded → possessives and apostrophes handled →
word parts → (stop words → stems, for the stemmed copy).

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
from nltk.tokenize import RegexpTokenizer
from whoosh.analysis import (
    Analyzer,
    Filter,
    LowercaseFilter,
    StemFilter,
    StopFilter,
    Token,
    Tokenizer,
)

# A word, with inner hyphens, apostrophes or dots kept so that word parts can be
# handled below (the tokenizer alone would lose the fact that "B-52" is one word).
TOKEN_PATTERN = r"\w+(?:['’‘\u2010\u2011.\-]\w+)*"

# Lucene's English stop list (33 words), as used by the reference BM25 runs.
STOP_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is",
    "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
    "these", "they", "this", "to", "was", "will", "with",
))

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
_ACRONYM = re.compile(r"(?:[a-z]\.){1,}[a-z]\.?")
_PART_SPLIT = re.compile(r"[._\-\u2010\u2011]+|(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")

_stemmer = SnowballStemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball English stem. A module-level function: whoosh pickles it into the schema."""
    return _stemmer.stem(word)


def fold(text: str) -> str:
    """Lower case without accents: "Qāsem" → "qasem"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class FoldFilter(Filter):
    """Accent folding (NFKD, combining marks dropped)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if not token.text.isascii():
                token.text = fold(token.text)
            yield token


class WordPartsFilter(Filter):
    """Possessives, apostrophes, acronyms and word parts (see the module docstring).

    Positions are renumbered so that phrases still line up after a word splits.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        position = 0
        for token in tokens:
            mode = getattr(token, "mode", "")
            text = token.text.translate(_APOSTROPHES)
            if text.endswith("'s"):
                text = text[:-2]
            text = text.replace("'", "")
            if _ACRONYM.fullmatch(text):
                text = text.replace(".", "")
            parts = [p for p in _PART_SPLIT.split(text) if p]
            if not parts:
                continue
            if len(parts) == 1:
                token.text = parts[0]
                token.pos = position
                position += 1
                yield token
                continue
            start = getattr(token, "startchar", None)
            end = getattr(token, "endchar", None)
            if mode == "index":
                token.text = "".join(parts)
                token.pos = position
                yield token
            offset = 0
            for part in parts:
                token.text = part
                token.pos = position
                position += 1
                if start is not None and end is not None:
                    found = text.find(part, offset)
                    if found >= 0 and end - start == len(text):
                        token.startchar = start + found
                        token.endchar = start + found + len(part)
                        offset = found + len(part)
                yield token
            if start is not None:
                token.startchar, token.endchar = start, end


class NltkTokenizer(Tokenizer):
    """Words found by nltk's ``RegexpTokenizer`` (no nltk data needed), as whoosh tokens
    with positions and character offsets, so that highlights fall on the original text."""

    def __init__(self, pattern: str = TOKEN_PATTERN):
        self.pattern = pattern
        self._nltk = RegexpTokenizer(pattern)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NltkTokenizer) and other.pattern == self.pattern

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            spans: Iterator[tuple[int, int]] = iter([(0, len(value))])
        else:
            spans = self._nltk.span_tokenize(value)
        for position, (start, end) in enumerate(spans):
            token.text = value[start:end]
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = start_pos + position
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token

    def __getstate__(self) -> dict:
        return {"pattern": self.pattern}  # the nltk object is rebuilt, not pickled

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["pattern"])


def _base() -> Analyzer:
    return NltkTokenizer() | LowercaseFilter() | FoldFilter() | WordPartsFilter()


def stemming_analyzer() -> Analyzer:
    """The searchable copy: folded, split, stop words removed, stemmed."""
    return (_base() | StopFilter(stoplist=STOP_WORDS, minsize=1, renumber=False)
            | StemFilter(stemfn=stem))


def exact_analyzer() -> Analyzer:
    """The exact copy: every word as written (folded), for phrases, prefixes and variants."""
    return _base()


def words(text: str, analyzer: Analyzer | None = None, mode: str = "query") -> list[str]:
    """The terms an analyzer makes of ``text`` (query mode unless told)."""
    analyzer = analyzer or stemming_analyzer()
    return [t.text for t in analyzer(text, mode=mode)]
