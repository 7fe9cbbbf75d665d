"""``GET /api/attention``: the comparison as JSON (:class:`AttentionBody`) or as CSV, one
row per query and period, each with the link to that period's search."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from flask import Response, current_app, jsonify, url_for

from .analysis import fold
from .archive import Archive
from .attention_models import AttentionResponse
from .attention_params import attention_params
from .models import SearchRequest
from .public_url import EXTENSION as PUBLIC_URL
from .public_url import PublicURL
from .spreadsheet import cell

#: format=csv's columns, in order
CSV_COLUMNS = ("query", "period", "first_day", "last_day", "matching", "articles", "share",
               "search")


def search_args(request: SearchRequest) -> dict[str, Any]:
    """The query string of the search page listing what a point counts: the query as
    typed (the page reads a valid query as this comparison does), every version of a story
    (``collapse=false``), the period's days; defaults left out."""
    args: dict[str, Any] = {
        "q": request.q, "source": list(request.sources), "from": request.date_from,
        "to": request.date_to, "fuzzy": None if request.fuzzy else "false", "collapse": "false",
        **{name: list(values) for name, values in request.catalog}}
    return {key: value for key, value in args.items() if value not in (None, "", [])}


def search_link(request: SearchRequest) -> str:
    """The search page's address for ``request`` (relative to the server's root)."""
    return url_for("web.search_page", **search_args(request))


def attention_answer(archive: Archive, args) -> Response:
    wanted, fmt = attention_params(args, archive.settings, archive.catalog_facets())
    # Absolute links from the configured address, never from the Host header.
    public: PublicURL = current_app.extensions[PUBLIC_URL]
    found = archive.attention(wanted).with_links(lambda r: public.absolute(search_link(r)))
    if fmt == "csv":
        response = Response(attention_csv(found), content_type="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = \
            f'attachment; filename="{file_name(wanted.queries)}"'
        return response
    return jsonify(found.to_dict())


def attention_csv(found: AttentionResponse) -> str:
    """A header row, then per query (in the order given) one row per period, oldest first;
    ``share`` to 6 decimals, empty when the period has no article."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for series in found.series:
        for period, point in zip(found.periods, series.points, strict=True):
            share = "" if point.share is None else f"{point.share:.6f}"
            writer.writerow([cell(series.q), period.period, period.first_day, period.last_day,
                             point.matching, period.articles, share, point.search])
    return buffer.getvalue()


def file_name(queries: tuple[str, ...], today: dt.date | None = None) -> str:
    """``attention-ceasefire-vs-sanctions-2026-12-03.csv``."""
    words = ["-".join(re.findall(r"[a-z0-9]+", fold(q)))[:30].strip("-") or "query"
             for q in queries]
    return f"attention-{'-vs-'.join(words)}-{(today or dt.date.today()).isoformat()}.csv"
