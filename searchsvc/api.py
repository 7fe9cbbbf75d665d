"""The JSON endpoint. Scripts depend on it: docs/api.md and /api/openapi.json describe it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, replace
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for

from .access import EXTENSION as ACCESS
from .access import Forbidden, signed_in
from .analysis import fold
from .archive import Archive
from .attention_api import attention_answer
from .errors import NotFound, SearchError
from .feeds import CONTENT_TYPE as FEED_TYPE
from .feeds import atom_feed
from .models import ExportRows, Related, SearchRequest, Sources, first_reported
from .openapi import CSV_COLUMNS, openapi_document
from .params import (
    RelatedParams,
    SearchParams,
    catalog_filters,
    check_query,
    check_window,
    parse_params,
    to_request,
)
from .public_url import EXTENSION as PUBLIC_URL
from .public_url import PublicURL
from .spreadsheet import cell as _cell

bp = Blueprint("api", __name__, url_prefix="/api")


def engine() -> Archive:
    return current_app.extensions["searchsvc.archive"]


@bp.get("/search")
def search():
    search_engine = engine()
    settings = search_engine.settings
    given: SearchParams = parse_params(SearchParams, request.args)
    fmt = given.format
    wanted = to_request(given, settings,
                        catalog_filters(request.args, search_engine.catalog_facets()))
    if fmt == "json":
        check_window(wanted, settings)
        return jsonify(search_engine.search(wanted).to_dict())
    if fmt == "atom":
        return _feed(search_engine, wanted)
    # Ranked before streaming, so that errors stay 4xx.
    rows = search_engine.export(wanted, settings.export_limit, given.rows)
    if fmt == "csv":
        body, mimetype = _csv(rows), "text/csv; charset=utf-8"
    else:
        body, mimetype = _jsonl(rows), "application/x-ndjson; charset=utf-8"
    # Rows are ranked already and the generators need no request context; the charset
    # is in the content type once (mimetype= would add a second).
    response = Response(body, content_type=mimetype)
    name = export_name(wanted.q, fmt, articles=given.rows == "article")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Total-Rows"] = str(len(rows))
    response.headers["X-Total-Matches"] = str(rows.total)
    response.headers["X-Export-Limit"] = str(settings.export_limit)
    return response


def _feed(search_engine: Archive, wanted: SearchRequest) -> Response:
    """The search as an Atom feed: its newest articles, one entry each."""
    newest = replace(wanted, sort="newest", group="article", page=1,
                     per_page=search_engine.settings.feed_entries)
    found = search_engine.search(newest)
    state: dict[str, Any] = request.args.to_dict(flat=False)
    state.pop("format", None)

    # Absolute links from the configured address, never from the Host header.
    public: PublicURL = current_app.extensions[PUBLIC_URL]

    def link_of(article_id: str, paragraph: int = 0, q: str = "") -> str:
        extra: dict[str, Any] = {"q": q} if q.strip() else {}
        if paragraph:
            extra["_anchor"] = f"p{paragraph}"
        return public.absolute(url_for("web.article", article_id=article_id, **extra))

    query = request.query_string.decode("latin-1")  # as sent: percent-escaped ASCII
    self_link = public.absolute(request.path + (f"?{query}" if query else ""))
    body = atom_feed(found, wanted.q, self_link,
                     public.absolute(url_for("web.search_page", **state)), link_of,
                     search_engine.health().built_at)
    return Response(body, content_type=FEED_TYPE)


def export_name(q: str, fmt: str, today: dt.date | None = None, articles: bool = False) -> str:
    """``cocoa-prices-2026-11-29.csv``: the search's words and the day, for the file
    (``cocoa-prices-articles-2026-11-29.csv`` for one row per article)."""
    words = "-".join(re.findall(r"[a-z0-9]+", fold(q)))[:60].strip("-") or "archive"
    kind = "-articles" if articles else ""
    return f"{words}{kind}-{(today or dt.date.today()).isoformat()}.{fmt}"


def _capped(rows: ExportRows) -> str | None:
    """What the file's last line says when the export stops before the last match."""
    if rows.total <= len(rows):
        return None
    return (f"truncated: the first {len(rows):,} of {rows.total:,} matching {rows.unit}; narrow"
            " the search (from=, to=, source=) to export the rest")


