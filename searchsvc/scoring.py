"""BM25F with Lucene's idf.

whoosh's BM25F uses ``log(N / (n + 1)) + 1``, which gives words found in most documents a
weight close to that of rare ones; Lucene (and the reference runs in docs/evaluation.md)
use BM25's own ``log(1 + (N - n + 0.5) / (n + 0.5))``.
"""

from __future__ import annotations

from math import log

from whoosh.scoring import BM25F, BM25FScorer


def bm25_idf(doc_count: int, doc_frequency: int) -> float:
    return log(1 + (doc_count - doc_frequency + 0.5) / (doc_frequency + 0.5))


class _Scorer(BM25FScorer):
    def __init__(self, searcher, fieldname: str, text: str, B: float, K1: float,
                 qf: int = 1) -> None:
        parent = searcher.get_parent()  # collection statistics, not one segment's
        self.idf = bm25_idf(parent.doc_count_all(), parent.doc_frequency(fieldname, text))
        self.avgfl = parent.avg_field_length(fieldname) or 1
        self.B, self.K1, self.qf = B, K1, qf
        self.setup(searcher, fieldname, text)


class LuceneBM25F(BM25F):
    def scorer(self, searcher, fieldname: str, text: str, qf: int = 1):
        if not searcher.schema[fieldname].scorable:
            return super().scorer(searcher, fieldname, text, qf)
        return _Scorer(searcher, fieldname, text, self._field_B.get(fieldname, self.B),
                       self.K1, qf)
