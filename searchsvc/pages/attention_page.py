"""The attention page (``/attention``): a form of 2 to 5 queries and an interval, the chart
of each query's share of the period's articles (SVG drawn here), and the table of counts
beneath it, each count a link to that period's search. Plain GET: no JavaScript needed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template, request, url_for

from ..attention_api import search_link
from ..attention_models import INTERVALS, MAX_QUERIES, MIN_QUERIES, AttentionResponse
from ..attention_params import attention_params, query_list
from ..errors import SearchError
from .attention_chart import attention_chart, percent, period_label
from .links import engine


@dataclass
class Cell:
    matching: int
    share: str
    href: str


@dataclass
class Row:
    label: str
    articles: int
    cells: list[Cell]


def _rows(found: AttentionResponse) -> list[Row]:
    interval = found.request.interval
    return [Row(period_label(period.period, interval), period.articles,
                [Cell(s.points[i].matching, percent(s.points[i].share), s.points[i].search)
                 for s in found.series])
            for i, period in enumerate(found.periods)]


def attention_page():
    archive = engine()
    args = request.args
    typed = query_list(args)
    form = {
        "queries": (typed + [""] * MAX_QUERIES)[:max(MAX_QUERIES, len(typed))],
        "interval": (args.get("interval") or "month").strip().lower(),
        "source": args.get("source", ""),
        "from": args.get("from", "").strip(),
        "to": args.get("to", "").strip(),
    }
    context = {"form": form, "intervals": INTERVALS, "least": MIN_QUERIES,
               "most": MAX_QUERIES}
    try:
        context["sources"] = archive.sources()
        if not typed and not any(key in args for key in ("interval", "from", "to")):
            return render_template("attention.html", **context)  # the empty form
        wanted, _ = attention_params(args, archive.settings, archive.catalog_facets())
        found = archive.attention(wanted).with_links(search_link)
    except SearchError as error:
        return render_template("attention.html", error=error, **context), error.status
    export: dict[str, Any] = {key: args.getlist(key) for key in args if key != "format"}
    return render_template(
        "attention.html", found=found, chart=attention_chart(found), rows=_rows(found),
        csv_href=url_for("api.attention", **export, format="csv"),
        json_href=url_for("api.attention", **export), **context)