def _csv(rows: ExportRows) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_cell(getattr(row, c)) for c in CSV_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    note = _capped(rows)
    if note:
        writer.writerow([f"# {note}"] + [""] * (len(CSV_COLUMNS) - 1))
    yield buffer.getvalue()


def _jsonl(rows: ExportRows) -> Iterator[str]:
    for row in rows:
        yield json.dumps(asdict(row), ensure_ascii=False) + "\n"
    note = _capped(rows)
    if note:
        yield json.dumps({"truncated": True, "rows": len(rows), "total": rows.total,
                          "note": note}, ensure_ascii=False) + "\n"


@bp.get("/attention")
def attention():
    return attention_answer(engine(), request.args)


@bp.get("/articles/<path:article_id>", merge_slashes=False)  # ids may hold "//"
def article(article_id: str):
    return jsonify(asdict(engine().article(article_id)))


@bp.get("/paragraphs/<path:paragraph_id>/related", merge_slashes=False)
def related(paragraph_id: str):
    search_engine = engine()
    given: RelatedParams = parse_params(RelatedParams, request.args)
    limit = search_engine.settings.related_limit if given.limit is None else given.limit
    check_query(given.q, search_engine.settings)
    hits = search_engine.related(paragraph_id, limit, given.q)
    own = search_engine.article(paragraph_id.rpartition("#")[0])
    return jsonify(asdict(Related(paragraph=paragraph_id,
                                  first_reported=first_reported(paragraph_id, own, hits),
                                  related=hits)))


@bp.get("/sources")
def sources():
    return jsonify(asdict(Sources(sources=engine().sources())))


@bp.get("/keys")
def keys():
    """The archive's keys (never the keys themselves), for an admin key."""
    held = signed_in()
    if held is None or not held.admin:
        raise Forbidden("admin_required", "listing the keys needs an admin key (`searchsvc"
                        " keys add NAME --admin`)")
    return jsonify([{"name": key.name, "admin": key.admin, "created": key.created,
                     "revoked": key.revoked}
                    for key in current_app.extensions[ACCESS].ring().keys])


@bp.get("/health")
def health():
    if signed_in() is None and current_app.extensions[ACCESS].ring().enabled:
        return jsonify({"status": "ok"})  # alive; the content is for key holders only
    return jsonify(asdict(engine().health()))


@bp.get("/status")
def status():
    """The last build's report and any running build's progress (200 also without an
    index: a first build's progress is worth seeing)."""
    response = jsonify(asdict(engine().status(url_for("api.health"))))
    response.headers["Cache-Control"] = "no-store"  # progress changes every second
    return response


@bp.get("/openapi.json")
def openapi():
    search_engine = engine()
    try:
        facets = search_engine.catalog_facets()
    except SearchError:  # no index yet: the document without its facets
        facets = ()
    return jsonify(openapi_document(search_engine.settings, facets))


def not_found(_error=None):
    """The API's 404 (the app sends /api/ addresses here, the rest to the page's)."""
    return jsonify(NotFound("not_found", f"no such endpoint: {request.path}").to_dict()), 404


def internal_error(_error=None):
    """A bug, but still the API's error body (scripts always get JSON); the app sends
    /api/ addresses here, the rest to the page's."""
    body = SearchError("internal_error", "the server failed to answer this request").to_dict()
    return jsonify(body), 500


@bp.app_errorhandler(405)
def method_not_allowed(error):
    if request.path.startswith("/api/"):
        body = SearchError("method_not_allowed", f"{request.method} is not allowed here").to_dict()
        allowed = sorted(getattr(error, "valid_methods", None) or ["GET", "HEAD", "OPTIONS"])
        return jsonify(body), 405, {"Allow": ", ".join(allowed)}
    return error
