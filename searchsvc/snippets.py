"""Highlighted snippets: the reader's own words in ``<mark>``, everything else escaped.

The paragraph is tokenised with the same analysis as the index, keeping each token's
character offsets, so the marks fall on the characters as written ("bombers", never the
stem "bomber"); a phrase is marked as one span. The snippet is the window of about
:data:`WINDOW` characters with the most marks, cut at word boundaries, with "…" where cut.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from .analysis import STOP_WORDS, stem, tokens
from .models import Highlights

WINDOW = 200
ELLIPSIS = "…"


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    return [_Token(word, start, end) for word, _, start, end in tokens(text)]


def match_spans(text: str, wanted: Highlights) -> list[tuple[int, int]]:
    """Character spans of ``text`` to mark, sorted and merged."""
    tokens = _tokens(text)
    spans: list[tuple[int, int]] = []
    stems = [stem(t.text) if t.text not in STOP_WORDS else "" for t in tokens]
    for i, token in enumerate(tokens):
        if (
            (stems[i] and stems[i] in wanted.stems)
            or token.text in wanted.exact
            or any(token.text.startswith(prefix) for prefix in wanted.prefixes)
        ):
            spans.append((token.start, token.end))
    for words, stemmed in wanted.phrases:
        sequence = stems if stemmed else [t.text for t in tokens]
        size = len(words)
        for i in range(len(tokens) - size + 1):
            if tuple(sequence[i:i + size]) == words:
                spans.append((tokens[i].start, tokens[i + size - 1].end))
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _best_window(text: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """The window holding the most marks (the earliest of equals), cut at spaces."""
    if len(text) <= width:
        return 0, len(text)
    # The spans are sorted and disjoint, so their ends rise too: the marks of a window
    # starting at span i are spans i..j-1, and j only moves forward (linear, not quadratic,
    # in the number of marks: a 1 MiB paragraph full of matches stays fast).
    best_start, best_count, covered = 0, -1, 0
    j = 0
    for i, (start, _) in enumerate(spans):
        j = max(j, i)
        while j < len(spans) and spans[j][1] <= start + width:
            j += 1
        if j - i > best_count:
            best_start, best_count = start, j - i
            covered = spans[j - 1][1] if j > i else start
    # Put some context before the first mark (never pushing the window's marks out of it),
    # then snap both ends to word boundaries.
    start = max(0, best_start - min(width // 4, width - (covered - best_start)))
    end = min(len(text), start + width)
    start = max(0, end - width) if end == len(text) else start
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < best_start else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        last_mark_end = max((e for s, e in spans if s < end), default=start)
        end = space if space > max(start, last_mark_end - 1) else end
    return start, end


def snippet(text: str, wanted: Highlights, width: int = WINDOW) -> str:
    """HTML: ``text`` escaped, matches in ``<mark>``, cut to about ``width`` characters."""
    spans = match_spans(text, wanted) if wanted else []
    start, end = _best_window(text, spans, width)
    out = [ELLIPSIS] if start > 0 else []
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        out.append(html.escape(text[cursor:span_start]))
        out.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    out.append(html.escape(text[cursor:end]))
    if end < len(text):
        out.append(ELLIPSIS)
    return "".join(out).strip()


def mark_all(text: str, wanted: Highlights) -> str:
    """The whole text, escaped, with every match marked (for the article view)."""
    return snippet(text, wanted, width=max(len(text), 1))
