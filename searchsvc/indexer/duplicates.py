"""Near-duplicate articles: wire stories re-sent with small changes.

At build time each article's set of words (its unstemmed words, title and text, as the
engine indexed them) gets a MinHash signature of ``HASHES`` values, computed over the
postings arrays in one vectorised pass; articles of the same source whose signatures agree
in all rows of at least one of ``BANDS`` bands are candidates (locality-sensitive
hashing), and a candidate pair is two versions of one story when the shorter one's words
are ``SIMILAR`` contained in the longer one's (estimated from the signatures' agreement
and the two sizes): a copy cut short, or re-sent with a sentence changed. Only within a
source: the same story in another outlet is coverage a reader wants to see. Each article is
written with the code of its cluster's earliest version (``duplicate_of.npy``).

At search time :func:`fold` keeps, of the matching versions of a story, the earliest, and
says which others it stands for.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..engine.postings import ArticleWords, Postings

HASHES = 64
BANDS = 32  # of HASHES // BANDS rows: pairs 0.4 alike are candidates with p > 0.99
SIMILAR = 0.8  # of the shorter version's words are in the longer one
MIN_SHARE = 0.3  # the shorter version is at least this share of the longer one
MIN_WORDS = 10
# Of the two headlines' words in common: 0.7 folded "NY COMEX SILVER OPG TRENDS" into
# "NY COMEX ALUMINUM OPG TRENDS"; 0.75 still folds "FORD <F> LAUNCHES MARK EUROBOND WITH
# WARRANTS" into "FORD LAUNCHES MARK EUROBOND WITH CURRENCY WARRANTS".
HEADLINE_ALIKE = 0.75
_PRIME = (1 << 61) - 1
_SEED = 20201231
FILE = "duplicate_of.npy"


def signatures(start: np.ndarray, docs: np.ndarray, count: int) -> np.ndarray:
    """MinHash signatures (``count`` × HASHES, uint64) of each document's set of words,
    from a field's postings (``docs[start[i]:start[i + 1]]`` hold word ``i``)."""
    words = np.repeat(np.arange(len(start) - 1, dtype=np.uint64), np.diff(start))
    order = np.argsort(docs, kind="stable")
    by_doc, words = np.asarray(docs)[order], words[order]
    present, first = np.unique(by_doc, return_index=True)
    rng = np.random.default_rng(_SEED)
    a = rng.integers(1, _PRIME, HASHES, dtype=np.uint64)
    b = rng.integers(0, _PRIME, HASHES, dtype=np.uint64)
    out = np.full((count, HASHES), np.iinfo(np.uint64).max, dtype=np.uint64)
    for k in range(HASHES):
        hashed = (words * a[k] + b[k]) % np.uint64(_PRIME)  # wraps: still a fixed hash
        out[present, k] = np.minimum.reduceat(hashed, first) if len(first) else 0
    return out


def clusters(signature: np.ndarray, source: np.ndarray, order_key: np.ndarray,
             sizes: np.ndarray | None = None,
             also: Callable[[int, int], bool] | None = None) -> np.ndarray:
    """For each row, the row of its cluster's first member by ``order_key`` (itself when
    it has no near-duplicate). ``sizes``: each row's number of distinct words (default:
    all equal, so containment is similarity); ``also(i, j)``: a last check of a pair."""
    count = len(signature)
    sizes = np.full(count, 100) if sizes is None else np.asarray(sizes)
    parent = np.arange(count)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rows = HASHES // BANDS
    empty = (signature == np.iinfo(np.uint64).max).all(axis=1)
    for band in range(BANDS):
        part = signature[:, band * rows:(band + 1) * rows]
        key = np.zeros(count, dtype=np.uint64)
        for column in range(rows):
            key = key * np.uint64(1_000_003) + part[:, column]
        order = np.lexsort((order_key, source, key))
        same = (key[order][1:] == key[order][:-1]) & (source[order][1:] == source[order][:-1])
        same &= ~empty[order][1:]
        first, second = order[:-1][same], order[1:][same]
        alike = _versions(signature, sizes, first, second)
        for i, j in zip(first[alike].tolist(), second[alike].tolist(), strict=True):
            a, b = root(i), root(j)
            if a == b or (also is not None and not also(i, j)):
                continue  # already one story (other bands found it), or not one
            if a != b:
                early, late = (a, b) if order_key[a] <= order_key[b] else (b, a)
                parent[late] = early
    return np.asarray([root(i) for i in range(count)])


