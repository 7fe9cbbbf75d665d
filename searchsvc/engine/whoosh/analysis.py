"""searchsvc's analysis (:mod:`searchsvc.analysis`) as whoosh analyzers.

One tokenizer yields :func:`searchsvc.analysis.tokens` as whoosh tokens; whoosh's own
filters then drop stop words and stem, for the stemmed copy. The stem function and this
tokenizer are pickled into the index's schema, so both are module-level and importable.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Analyzer, StemFilter, StopFilter, Token, Tokenizer

from ...analysis import STOP_WORDS, stem, tokens


class WordsTokenizer(Tokenizer):
    """Words, folded and in parts, with positions and character offsets, so that
    highlights fall on the original text."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordsTokenizer)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for word, position, start, end in tokens(value, index=mode == "index", split=tokenize):
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = position
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def stemming_analyzer(stop_words: frozenset[str] = STOP_WORDS) -> Analyzer:
    """The searchable copy: folded, split, stop words removed, stemmed."""
    return (WordsTokenizer() | StopFilter(stoplist=stop_words, minsize=1, renumber=False)
            | StemFilter(stemfn=stem))


def exact_analyzer() -> Analyzer:
    """The exact copy: every word as written (folded), for phrases, prefixes and variants."""
    return WordsTokenizer()  # a tokenizer is an analyzer of one step
