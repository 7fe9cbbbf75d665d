"""The search page (``/``): results grouped by article, facets, chips, the chart, sort,
paging, did-you-mean and the ways out of an empty or failed search."""

from __future__ import annotations

import re
from dataclasses import asdict, replace

from flask import render_template, request, url_for

from ..errors import SearchError
from ..filters import Filters, value_key
from ..labels import article_label
from ..models import Highlights, SearchRequest, SearchResponse
from ..params import check_window, search_request
from ..snippets import mark_all
from .chart import date_chart, date_presets
from .links import FormState, engine, link_args, search_url, state_args, with_q
from .names_facet import name_chips, name_links
from .views import CatalogGroup, Chip, Result, Snippet, first_paragraph, human_date


def _source_keys(values) -> tuple[str, ...]:
    """Sources as the filter folds them (case, accents): which parameter a chip removes."""
    return Filters.make(list(values)).sources


def _must_include(q: str, word: str) -> str:
    """``q`` with ``word`` required (``+word``), for the "must include" link."""
    pattern = r"(?<![\w+])" + re.escape(word) + r"(?!\w)"
    required, count = re.subn(pattern, lambda _m: "+" + word, q, count=1)
    return required if count else f"{q} +{word}"


def _results(response: SearchResponse, wanted: Highlights | None = None) -> list[Result]:
    req = response.request
    state = link_args(req)
    browsing = not req.q.strip()
    results = []
    for hit in response.hits:
        paragraphs = sorted(hit.paragraphs, key=lambda p: p.number) if browsing else hit.paragraphs
        paragraphs = paragraphs[:1] if browsing else paragraphs
        snippets = [
            Snippet(
                number=p.number,
                html=p.snippet,
                href=url_for("web.article", article_id=hit.article_id, **state,
                             _anchor=f"p{p.number}"),
                related_href=url_for("web.related", paragraph_id=p.id, **with_q(req.q)),
                opening=p.opening,
            )
            for p in paragraphs if p.number > 0
        ]
        opening = "" if hit.title.strip() else first_paragraph(hit.article_id)
        results.append(Result(
            article_id=hit.article_id,
            label=article_label(hit.title, hit.source, opening),
            untitled=not hit.title.strip(),
            source=hit.source,
            date=hit.date,
            # The headline opens the article at its top (headline, byline, date); each
            # snippet's ¶ link goes to its paragraph.
            href=url_for("web.article", article_id=hit.article_id, **state),
            matched=hit.matched_paragraphs,
            paragraphs=hit.matched_paragraphs if browsing else None,
            snippets=snippets,
            label_html=mark_all(hit.title, wanted) if wanted and hit.title.strip() else None,
            versions=len(hit.duplicates),
            missing=[Chip(word, search_url(**link_args(req, q=_must_include(req.q, word),
                                                       page=None)))
                     for word in hit.missing],
        ))
    return results


def _chips(req: SearchRequest, filters: Filters, labels: dict[str, str],
           response: SearchResponse) -> list[Chip]:
    chips = []
    for key in filters.sources:
        remaining = [s for s in req.sources if _source_keys([s]) != (key,)]
        chips.append(Chip(f"Source: {labels.get(key, key)}",
                          search_url(**link_args(req, source=remaining, page=None))))
    for name, given in req.catalog:
        shown = {b.value: b.label for b in response.facets.get(name, [])}
        for key in filters.selected(name):
            remaining = [v for v in given if value_key(v) != key]
            chips.append(Chip(f"{name.replace('_', ' ').capitalize()}: {shown.get(key, key)}",
                              search_url(**link_args(req, page=None, **{name: remaining}))))
    if req.date_from and req.date_to and req.date_from == req.date_to:
        chips.append(Chip(f"Date: {human_date(req.date_from)}",
                          search_url(**link_args(req, **{"from": None, "to": None, "page": None}))))
    else:
        if req.date_from:
            chips.append(Chip(f"From {human_date(req.date_from)}",
                              search_url(**link_args(req, **{"from": None, "page": None}))))
        if req.date_to:
            chips.append(Chip(f"Up to {human_date(req.date_to)}",
                              search_url(**link_args(req, **{"to": None, "page": None}))))
    return chips


def _spellings(req: SearchRequest, response: SearchResponse) -> list[tuple[str, str]]:
    """(the word as typed, its other spellings as a reader writes them): "Soleimani",
    "Suleimani" rather than the index's folded "soleimani", "suleimani"."""
    out = []
    for word, others in response.variants.items():
        typed = next((w for w in re.findall(r"[^\W_]+", req.q) if w.casefold() == word), word)
        capital = typed[:1].isupper()
        shown = [other.capitalize() if capital else other for other in others]
        out.append((typed, ", ".join(shown)))
    return out


def _pages(response: SearchResponse) -> list[dict]:
    """Page links: the first, the last, and two either side of the current one."""
    req, last = response.request, response.pages
    wanted = sorted({1, last, *range(max(1, req.page - 2), min(last, req.page + 2) + 1)})
    out: list[dict] = []
    previous = 0
    for number in wanted:
        if number - previous > 1:
            out.append({"gap": True})
        out.append({"number": number, "href": search_url(**link_args(req, page=number)),
                    "current": number == req.page})
        previous = number
    return out


