"""The article view (``/articles/<id>``): every paragraph with its anchor and Related
link, the search that led there marked, and the way back to the results."""

from __future__ import annotations

from flask import render_template, request, url_for

from ..errors import SearchError
from ..filters import values_of
from ..labels import article_label
from ..snippets import mark_all
from .error_pages import error_page
from .links import engine, search_url, state_args, with_q

# Catalog columns a reader wants beside the source and date; the rest go under "Details".
SHOWN_EXTRA = ("dateline", "place", "places", "byline", "publication", "topics", "people", "orgs",
               "note")


def article(article_id: str):
    try:
        search_engine = engine()
        found = search_engine.article(article_id)
    except SearchError as error:
        return error_page(error)
    q = request.args.get("q", "")
    facets = search_engine.catalog_facets()
    wanted = search_engine.highlights(q, fuzzy=request.args.get(
        "fuzzy", "true").lower() not in ("0", "false", "no", "off"))
    paragraphs = []
    for paragraph in found.paragraphs:
        # mark_all escapes the text and adds only <mark>: templates render it with |safe.
        html = mark_all(paragraph.text, wanted) if q.strip() else None
        paragraphs.append({
            "number": paragraph.number,
            "id": paragraph.id,
            "html": html,
            "text": paragraph.text,
            "hit": bool(html and "<mark>" in html),
            "related_href": url_for("web.related", paragraph_id=paragraph.id, **with_q(q)),
        })
    # Related coverage is one link per paragraph, computed when followed: on every view
    # it cost most of the page's time, and the server cannot know which paragraph the
    # reader came for (the #p11 of the address never reaches it).
    hits = [p for p in paragraphs if p["hit"]]
    state = state_args(request.args)
    searched = bool(state.get("q") or state.get("source") or state.get("from")
                    or state.get("to"))
    return render_template(
        "article.html",
        article=found,
        label=article_label(found.title, found.source,
                            found.paragraphs[0].text if found.paragraphs else ""),
        untitled=not found.title.strip(),
        # mark_all escapes the headline and adds only <mark>: the template renders it |safe.
        title_html=mark_all(found.title, wanted) if q.strip() and found.title.strip() else None,
        q=q,
        paragraphs=paragraphs,
        hits=hits,
        back_href=search_url(**state) if searched else None,
        # The index's catalog facets: each value a link to the archive filtered on it.
        facet_links=[(name.replace("_", " ").capitalize(),
                      [(value, search_url(**{name: value})) for value in values])
                     for name in facets if (values := values_of(found.extra.get(name)))],
        shown_extra=[(k, v) for k, v in found.extra.items()
                     if v and k in SHOWN_EXTRA and k not in facets],
        other_extra=[(k, v) for k, v in found.extra.items()
                     if v and k not in SHOWN_EXTRA and k not in facets],
        url_ok=found.url.startswith(("http://", "https://")),
    )
