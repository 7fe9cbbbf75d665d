"""The OpenAPI 3.1 description of the JSON endpoint (served at ``/api/openapi.json``).

The response schemas are exact (``additionalProperties: false`` wherever the shape is
fixed): tests/test_api.py validates real responses against them, so a field added to or
dropped from :meth:`searchsvc.models.SearchResponse.to_dict` without updating this file
and docs/api.md fails the tests.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from . import __version__
from .models import GROUPS, SORTS, ExportRow
from .settings import Settings

_LIMITS = Settings()  # the documented limits are the defaults

ERROR_CODES = {
    "invalid_parameter": "a parameter has a value outside what it accepts (param names it)",
    "invalid_date": "from or to is not YYYY, YYYY-MM or YYYY-MM-DD, or not a real date",
    "invalid_range": "from is after to",
    "invalid_query": "strict=true and q is malformed; the message gives the character position",
    "page_too_deep": f"page × per_page goes past hit {_LIMITS.max_window}; export instead",
    "article_not_found": "no article with this id",
    "paragraph_not_found": "no paragraph with this id (or not ARTICLE#NUMBER)",
    "not_found": "no such endpoint",
    "method_not_allowed": "only GET is served",
    "index_missing": "no index has been built yet (503)",
    "index_corrupt": "the index cannot be read; rebuild it (503)",
    "index_outdated": "the index was built by an older searchsvc; rebuild it (503)",
    "internal_error": "a bug in the service (500); please report it",
}

# The columns of format=csv, the keys of each format=jsonl line.
CSV_COLUMNS = tuple(f.name for f in dataclasses.fields(ExportRow))


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], required: list[str] | None = None,
            description: str | None = None) -> dict:
    """A fixed-shape object: every property listed, all required unless told."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _string(description: str, **extra) -> dict:
    return {"type": "string", "description": description, **extra}


def _integer(description: str, minimum: int = 0, **extra) -> dict:
    return {"type": "integer", "minimum": minimum, "description": description, **extra}


_DATE_OR_NULL = {"type": ["string", "null"], "format": "date",
                 "description": "publication day YYYY-MM-DD; null when the article is undated"}


