"""An article, the archive's sources and its health, read back from the build."""

from __future__ import annotations

import numpy as np

from .. import request as rq
from ..errors import NotFound
from ..fields import UNDATED
from ..models import (
    Article,
    Health,
    Paragraph,
    Source,
)
from .hits import day_or_none
from .snapshot import Snapshot


def get_article(snapshot: Snapshot, article_id: str) -> Article:
    docnums = snapshot.engine.entries_of(article_id)
    if not docnums:
        raise NotFound("article_not_found", f"no article with id {article_id!r}", "id")
    fields = [snapshot.engine.stored(d) for d in docnums]
    head = fields[0]
    return Article(
        id=article_id,
        title=head.title,
        source=head.source,
        date=day_or_none(head),
        url=head.url,
        extra=head.extra,
        paragraphs=[Paragraph(f.pid, f.para, f.text) for f in fields if f.para > 0],
    )


def sources(snapshot: Snapshot) -> list[Source]:
    keys = snapshot.columns.source_keys
    by_source = (rq.TermsAgg("source"),)

    def counted(body: rq.SearchBody) -> np.ndarray:
        return snapshot.engine.search(body).aggregations["source"]

    articles = counted(rq.SearchBody(index="articles", aggs=by_source, size=0,
                                     track_scores=False))
    # A title-only article's entry is no paragraph: it has no text.
    paragraphs = counted(rq.SearchBody(query=rq.MatchAll("text"), aggs=by_source, size=0,
                                       track_scores=False))
    names = snapshot.meta.get("sources", {})
    found = [Source(key, names.get(key, key), int(articles[code]), int(paragraphs[code]))
             for code, key in enumerate(keys) if articles[code]]
    return sorted(found, key=lambda s: (-s.articles, s.name.casefold()))


def health(snapshot: Snapshot) -> Health:
    meta = snapshot.meta
    dated = [day for day in snapshot.columns.days if day != UNDATED]  # sorted
    return Health(status="ok", articles=meta.get("articles", 0),
                  paragraphs=meta.get("paragraphs", 0), built_at=meta.get("built_at"),
                  version=meta.get("version"), first_date=dated[0] if dated else None,
                  last_date=dated[-1] if dated else None)
