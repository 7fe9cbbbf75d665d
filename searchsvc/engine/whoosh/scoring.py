"""whoosh's BM25F with Lucene's idf (:mod:`searchsvc.idf`), for what whoosh's own
matchers score (prefixes, wildcards)."""

from __future__ import annotations

from whoosh.matching import NullMatcher, WrappingMatcher
from whoosh.query import Term
from whoosh.scoring import BM25F, BM25FScorer, WeightingModel

from ...idf import bm25_idf, idf
from ...settings import Settings


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


class SharedIdf(WeightingModel):
    """``base``, except that a term is weighted with the idf of the more frequent of itself
    and ``typed`` (a field and word): Lucene's blended rewrite for fuzzy terms, so that a
    rare spelling variant never outweighs the spelling the user typed."""

    def __init__(self, base: WeightingModel, typed: tuple[str, str]) -> None:
        self.base = base
        self.typed = typed

    def scorer(self, searcher, fieldname: str, text, qf: int = 1):
        scorer = self.base.scorer(searcher, fieldname, text, qf)
        parent = searcher.get_parent()
        typed_field, typed_text = self.typed
        frequency = max(parent.doc_frequency(fieldname, text),
                        parent.doc_frequency(typed_field, typed_text))
        if hasattr(scorer, "idf"):
            kind = "bm25" if isinstance(self.base, LuceneBM25F) else "whoosh"
            scorer.idf = idf(kind, parent.doc_count_all(), frequency)
        return scorer


class VariantTerm(Term):
    """A name variant of a typed word (``typed``: its field and word), scored with
    :class:`SharedIdf`."""

    def __init__(self, fieldname: str, text: str, typed: tuple[str, str],
                 boost: float = 1.0) -> None:
        super().__init__(fieldname, text, boost=boost)
        self.typed = typed
        self.variant = True  # shown as ~word by query.describe()

    def matcher(self, searcher, context=None):
        if self.fieldname not in searcher.schema:
            return NullMatcher()
        text = searcher.schema[self.fieldname].to_bytes(self.text)
        if (self.fieldname, text) not in searcher.reader():
            return NullMatcher()
        weighting = context.weighting if context is not None else searcher.weighting
        if weighting is not None:  # None: matching only, nothing is scored
            weighting = SharedIdf(weighting, self.typed)
        matcher = searcher.postings(self.fieldname, text, weighting=weighting)
        if self.boost != 1.0:
            matcher = WrappingMatcher(matcher, boost=self.boost)
        return matcher


def weighting(settings: Settings) -> BM25F:
    """The ranking model the settings ask for: BM25F with Lucene's idf, or whoosh's own."""
    model = LuceneBM25F if settings.bm25_idf == "bm25" else BM25F
    return model(B=settings.bm25_b, K1=settings.bm25_k1)