def _schemas() -> dict[str, dict]:
    return {
        "Error": _object({
            "error": _object({
                "code": {"type": "string", "enum": list(ERROR_CODES),
                         "description": "stable, for programs: "
                         + "; ".join(f"{code}: {what}" for code, what in ERROR_CODES.items())},
                "message": _string("for people; wording may change"),
                "param": _string("the parameter at fault (q, source, from, to, sort, group, page,"
                                 " per_page, fuzzy, strict, format, limit, id)"),
            }, required=["code", "message"]),
        }),
        "ParagraphHit": _object({
            "id": _string("paragraph id ARTICLE#NUMBER", examples=["000_a2d3934c72cc6993#7"]),
            "number": _integer("paragraph number in its article, from 1", 0),
            "score": {"type": "number", "description": "relevance (BM25F); 0 when unranked"},
            "snippet": _string("HTML: about 200 characters around the matches, escaped, the"
                               " matched words as written in <mark>…</mark>, … where cut"),
            "text": _string("the whole paragraph, plain text (not escaped)"),
        }),
        "Hit": _object({
            "article_id": _string("article id"),
            "title": _string("headline; empty when the article has none"),
            "source": _string("source name as displayed, e.g. Zero Hedge"),
            "date": _DATE_OR_NULL,
            "url": _string("link to the original; empty when unknown"),
            "score": {"type": "number",
                      "description": "the article's own score (BM25F over the whole article;"
                                     " group=paragraph: the paragraph's); 0 when unranked"},
            "matched_paragraphs": _integer("how many of the article's paragraphs match"
                                           " (related: how many are among the candidates)", 1),
            "paragraphs": {"type": "array", "items": _ref("ParagraphHit"), "minItems": 1,
                           "maxItems": _LIMITS.paragraphs_per_article,
                           "description": "group=article: the best matching paragraphs, best"
                           f" first (at most {_LIMITS.paragraphs_per_article});"
                           " group=paragraph and related: exactly one"},
        }, description="one article (group=article) or one paragraph (group=paragraph)"),
        "Bucket": _object({
            "value": _string("what to pass back: a source key for source=, a YYYY-MM or"
                             " YYYY-MM-DD for from= and to=, or \"undated\""),
            "label": _string("for display"),
            "paragraphs": _integer("matching paragraphs in this bucket"),
            "articles": _integer("matching articles in this bucket"),
            "selected": {"type": "boolean", "description": "the current filters select it"},
        }, description="a facet value; counts ignore the facet's own filter (multi-select)"),
        "Suggestion": _object({
            "q": _string("the query with close spellings from the index substituted"),
            "paragraphs": _integer("paragraphs it would find (more than the query typed)", 1),
            "articles": _integer("articles it would find", 1),
        }, description="did you mean"),
        "SearchResponse": _object({
            "query": _object({
                "q": _string("q as given"),
                "understood": _string("the query as searched, in the query syntax: stems,"
                                      " ~variant spellings, phrases; empty for no q"),
                "fuzzy": {"type": "boolean"},
                "strict": {"type": "boolean"},
                "variants": {"type": "object",
                             "additionalProperties": {"type": "array",
                                                      "items": {"type": "string"}},
                             "description": "word typed → other spellings also searched"},
                "relaxed": {"type": "boolean",
                            "description": "paragraphs matching only most of the words follow"
                            " the complete matches"},
            }),
            "filters": _object({
                "source": {"type": "array", "items": {"type": "string"},
                           "description": "selected source keys (folded lower case)"},
                "from": {"type": ["string", "null"], "description": "from as given"},
                "to": {"type": ["string", "null"], "description": "to as given"},
            }),
            "sort": {"type": "string", "enum": list(SORTS)},
            "group": {"type": "string", "enum": list(GROUPS)},
            "total": _object({
                "paragraphs": _integer("matching paragraphs within the filters"),
                "articles": _integer("articles with a matching paragraph within the filters"),
            }),
            "page": _integer("page number", 1),
            "per_page": _integer("hits per page", 1, maximum=_LIMITS.max_per_page),
            "pages": _integer(f"pages reachable (hits beyond {_LIMITS.max_window} are not)", 1),
            "took_ms": {"type": "number", "minimum": 0},
            "hits": {"type": "array", "items": _ref("Hit"), "maxItems": _LIMITS.max_per_page},
            "facets": _object({
                "source": {"type": "array", "items": _ref("Bucket"),
                           "description": "most paragraphs first; a selected source is listed"
                           " even with 0"},
                "month": {"type": "array", "items": _ref("Bucket"),
                          "description": "YYYY-MM, oldest first, \"undated\" last"},
                "day": {"type": "array", "items": _ref("Bucket"),
                        "description": "YYYY-MM-DD, oldest first, \"undated\" last"},
            }),
            "suggestion": {"oneOf": [_ref("Suggestion"), {"type": "null"}],
                           "description": "set when the query finds fewer than"
                           f" {_LIMITS.suggest_below} paragraphs and a spelling finds more"},
        }),
        "ExportRow": _object({
            "article_id": _string("article id"),
            "paragraph": _integer("paragraph number"),
            "title": _string("headline"),
            "source": _string("source name"),
            "date": _DATE_OR_NULL,
            "url": _string("link"),
            "score": {"type": "number"},
            "text": _string("the paragraph"),
        }, description="one line of format=jsonl; format=csv has the same columns in this"
           " order (date empty when undated)"),
        "Paragraph": _object({
            "id": _string("paragraph id ARTICLE#NUMBER"),
            "number": _integer("paragraph number, from 1", 1),
            "text": _string("plain text"),
        }),
        "Article": _object({
            "id": _string("article id"),
            "title": _string("headline; may be empty"),
            "source": _string("source name"),
            "date": _DATE_OR_NULL,
            "url": _string("link; may be empty"),
            "extra": {"type": "object", "description": "further catalog columns, as given"},
            "paragraphs": {"type": "array", "items": _ref("Paragraph")},
        }),
        "Related": _object({
            "paragraph": _string("the paragraph asked about"),
            "related": {"type": "array", "items": _ref("Hit"),
                        "description": "paragraphs of other articles reporting the same thing,"
                        " best first, other sources preferred; one paragraph per hit"},
        }),
        "Source": _object({
            "key": _string("what source= matches (folded lower case)"),
            "name": _string("for display"),
            "articles": _integer("articles"),
            "paragraphs": _integer("paragraphs"),
        }),
        "Sources": _object({"sources": {"type": "array", "items": _ref("Source"),
                                        "description": "most articles first"}}),
        "Health": _object({
            "status": {"type": "string", "const": "ok"},
            "articles": _integer("articles in the index"),
            "paragraphs": _integer("paragraphs in the index"),
            "built_at": {"type": ["string", "null"], "format": "date-time"},
            "version": {"type": ["string", "null"],
                        "description": "searchsvc version that built it"},
        }),
    }


def _param(name: str, description: str, schema: dict, **extra) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema, **extra}


