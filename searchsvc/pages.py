"""The search page and the article view (server-rendered; JavaScript only enhances).

Every state of the page is in its URL (``q``, ``source`` (repeatable), ``from``, ``to``,
``sort``, ``page``, ``per_page``, ``fuzzy``, ``strict``, ``collapse``, catalog facets): the
page is plain GET forms and links, so the back button, bookmarks and JavaScript-less
browsers all work. The only HTML that is not escaped here is what
the search layer produced for that purpose: snippets and marked paragraphs (escaped text
with ``<mark>``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for

from .engine import Engine
from .errors import NotFound, SearchError
from .fields import UNDATED
from .filters import Filters, value_key, values_of
from .labels import article_label
from .models import (
    Bucket,
    FirstReport,
    Highlights,
    Hit,
    SearchRequest,
    SearchResponse,
    first_reported,
)
from .params import check_query, check_window, search_request
from .snippets import mark_all

bp = Blueprint("web", __name__)

# The search state a page carries in its URL, in the order links spell it.
STATE_KEYS = ("q", "source", "from", "to", "sort", "page", "per_page", "fuzzy", "strict",
              "collapse")
CHART_MAX_DAYS = 31  # more days than this and the chart shows months
CHART_MAX_MONTHS = 36  # more months than this and it shows years
BAR_LEVELS = 20  # bar heights are CSS classes lv0..lv20 (no style attributes under the CSP)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def engine() -> Engine:
    return current_app.extensions["searchsvc.engine"]


# ------------------------------------------------------------------ formatting helpers


def human_date(value: str | None) -> str:
    """``2020-12-31`` → ``31 Dec 2020``; ``2020-12`` → ``Dec 2020``; ``2020`` stays."""
    if not value:
        return "undated"
    parts = value.split("-")
    try:
        if len(parts) == 3:
            day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        if len(parts) == 2 and 1 <= int(parts[1]) <= 12:
            return f"{MONTHS[int(parts[1]) - 1]} {int(parts[0])}"
    except ValueError:
        pass
    return value


# Catalog columns a reader wants beside the source and date; the rest go under "Details".
SHOWN_EXTRA = ("dateline", "place", "places", "byline", "publication", "topics", "people", "orgs",
               "note")


def source_keys(values) -> tuple[str, ...]:
    return Filters.make(list(values)).sources


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


bp.add_app_template_filter(human_date, "human_date")
bp.add_app_template_global(_plural, "plural")


# ------------------------------------------------------------------ the search state


@dataclass
class FormState:
    """What the form shows, read leniently from the URL (also when it does not validate)."""

    q: str = ""
    sources: list[str] = field(default_factory=list)
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    per_page: str = ""

    @classmethod
    def from_args(cls, args) -> FormState:
        return cls(
            q=args.get("q", ""),
            sources=[s for s in args.getlist("source") if s.strip()],
            date_from=args.get("from", "").strip(),
            date_to=args.get("to", "").strip(),
            sort=(args.get("sort") or "relevance").strip().lower(),
            per_page=args.get("per_page", "").strip(),
        )


def state_args(args) -> dict:
    """The search state of ``args`` (a MultiDict) as url_for keyword arguments."""
    out: dict = {}
    facets = _facet_names()
    for key in STATE_KEYS + facets:
        values = [v for v in args.getlist(key) if v.strip()]
        if values:
            out[key] = values if key == "source" or key in facets else values[0]
    return out


def _facet_names() -> tuple[str, ...]:
    """The index's catalog facets (none while there is no index)."""
    try:
        return engine().catalog_facets()
    except SearchError:
        return ()


def search_url(**params) -> str:
    return url_for("web.search_page", **params)


def link_args(req: SearchRequest, **changes) -> dict:
    """Query-string parameters for ``req`` with ``changes``, defaults left out (for links)."""
    values = {
        "q": req.q, "source": list(req.sources), "from": req.date_from,
        "to": req.date_to, "sort": req.sort, "group": req.group, "page": req.page,
        "per_page": req.per_page, "fuzzy": req.fuzzy, "strict": req.strict,
        "collapse": req.collapse,
        **{name: list(chosen) for name, chosen in req.catalog},
    }
    values.update(changes)
    defaults = SearchRequest()
    omitted = {"sort": defaults.sort, "group": defaults.group, "page": defaults.page,
               "per_page": engine().settings.default_per_page, "fuzzy": defaults.fuzzy,
               "strict": defaults.strict, "collapse": defaults.collapse}
    out = {}
    for key, value in values.items():
        if value in (None, "", []) or omitted.get(key, object()) == value:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return out


