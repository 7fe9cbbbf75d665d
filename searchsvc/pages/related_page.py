"""Related coverage of a paragraph (``/paragraphs/<id>/related``): the other articles
reporting the same thing, oldest first, and who reported first."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for

from ..errors import NotFound, SearchError
from ..labels import article_label
from ..models import FirstReport, Hit, first_reported
from ..params import check_query
from ..snippets import mark_all
from .error_pages import error_page
from .links import engine, with_q
from .views import Result, Snippet, first_paragraph


def related(paragraph_id: str):
    article_id, _, _number = paragraph_id.rpartition("#")
    q = request.args.get("q", "")
    try:
        search_engine = engine()
        check_query(q, search_engine.settings)
        found = search_engine.article(article_id) if article_id else None
        paragraph = next((p for p in found.paragraphs if p.id == paragraph_id), None) \
            if found else None
        if found is None or paragraph is None:
            raise NotFound("paragraph_not_found", f"no paragraph with id {paragraph_id!r}", "id")
        hits = search_engine.related(paragraph_id, search_engine.settings.related_limit, q)
        wanted = search_engine.highlights(q) if q.strip() else None
    except SearchError as error:
        return error_page(error)
    kept = with_q(q)
    first = first_reported(paragraph_id, found, hits)
    return render_template(
        "related.html",
        article=found,
        label=article_label(found.title, found.source,
                            found.paragraphs[0].text if found.paragraphs else ""),
        paragraph=paragraph,
        # mark_all escapes the text and adds only <mark>: the template renders it |safe.
        paragraph_html=mark_all(paragraph.text, wanted) if wanted else None,
        q=q,
        article_href=url_for("web.article", article_id=found.id, **kept,
                             _anchor=f"p{paragraph.number}"),
        first=first,
        first_names=_names(first, found.id) if first else "",
        results=_related_results(hits, first.date if first else None, kept),
    )


def _names(first: FirstReport, own_article: str) -> str:
    """"ESTA and this article's CNN": who reported on the first day, in words."""
    names = [f"{report.source or 'an unknown source'}"
             + (" (this article)" if report.article_id == own_article else "")
             for report in first.by]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _related_results(hits: list[Hit], first_day: str | None, kept: dict[str, Any],
                     ) -> list[Result]:
    """Related paragraphs grouped by article, oldest first (undated last): the story's
    coverage as it unfolded; those of the first day are marked."""
    grouped: dict[str, Result] = {}
    for hit in hits:
        p = hit.paragraphs[0]
        href = url_for("web.article", article_id=hit.article_id, **kept, _anchor=f"p{p.number}")
        snippet = Snippet(p.number, p.snippet, href,
                          url_for("web.related", paragraph_id=p.id, **kept))
        if hit.article_id in grouped:
            grouped[hit.article_id].snippets.append(snippet)
            continue
        opening = "" if hit.title.strip() else first_paragraph(hit.article_id)
        grouped[hit.article_id] = Result(
            article_id=hit.article_id,
            label=article_label(hit.title, hit.source, opening),
            untitled=not hit.title.strip(),
            source=hit.source,
            date=hit.date,
            href=href,
            matched=hit.matched_paragraphs,
            paragraphs=None,
            snippets=[snippet],
            first_report=hit.date is not None and hit.date == first_day,
        )
    # Stable: within a day, the better match first.
    return sorted(grouped.values(), key=lambda r: (r.date is None, r.date or ""))