def _sorts(req: SearchRequest) -> list[dict]:
    options: tuple[tuple[str, str], ...]
    if req.q.strip():
        options = (("relevance", "Relevance"), ("newest", "Newest"), ("oldest", "Oldest"))
        current = req.sort
    else:  # with nothing to rank by, relevance is newest first
        options = (("newest", "Newest"), ("oldest", "Oldest"))
        current = "oldest" if req.sort == "oldest" else "newest"
    return [{"value": value, "label": label, "current": value == current,
             "href": search_url(**link_args(req, sort=value, page=None))}
            for value, label in options]


def _per_page(value: object, default: int) -> int:
    """The per_page a link back should keep (a bad one falls back to the default)."""
    try:
        return max(1, int(str(value)))
    except ValueError:
        return default


def _way_out(req: SearchRequest, response: SearchResponse) -> list[dict]:
    """For an empty result: the filters to drop that would find something, with how much."""
    ways = []
    if req.sources:
        found = sum(b.articles for b in response.facets["source"])  # counted without it
        if found:
            ways.append({"text": "Remove the source filter", "found": found,
                         "href": search_url(**link_args(req, source=None, page=None))})
    if req.date_from or req.date_to:
        found = sum(b.articles for b in response.facets["day"])  # counted without it
        if found:
            ways.append({"text": "Remove the date filter", "found": found,
                         "href": search_url(**link_args(req, **{"from": None, "to": None,
                                                            "page": None}))})
    if req.sources and (req.date_from or req.date_to):
        ways.append({"text": "Remove all filters", "found": None,
                     "href": search_url(**link_args(req, source=None, page=None,
                                                     **{"from": None, "to": None}))})
    return ways


def _page(status: int = 200, **context):
    context.setdefault("state", FormState.from_args(request.args))
    args = state_args(request.args)
    # Settings a new search keeps (hidden fields of the search form).
    context["keep"] = [(key, args[key])
                       for key in ("sort", "per_page", "fuzzy", "strict", "collapse")
                       if key in args]
    return render_template("search.html", **context), status


def search_page():
    state = FormState.from_args(request.args)
    try:
        # The page lists articles (group=paragraph is for the API and exports).
        search_engine = engine()
        req = replace(search_request(request.args, search_engine.settings,
                                     search_engine.catalog_facets()), group="article")
        check_window(req, search_engine.settings)
        response = search_engine.search(req)
    except SearchError as error:
        args = state_args(request.args)
        lenient = {k: v for k, v in args.items() if k not in ("strict", "page")}
        settings = engine().settings
        deep = {k: v for k, v in args.items() if k not in ("page", "per_page")}
        per_page = _per_page(args.get("per_page"), settings.default_per_page)
        return _page(error.status, state=state, error=error, lenient_href=search_url(**lenient),
                     clear_href=search_url(q=state.q) if state.q else search_url(),
                     max_window=settings.max_window, requested_page=args.get("page"),
                     last_page_href=search_url(**{**args, "page": max(
                         1, settings.max_window // per_page)}),
                     deep_csv_href=url_for("api.search", **deep, format="csv"),
                     deep_jsonl_href=url_for("api.search", **deep, format="jsonl"))
    filters = req.filters()
    labels = {b.value: b.label for b in response.facets["source"]}
    chips = _chips(req, filters, labels, response) + name_chips(req, response)
    export = link_args(req, page=None, per_page=None)
    suggestion = None
    if response.suggestion:
        suggestion = {**asdict(response.suggestion),
                      "href": search_url(**link_args(req, q=response.suggestion.q, page=None))}
    return _page(
        state=state,
        req=req,
        response=response,
        browsing=not req.q.strip(),
        results=_results(response, search_engine.highlights(req.q, fuzzy=req.fuzzy)
                         if req.q.strip() else None),
        unfold_href=search_url(**link_args(req, collapse=False, page=None)),
        max_window=search_engine.settings.max_window,
        last_page_href=search_url(**link_args(req, page=response.pages)),
        first_page_href=search_url(**link_args(req, page=None)),
        export_limit=search_engine.settings.export_limit,
        sources=response.facets["source"],
        names=name_links(req, response),
        chart=date_chart(req, filters, response.facets["day"]),
        presets=date_presets(req, filters, search_engine.health().last_date),
        spellings=_spellings(req, response),
        exact_href=search_url(**link_args(req, fuzzy=False, page=None)),
        fuzzy_href=search_url(**link_args(req, fuzzy=True, page=None)),
        newest=search_engine.health().last_date,
        chips=chips,
        clear_href=search_url(**link_args(req, source=None, page=None,
                                          **{"from": None, "to": None}, name=None,
                                          **{name: None for name, _ in req.catalog})),
        catalog=[CatalogGroup(name, name.replace("_", " ").capitalize(), response.facets[name])
                 for name in search_engine.catalog_facets() if name in response.facets],
        sorts=_sorts(req),
        pages=_pages(response) if response.pages > 1 else [],
        prev_href=search_url(**link_args(req, page=req.page - 1)) if req.page > 1 else None,
        next_href=(search_url(**link_args(req, page=req.page + 1))
                   if req.page < response.pages else None),
        first_rank=(req.page - 1) * req.per_page + 1,
        suggestion=suggestion,
        way_out=_way_out(req, response) if not response.hits else [],
        csv_href=url_for("api.search", **export, format="csv"),
        # sort is the feed's own (newest first)
        atom_href=url_for("api.search", **{k: v for k, v in export.items() if k != "sort"},
                          format="atom"),
        jsonl_href=url_for("api.search", **export, format="jsonl"),
        article_csv_href=url_for("api.search", **export, format="csv", rows="article"),
        article_jsonl_href=url_for("api.search", **export, format="jsonl", rows="article"),
    )