# ------------------------------------------------------------------ view models


@dataclass
class Snippet:
    number: int
    html: str  # escaped by the search layer, only <mark> markup: templates use |safe
    href: str
    related_href: str
    opening: bool = False  # the article's opening, shown because it matched by its title


@dataclass
class Result:
    article_id: str
    label: str
    untitled: bool
    source: str
    date: str | None
    href: str
    matched: int
    paragraphs: int | None
    snippets: list[Snippet]
    label_html: str | None = None  # the headline with the query's words marked (escaped)
    versions: int = 0  # later versions of the story folded under this one
    missing: list[Chip] = field(default_factory=list)  # words it lacks, "must include" links
    first_report: bool = False  # related coverage: of the day the story was first reported


@dataclass
class CatalogGroup:
    """One catalog facet's checkboxes on the page."""

    name: str
    label: str
    buckets: list[Bucket]


@dataclass
class Chip:
    label: str
    href: str


@dataclass
class Bar:
    value: str
    label: str
    articles: int
    paragraphs: int
    level: int
    href: str
    in_range: bool
    selected: bool


@dataclass
class Chart:
    unit: str  # "day", "month" or "year"
    bars: list[Bar]
    peak: int
    undated: int
    ticks: list[str] = field(default_factory=list)  # axis labels, evenly spaced
    up_href: str | None = None  # the enclosing period (zoom out), with a date filter


def _first_paragraph(article_id: str) -> str:
    try:
        article = engine().article(article_id)
    except NotFound:
        return ""
    return article.paragraphs[0].text if article.paragraphs else ""


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
                related_href=url_for("web.related", paragraph_id=p.id, **_with_q(req.q)),
                opening=p.opening,
            )
            for p in paragraphs if p.number > 0
        ]
        opening = "" if hit.title.strip() else _first_paragraph(hit.article_id)
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
        remaining = [s for s in req.sources if source_keys([s]) != (key,)]
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


def _level(count: int, peak: int) -> int:
    if count <= 0 or peak <= 0:
        return 0
    return max(1, round(count / peak * BAR_LEVELS))


def _months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out


