"""Exports: every matching paragraph, or every matching article, in the order of the
pages, read from the stored entries only as each row is sent."""

from __future__ import annotations

from ..models import (
    ExportRow,
    ExportRows,
    SearchRequest,
)
from .hits import day_or_none
from .matching import article_order, best_paragraphs, match_query, paragraph_order
from .snapshot import Snapshot


class _StoredRows(ExportRows):
    """Export rows in order, each read from the stored fields when reached."""

    def __init__(self, snapshot: Snapshot, ranked: list[tuple[int, float]], total: int,
                 unit: str = "paragraphs"):
        self.snapshot, self.ranked, self.total, self.unit = snapshot, ranked, total, unit

    def __len__(self) -> int:
        return len(self.ranked)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        docnum, score = self.ranked[index]
        stored = self.snapshot.engine.stored(docnum)
        return ExportRow(stored.article_id, stored.para, stored.title, stored.source,
                         day_or_none(stored), stored.url, round(score, 4), stored.text)


def export_articles(snapshot: Snapshot, request: SearchRequest, limit: int) -> ExportRows:
    """Every matching article (up to ``limit``), in the order of the request's pages: one
    row each, with its article score and its best matching paragraph (its opening when it
    matched by its headline alone)."""
    match = match_query(snapshot, request, request.filters())
    order = article_order(snapshot, match, request, limit)[:limit]
    best = best_paragraphs(snapshot, match, [code for code, _ in order], 1)
    opening = snapshot.articles_by_code.opening
    rows = [(int(best[code].docs[0]) if code in best else int(opening[code]), score or 0.0)
            for code, score in order]
    return _StoredRows(snapshot, rows, match.total_articles, "articles")


def export(snapshot: Snapshot, request: SearchRequest, limit: int) -> ExportRows:
    """Every matching paragraph (up to ``limit``), in the request's order, ungrouped."""
    match = match_query(snapshot, request, request.filters())
    return _StoredRows(snapshot, paragraph_order(snapshot, match, request, 0, limit),
                       len(match.paragraphs))
