"""The JSON endpoint. Scripts depend on it: docs/api.md and /api/openapi.json describe it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import asdict

from flask import Blueprint, Response, current_app, jsonify, request

from . import search as engine
from .app import live_index
from .errors import NotFound, SearchError
from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix="/api")

EXPORT_FORMATS = ("json", "csv", "jsonl")
CSV_COLUMNS = ("article_id", "paragraph", "title", "source", "date", "url", "score", "text")


def snapshot():
    return live_index(current_app).snapshot()


@bp.get("/search")
def search():
    fmt = (request.args.get("format") or "json").strip().lower()
    if fmt not in EXPORT_FORMATS:
        raise SearchError("invalid_parameter",
                          f"format={fmt!r} must be one of {', '.join(EXPORT_FORMATS)}", "format")
    search_request = engine.SearchRequest.from_params(request.args)
    snap = snapshot()
    if fmt == "json":
        return jsonify(engine.search(snap, search_request).to_dict())
    rows = list(engine.export(snap, search_request))  # ranked before streaming: errors stay 4xx
    if fmt == "csv":
        body, mimetype = _csv(rows), "text/csv; charset=utf-8"
    else:
        body, mimetype = _jsonl(rows), "application/x-ndjson; charset=utf-8"
    # Rows are ranked already and the generators need no request context; the charset
    # is in the content type once (mimetype= would add a second).
    response = Response(body, content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="search.{fmt}"'
    response.headers["X-Total-Rows"] = str(len(rows))
    response.headers["X-Export-Limit"] = str(engine.EXPORT_LIMIT)
    return response


def _csv(rows: list[engine.ExportRow]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_cell(getattr(row, c)) for c in CSV_COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text opening with = + - @ gets a leading
    apostrophe (OWASP's advice on CSV injection). Numbers pass as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _jsonl(rows: list[engine.ExportRow]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(asdict(row), ensure_ascii=False) + "\n"


@bp.get("/articles/<path:article_id>", merge_slashes=False)  # ids may hold "//"
def article(article_id: str):
    return jsonify(asdict(engine.get_article(snapshot(), article_id)))


@bp.get("/paragraphs/<path:paragraph_id>/related", merge_slashes=False)
def related(paragraph_id: str):
    limit = engine.int_param(request.args, "limit", engine.RELATED_LIMIT, 1, 50)
    hits = engine.related(snapshot(), paragraph_id, limit=limit)
    return jsonify({"paragraph": paragraph_id, "related": [asdict(h) for h in hits]})


@bp.get("/sources")
def sources():
    return jsonify({"sources": [asdict(s) for s in engine.sources(snapshot())]})


@bp.get("/health")
def health():
    return jsonify(engine.health(snapshot()))


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.app_errorhandler(404)
def not_found(error):
    if request.path.startswith("/api/"):
        return jsonify(NotFound("not_found", f"no such endpoint: {request.path}").to_dict()), 404
    return error


@bp.app_errorhandler(500)
def internal_error(error):
    """A bug, but still the API's error body under /api/ (scripts always get JSON)."""
    if request.path.startswith("/api/"):
        body = SearchError("internal_error", "the server failed to answer this request").to_dict()
        return jsonify(body), 500
    return error


@bp.app_errorhandler(405)
def method_not_allowed(error):
    if request.path.startswith("/api/"):
        body = SearchError("method_not_allowed", f"{request.method} is not allowed here").to_dict()
        return jsonify(body), 405
    return error