def _search_parameters() -> list[dict]:
    date = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
    return [
        _param("q", "the query: words (all must match), \"a phrase\", OR, AND, NOT or -word,"
               " +word, (groups), prefix*, title:, source:. Empty: every article, newest"
               " first.", {"type": "string", "default": ""}, example="B-52 bombers"),
        _param("source", "only these sources (repeat for several; any of them matches)."
               " Case and accents do not matter.",
               {"type": "array", "items": {"type": "string"}},
               style="form", explode=True, example=["CNN", "Zero Hedge"]),
        _param("from", "first day, inclusive: YYYY, YYYY-MM or YYYY-MM-DD (the first day of"
               " the year or month). Undated articles are left out when a date is given.",
               date, example="2020-12"),
        _param("to", "last day, inclusive: YYYY, YYYY-MM or YYYY-MM-DD (the last day of the"
               " year or month)", date, example="2020-12-31"),
        _param("sort", "relevance (default), newest or oldest (undated last)",
               {"type": "string", "enum": list(SORTS), "default": "relevance"}),
        _param("group", "article: one hit per article with its best paragraphs (default);"
               " paragraph: one hit per paragraph",
               {"type": "string", "enum": list(GROUPS), "default": "article"}),
        _param("page", f"page number; page × per_page may not pass {_LIMITS.max_window}",
               {"type": "integer", "minimum": 1, "default": 1}),
        _param("per_page", "hits per page",
               {"type": "integer", "minimum": 1, "maximum": _LIMITS.max_per_page,
                "default": _LIMITS.default_per_page}),
        _param("fuzzy", "also search other spellings of names (Soleimani/Suleimani):"
               " true (default) or false. Also 1/0, yes/no, on/off.",
               {"type": "boolean", "default": True}),
        _param("strict", "reject a malformed query with 400 invalid_query instead of"
               " searching its words", {"type": "boolean", "default": False}),
        _param("format", f"json (default, one page); csv or jsonl: every matching paragraph"
               f" (up to {_LIMITS.export_limit}), ungrouped, in the requested order; page,"
               " per_page and group are ignored",
               {"type": "string", "enum": ["json", "csv", "jsonl"], "default": "json"}),
    ]


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict:
    what = {400: "a parameter is wrong (code and param say which)",
            404: "not found", 503: "no readable index (index_missing, index_corrupt,"
                                                 " index_outdated)"}
    return {str(status): _json(_ref("Error"), what[status]) for status in statuses}


def _export_headers() -> dict:
    return {
        "X-Total-Rows": {"description": "format=csv and jsonl: rows in this export",
                         "schema": {"type": "integer", "minimum": 0}},
        "X-Export-Limit": {"description": "the most rows an export gives",
                           "schema": {"type": "integer", "const": _LIMITS.export_limit}},
        "Content-Disposition": {"description": "attachment; filename=\"search.csv\" (or .jsonl)",
                                "schema": {"type": "string"}},
    }


def openapi_document() -> dict:
    id_param = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "searchsvc",
            "version": __version__,
            "summary": "Full-text search of a news archive",
            "description": "Paragraph-level keyword search with facets, highlighted snippets,"
                           " exports and related coverage. Every error is"
                           " {\"error\": {\"code\", \"message\", \"param\"?}}. See docs/api.md.",
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Search paragraphs; results grouped by article or not",
                    "parameters": _search_parameters(),
                    "responses": {
                        "200": {
                            "description": "format=json: one page of hits with facets;"
                                           " format=csv or jsonl: every hit, streamed",
                            "headers": _export_headers(),
                            "content": {
                                "application/json": {"schema": _ref("SearchResponse")},
                                "text/csv": {
                                    "schema": {"type": "string",
                                               "description": "header row "
                                               + ",".join(CSV_COLUMNS)
                                               + ", then one row per paragraph (RFC 4180)"},
                                },
                                "application/x-ndjson": {
                                    "schema": {"type": "string",
                                               "description": "one ExportRow JSON object per"
                                               " line"},
                                    "x-item-schema": _ref("ExportRow"),
                                },
                            },
                        },
                        **_errors(400, 503),
                    },
                },
            },
            "/api/articles/{id}": {
                "get": {
                    "operationId": "article",
                    "summary": "One article with all its paragraphs",
                    "parameters": [{**id_param, "description": "article id"}],
                    "responses": {"200": _json(_ref("Article"), "the article"),
                                  **_errors(404, 503)},
                },
            },
            "/api/paragraphs/{id}/related": {
                "get": {
                    "operationId": "related",
                    "summary": "Paragraphs of other articles that report the same thing",
                    "parameters": [
                        {**id_param, "description": "paragraph id ARTICLE#NUMBER, with # written"
                                                    " %23"},
                        {"name": "limit", "in": "query", "required": False,
                         "description": "how many",
                         "schema": {"type": "integer", "minimum": 1, "maximum": 50,
                                    "default": _LIMITS.related_limit}},
                    ],
                    "responses": {"200": _json(_ref("Related"), "related paragraphs"),
                                  **_errors(400, 404, 503)},
                },
            },
            "/api/sources": {
                "get": {
                    "operationId": "sources",
                    "summary": "Every source in the index with its counts",
                    "responses": {"200": _json(_ref("Sources"), "the sources"),
                                  **_errors(503)},
                },
            },
            "/api/health": {
                "get": {
                    "operationId": "health",
                    "summary": "Is there an index, and what is in it",
                    "responses": {"200": _json(_ref("Health"), "serving"), **_errors(503)},
                },
            },
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1")},
                },
            },
        },
        "components": {"schemas": _schemas()},
    }
