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


def stemming_analyzer(stop_words: frozenset[str] | None = None) -> Analyzer:
    """The searchable copy: folded, split, stop words removed, stemmed."""
    stoplist = STOP_WORDS if stop_words is None else stop_words
    return (_base() | StopFilter(stoplist=stoplist, minsize=1, renumber=False)
            | StemFilter(stemfn=stem))


def query_analyzer() -> Analyzer:
    """What a query's plain words go through: as the stemmed copy, with the longer
    :data:`QUERY_STOP_WORDS` list ("what", "how", "about" only phrase the question)."""
    return stemming_analyzer(QUERY_STOP_WORDS)


def exact_analyzer() -> Analyzer:
    """The exact copy: every word as written (folded), for phrases, prefixes and variants."""
    return _base()


def words(text: str, analyzer: Analyzer | None = None, mode: str = "query") -> list[str]:
    """The terms an analyzer makes of ``text`` (query mode unless told)."""
    analyzer = analyzer or stemming_analyzer()
    return [t.text for t in analyzer(text, mode=mode)]