def _versions(signature: np.ndarray, sizes: np.ndarray, first: np.ndarray,
              second: np.ndarray) -> np.ndarray:
    """Which candidate pairs are versions of one story: the shorter one's words are
    ``SIMILAR`` contained in the longer one (a copy cut short is still the story), and it
    is at least ``MIN_SHARE`` of its length (a one-line flash is not a long report)."""
    if not len(first):
        return np.zeros(0, dtype=bool)
    jaccard = (signature[first] == signature[second]).mean(axis=1)
    a, b = sizes[first].astype(float), sizes[second].astype(float)
    shared = jaccard * (a + b) / (1 + jaccard)
    shorter, longer = np.minimum(a, b), np.maximum(a, b)
    return (shared >= SIMILAR * np.maximum(shorter, 1)) & (shorter >= MIN_SHARE * longer) \
        & (shorter >= MIN_WORDS)


def write_duplicates(tables: Path, words: ArticleWords, article_ids: list[str],
                     source: np.ndarray, day: np.ndarray) -> int:
    """Write ``duplicate_of.npy`` (by article code: the position in ``article_ids``) into
    ``tables``; return how many articles are later versions of another. ``words``: each
    article's words as the engine indexed them; ``source``, ``day``: per article code."""
    ids = words.ids
    code_of = {article: code for code, article in enumerate(article_ids)}
    start, docs = words.text.start, words.text.docs
    by_docnum = signatures(start, docs, len(ids))
    count = len(article_ids)
    signature = np.full((count, HASHES), np.iinfo(np.uint64).max, dtype=np.uint64)
    for docnum, article in enumerate(ids):
        code = code_of.get(article)
        if code is not None:
            signature[code] = by_docnum[docnum]
    # Earliest first: by day code (undated last), then id.
    order_key = np.asarray(day, dtype=np.int64) * count + np.arange(count)
    sizes = np.zeros(count, dtype=np.int64)
    per_docnum = np.bincount(docs, minlength=len(ids))
    for docnum, article in enumerate(ids):
        code = code_of.get(article)
        if code is not None:
            sizes[code] = per_docnum[docnum]
    headline = _Headlines(words.title, ids, code_of, count)
    first = clusters(signature, np.asarray(source), order_key, sizes, headline.same_story)
    np.save(tables / FILE, first.astype(np.int32))
    return int((first != np.arange(count)).sum())


class _Headlines:
    """Each article's headline words, to tell a re-sent story from another company's
    story of the same template ("LITTON UNIT GETS 164.2 MLN DLR CONTRACT" and "GRUMMAN
    GETS 77 MLN DLR NAVY CONTRACT")."""

    def __init__(self, title: Postings, ids: list[str], code_of: dict[str, int], count: int):
        start, docs = title.start, title.docs
        self.words = list(title.words)
        word_of = np.repeat(np.arange(len(start) - 1), np.diff(start))
        order = np.argsort(docs, kind="stable")
        by_doc, self.word_of = np.asarray(docs)[order], word_of[order]
        # Where each document's words start, found once: one searchsorted per lookup cast
        # the whole int32 array to int64 every time (5 minutes on Reuters x 10).
        self.bounds = np.searchsorted(by_doc, np.arange(len(ids) + 1, dtype=by_doc.dtype))
        self.docnum = np.full(count, -1, dtype=np.int64)
        for docnum, article in enumerate(ids):
            if article in code_of:
                self.docnum[code_of[article]] = docnum

    def of(self, code: int) -> set[str]:
        docnum = int(self.docnum[code])
        if docnum < 0:
            return set()
        low, high = int(self.bounds[docnum]), int(self.bounds[docnum + 1])
        return {self.words[w] for w in self.word_of[low:high].tolist()}

    def same_story(self, first: int, second: int) -> bool:
        """Headlines three quarters alike with the same numbers ("104,000 TONNES" and "350,000
        TONNES" are two reports). Untitled articles are never folded: nothing tells a
        template from a story."""
        a, b = self.of(first), self.of(second)
        if not a or not b:
            return False
        numbers = {w for w in a if any(c.isdigit() for c in w)} == \
            {w for w in b if any(c.isdigit() for c in w)}
        return numbers and len(a & b) >= HEADLINE_ALIKE * len(a | b)


def fold(codes: np.ndarray, duplicate_of: np.ndarray,
         day: np.ndarray) -> tuple[np.ndarray, dict[int, list[int]]]:
    """``codes`` (sorted) without the later versions of a story that also match, and for
    each version kept, the codes it stands for (earliest first)."""
    if not len(codes):
        return codes, {}
    story = duplicate_of[codes]
    order = np.lexsort((codes, day[codes], story))
    ordered = codes[order]
    _, first = np.unique(story[order], return_index=True)
    kept = np.sort(ordered[first])
    if len(kept) == len(codes):
        return codes, {}
    # Only the stories with several versions (a few): one slice each, not a pass per story.
    bounds = np.append(first, len(order))
    folded: dict[int, list[int]] = {}
    for group in np.flatnonzero(np.diff(bounds) > 1).tolist():
        members = ordered[bounds[group]:bounds[group + 1]].tolist()
        folded[members[0]] = members[1:]
    return kept, folded