def _chart(req: SearchRequest, filters: Filters, day_buckets: list[Bucket]) -> Chart | None:
    """Matches per day, month or year, whichever fits the span, with empty periods as empty
    bars. With a date filter the chart shows the filtered period only (a month's days, a
    year's months): clicking a bar drills down, and ``up_href`` goes back up."""
    undated = sum(b.articles for b in day_buckets if b.value == UNDATED)
    low, high = filters.date_from, filters.date_to
    days = {b.value: b for b in day_buckets if b.value != UNDATED
            and (not low or b.value >= low) and (not high or b.value <= high)}
    if not days:
        return Chart("day", [], 0, undated, up_href=_up_href(req, filters)) \
            if undated or filters.has_dates else None
    # A filter with both ends draws its whole period (a month's every day), else the matches'.
    first = low if low and high else min(days)
    last = high if low and high else max(days)
    span = (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days + 1
    counts: dict[str, tuple[int, int]] = {}
    if span <= CHART_MAX_DAYS:
        unit = "day"
        start = dt.date.fromisoformat(first)
        for offset in range(span):
            value = (start + dt.timedelta(days=offset)).isoformat()
            bucket = days.get(value)
            counts[value] = (bucket.articles, bucket.paragraphs) if bucket else (0, 0)
    else:
        months: dict[str, list[int]] = {}
        for value, bucket in days.items():  # a month's count: the sum of its days'
            both = months.setdefault(value[:7], [0, 0])
            both[0] += bucket.articles
            both[1] += bucket.paragraphs
        every = _months_between(first[:7], last[:7])
        if len(every) <= CHART_MAX_MONTHS:
            unit = "month"
            for value in every:
                articles, paragraphs = months.get(value, (0, 0))
                counts[value] = (articles, paragraphs)
        else:
            unit = "year"  # an article has one date, so per-month counts add up
            for year in range(int(first[:4]), int(last[:4]) + 1):
                counts[str(year)] = (0, 0)
            for value, (articles, paragraphs) in months.items():
                before = counts[value[:4]]
                counts[value[:4]] = (before[0] + articles, before[1] + paragraphs)
    peak = max(articles for articles, _ in counts.values())
    bars = []
    for value, (articles, paragraphs) in counts.items():
        period = Filters.make((), value, value)
        assert period.date_from is not None and period.date_to is not None
        in_range = bool(filters.has_dates) and (
            (not filters.date_from or period.date_to >= filters.date_from)
            and (not filters.date_to or period.date_from <= filters.date_to))
        selected = (filters.date_from, filters.date_to) == (period.date_from, period.date_to)
        bars.append(Bar(
            value=value,
            label=human_date(value),
            articles=articles,
            paragraphs=paragraphs,
            level=_level(articles, peak),
            href=search_url(**link_args(req, **{"from": value, "to": value, "page": None})),
            in_range=in_range,
            selected=selected,
        ))
    # Up to five labels along the axis, evenly spaced, so no bar needs hovering to place.
    spots = sorted({round(i * (len(bars) - 1) / 4) for i in range(5)}) if len(bars) > 1 \
        else [0]
    ticks = [bars[i].label for i in spots]
    return Chart(unit, bars, peak, undated, ticks=ticks, up_href=_up_href(req, filters))


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


def _up_href(req: SearchRequest, filters: Filters) -> str | None:
    """The period around the filtered one (a day's month, a month's year, a year's whole
    archive), or None without a date filter."""
    if not filters.has_dates:
        return None
    low, high = filters.date_from or "", filters.date_to or ""
    for width in (7, 4):  # the month, then the year, holding the whole range
        if low[:width] == high[:width] and (low, high) != _bounds(low[:width]):
            return search_url(**link_args(req, page=None,
                                          **{"from": low[:width], "to": low[:width]}))
    return search_url(**link_args(req, page=None, **{"from": None, "to": None}))


def _bounds(period: str) -> tuple[str | None, str | None]:
    whole = Filters.make((), period, period)
    return whole.date_from, whole.date_to


def _presets(req: SearchRequest, filters: Filters, newest: str | None) -> list[Chip]:
    """The archive's last 7, 30 and 365 days, counted back from its newest article."""
    if not newest:
        return []
    last = dt.date.fromisoformat(newest)
    out = []
    for days in (7, 30, 365):
        start = (last - dt.timedelta(days=days - 1)).isoformat()
        chosen = (filters.date_from, filters.date_to) == (start, newest)
        out.append(Chip(f"{days} days", search_url(**link_args(
            req, page=None, **{"from": start, "to": newest}))) if not chosen
            else Chip(f"{days} days", ""))
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


# ------------------------------------------------------------------ routes


@bp.get("/")
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
    chips = _chips(req, filters, labels, response)
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
        chart=_chart(req, filters, response.facets["day"]),
        presets=_presets(req, filters, search_engine.health().last_date),
        spellings=_spellings(req, response),
        exact_href=search_url(**link_args(req, fuzzy=False, page=None)),
        fuzzy_href=search_url(**link_args(req, fuzzy=True, page=None)),
        newest=search_engine.health().last_date,
        chips=chips,
        clear_href=search_url(**link_args(req, source=None, page=None,
                                          **{"from": None, "to": None},
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


@bp.get("/articles/<path:article_id>")
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
            "related_href": url_for("web.related", paragraph_id=paragraph.id, **_with_q(q)),
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


@bp.get("/paragraphs/<path:paragraph_id>/related")
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
    kept = _with_q(q)
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


def _with_q(q: str) -> dict[str, Any]:
    """The search to carry along in a link (none when empty)."""
    return {"q": q} if q.strip() else {}


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
        opening = "" if hit.title.strip() else _first_paragraph(hit.article_id)
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


# ------------------------------------------------------------------ error pages


def error_page(error: SearchError):
    """An HTML page for an error the search layer reports (404 for a missing article)."""
    message = error.message
    if error.code == "article_not_found":
        title = "Article not found"
        message = (f"{error.message[:1].upper()}{error.message[1:]}. It may have been removed "
                   "when the archive was re-indexed, or the link is mistyped.")
    elif isinstance(error, NotFound):
        title = "Not found"
    elif error.status == 503:
        title = "The archive is not available"
    else:
        title = "That request could not be answered"
    return render_template("error.html", title=title, message=message,
                           status=error.status), error.status


def page_failed(_error=None):
    """The HTML page for a bug: our own page (the details are in the server's log)."""
    return render_template("error.html", title="Something went wrong",
                           message="The archive could not answer this request. Please try"
                                   " again; if it keeps failing, tell whoever runs it.",
                           status=500), 500


def page_not_found(_error=None):
    """The HTML 404 page for any unknown address outside the API."""
    return render_template("error.html", title="Page not found",
                           message="There is no page at this address.", status=404), 404
