"""Inverse document frequency, written once for the engines and the service.

BM25's own (Lucene's, and the reference runs' in docs/evaluation.md) is
``log(1 + (N - n + 0.5) / (n + 0.5))``; whoosh's ``log(N / (n + 1)) + 1`` gives words found
in most documents a weight close to that of rare ones (``Settings.bm25_idf = "whoosh"``
keeps it for comparison).
"""

from __future__ import annotations

from math import log


def bm25_idf(doc_count: int, doc_frequency: int) -> float:
    return log(1 + (doc_count - doc_frequency + 0.5) / (doc_frequency + 0.5))


def idf(kind: str, doc_count: int, doc_frequency: int) -> float:
    """``kind``: ``"bm25"`` or ``"whoosh"`` (:attr:`searchsvc.settings.Settings.bm25_idf`)."""
    if kind == "bm25":
        return bm25_idf(doc_count, doc_frequency)
    return log(doc_count / (doc_frequency + 1)) + 1
