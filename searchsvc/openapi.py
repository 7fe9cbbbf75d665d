"""The OpenAPI 3.1 description of the JSON endpoint (served at ``/api/openapi.json``),
generated from the typed models, never written by hand.

Response schemas come from the dataclasses of :mod:`searchsvc.models` (and the error body
of :mod:`searchsvc.errors`) through pydantic's JSON Schema generation, which is the JSON
Schema dialect OpenAPI 3.1 uses; parameters come from :mod:`searchsvc.params`, the same
models that validate requests. Every response schema is exact (``additionalProperties:
false``, every field required): tests/test_api.py validates real responses against them,
so a field added or dropped without changing its model fails the tests.

Why pydantic and not a Flask integration (flask-openapi3, spectree, apiflask): those
answer a bad parameter with their own 422 body, and the service's error shape
``{"error": {"code", "message", "param"}}`` and its messages are part of the contract.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import TypeAdapter

from . import __version__
from .attention_api import CSV_COLUMNS as ATTENTION_COLUMNS
from .attention_models import AttentionBody
from .attention_params import AttentionParams
from .batch import MAX_BYTES, MAX_QUERIES
from .batch.models import BatchJob, BatchRow
from .batch.params import BatchParams, BatchRowsParams
from .build_status import BuildStatus
from .errors import ERROR_CODES, ErrorBody
from .models import Article, ExportRow, Health, Related, SearchBody, Sources
from .params import RelatedParams, SearchParams
from .settings import Settings

__all__ = ["CSV_COLUMNS", "ERROR_CODES", "openapi_document"]

# The columns of format=csv, the keys of each format=jsonl line.
CSV_COLUMNS = tuple(f.name for f in dataclasses.fields(ExportRow))

REF = "#/components/schemas/{model}"
# Component name → the type that describes it.
BODIES: dict[str, Any] = {
    "SearchResponse": SearchBody,
    "ExportRow": ExportRow,
    "Article": Article,
    "Related": Related,
    "Sources": Sources,
    "Health": Health,
    "BatchJob": BatchJob,
    "BatchRow": BatchRow,
    "BuildStatus": BuildStatus,
    "Error": ErrorBody,
    "AttentionResponse": AttentionBody,
}


# Response bounds that are the deployment's Settings, not constants: (component, property,
# keyword) → the Settings field. The models state the shipped defaults (models._DEFAULTS,
# evaluated at import); the served document states the running app's, or a client that
# validates answers would refuse the 150 hits SEARCHSVC_MAX_PER_PAGE=200 allows.
DEPLOYED_BOUNDS: dict[tuple[str, str, str], str] = {
    ("SearchResponse", "per_page", "maximum"): "max_per_page",
    ("SearchResponse", "hits", "maxItems"): "max_per_page",
    ("Hit", "paragraphs", "maxItems"): "paragraphs_per_article",
}


def _clean(schema: Any) -> Any:
    """pydantic's schema without its generated titles (noise in a contract)."""
    if isinstance(schema, dict):
        return {key: _clean(value) for key, value in schema.items()
                if not (key == "title" and isinstance(value, str))}
    if isinstance(schema, list):
        return [_clean(item) for item in schema]
    return schema


def schemas(settings: Settings | None = None) -> dict[str, dict]:
    """Every component schema, the bodies and the types they refer to, with the bounds of
    ``settings`` (default: the shipped ones)."""
    settings = settings or Settings()
    out: dict[str, dict] = {}
    for name, body in BODIES.items():
        schema = TypeAdapter(body).json_schema(mode="serialization", ref_template=REF)
        out.update(schema.pop("$defs", {}))
        out[name] = schema
    for (name, prop, keyword), setting in DEPLOYED_BOUNDS.items():
        out[name]["properties"][prop][keyword] = getattr(settings, setting)
    # Catalog facets are the index's (searchsvc index --facet topics): one more list of
    # buckets under facets, and one more list of values in the filters echo, each.
    out["Facets"]["additionalProperties"] = {
        "type": "array", "items": {"$ref": REF.format(model="Bucket")},
        "description": "a catalog facet of the index (searchsvc index --facet NAME), most"
                       " articles first; a selected value is listed even with 0"}
    out["FiltersEcho"]["additionalProperties"] = {
        "type": "array", "items": {"type": "string"},
        "description": "a catalog facet's selected values (folded lower case)"}
    return {name: _clean(schema) for name, schema in out.items()}


def facet_parameters(names: tuple[str, ...]) -> list[dict]:
    """The query parameters of an index's catalog facets (``topics=cocoa``)."""
    return [{"name": name, "in": "query", "required": False, "style": "form", "explode": True,
             "description": f"only articles with one of these {name} (a catalog facet of this"
                            " index; repeat for several, any of them matches; case and"
                            " accents do not matter)",
             "schema": {"type": "array", "items": {"type": "string"}}} for name in names]


def _not_null(schema: dict) -> dict:
    """A query parameter is absent, never null: ``anyOf [X, null]`` is X."""
    options = schema.get("anyOf")
    if options:
        kept = [option for option in options if option != {"type": "null"}]
        if len(kept) == 1:
            schema = {**{k: v for k, v in schema.items() if k != "anyOf"}, **kept[0]}
    return schema


def parameters(model: type, settings: Settings) -> list[dict]:
    """The query parameters of ``model`` (params.py), in its field order."""
    properties = TypeAdapter(model).json_schema(by_alias=True)["properties"]
    out = []
    for name, spec in properties.items():
        spec = _not_null(_clean(spec))
        description = spec.pop("description", "")
        examples = spec.pop("examples", None)
        if spec.get("default") is None:
            spec.pop("default", None)
        if name == "per_page":  # the deployment's bounds (Settings), not fixed in the model
            spec.update(maximum=settings.max_per_page, default=settings.default_per_page)
        # An empty value means the default (docs/api.md): ?to=&rows= is a valid request.
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": False,
                                     "allowEmptyValue": True, "description": description,
                                     "schema": spec}
        if spec.get("type") == "array":
            parameter.update(style="form", explode=True)
        if examples:
            parameter["example"] = examples[0]
        out.append(parameter)
    return out


def _json(name: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": REF.format(model=name)}}}}


def _errors(*statuses: int) -> dict:
    what = {400: "a parameter is wrong (code and param say which)",
            401: "access keys are on and the request has no valid key (key_required,"
                 " invalid_key)",
            403: "the key was revoked (key_revoked), or the endpoint needs an admin key",
            404: "not found",
            413: "the body is too large (batch_too_large)",
            429: "with access keys on: too many exports or related-coverage requests from"
                 " this key or address (rate_limited); Retry-After says when to try again",
            503: "no readable index (index_missing, index_corrupt, index_outdated)"}
    return {str(status): _json("Error", what[status]) for status in statuses}


def _export_headers(settings: Settings) -> dict:
    return {
        "X-Total-Rows": {"description": "format=csv and jsonl: rows in this export",
                         "schema": {"type": "integer", "minimum": 0}},
        "X-Export-Limit": {"description": "the most rows an export gives",
                           "schema": {"type": "integer", "const": settings.export_limit}},
        "Content-Disposition": {"description": "attachment; filename=\"search.csv\" (or .jsonl)",
                                "schema": {"type": "string"}},
    }


def _search_operation(settings: Settings, facets: tuple[str, ...]) -> dict:
    return {
        "operationId": "search",
        "summary": "Search paragraphs; results grouped by article or not",
        "parameters": parameters(SearchParams, settings) + facet_parameters(facets),
        "responses": {
            "200": {
                "description": "format=json: one page of hits with facets; format=csv or jsonl:"
                               " every hit, streamed; format=atom: a feed of the newest",
                "headers": _export_headers(settings),
                "content": {
                    "application/json": {"schema": {"$ref": REF.format(model="SearchResponse")}},
                    "text/csv": {"schema": {
                        "type": "string",
                        "description": "header row " + ",".join(CSV_COLUMNS)
                                       + ", then one row per paragraph (RFC 4180)"}},
                    "application/x-ndjson": {
                        "schema": {"type": "string",
                                   "description": "one ExportRow JSON object per line"},
                        "x-item-schema": {"$ref": REF.format(model="ExportRow")},
                    },
                    "application/atom+xml": {"schema": {
                        "type": "string",
                        "description": "an Atom feed (RFC 4287): one entry per article, newest"
                                       " first, with its best snippet"}},
                },
            },
            **_errors(400, 401, 403, 429, 503),
        },
    }


def _attention_operation(settings: Settings, facets: tuple[str, ...]) -> dict:
    return {
        "operationId": "attention",
        "summary": "Attention over time: per day, week or month, the share of all articles"
                   " matching each of 2 to 5 queries",
        "parameters": parameters(AttentionParams, settings) + facet_parameters(facets),
        "responses": {
            "200": {
                "description": "format=json: the periods with all their articles, and per"
                               " query its matching articles and share in each; format=csv:"
                               " the same as rows",
                "content": {
                    "application/json": {"schema": {
                        "$ref": REF.format(model="AttentionResponse")}},
                    "text/csv": {"schema": {
                        "type": "string",
                        "description": "header row " + ",".join(ATTENTION_COLUMNS)
                                       + ", then per query (in the order given) one row per"
                                         " period, oldest first (RFC 4180)"}},
                },
            },
            **_errors(400, 401, 403, 503),
        },
    }


def _batch_paths(settings: Settings) -> dict:
    """``POST /api/batch`` and ``GET /api/batch/{id}``."""
    text = {"type": "string", "maxLength": MAX_BYTES}
    # Each query a string or {"query", "source", "from", "to"}: said in words, as a oneOf
    # here sent schemathesis' coverage phase into an internal error (Python 3.11, threads).
    entry = {"description": 'a query, or {"query": …, "source": a name or a list, "from": …,'
                            ' "to": …}'}
    job = {"application/json": {"schema": {"$ref": REF.format(model="BatchJob")}}}
    return {
        "/api/batch": {"post": {
            "operationId": "batch",
            "summary": "Count a list of queries, one row each, in the background",
            "parameters": parameters(BatchParams, settings),
            "requestBody": {"required": True, "content": {
                "text/plain": {"schema": {**text, "description": f"one query a line (at most"
                                                                 f" {MAX_QUERIES:,})"}},
                "text/csv": {"schema": {**text, "description": "a header row with a query"
                                        " column; optional source (several separated by ;),"
                                        " from and to columns"}},
                "application/json": {"schema": {
                    "type": "object", "required": ["queries"],
                    "properties": {"queries": {"type": "array", "items": entry,
                                               "maxItems": MAX_QUERIES}}}},
                "multipart/form-data": {"schema": {
                    "type": "object", "properties": {
                        "queries": {**text, "description": "the list, typed"},
                        "file": {"type": "string", "format": "binary",
                                 "description": "the list as a file (a .csv is a CSV)"}}}},
            }},
            "responses": {
                "202": {"description": "the job, queued: poll links.status",
                        "headers": {"Location": {"description": "links.status",
                                                 "schema": {"type": "string"}}},
                        "content": job},
                **_errors(400, 413, 503),
            },
        }},
        "/api/batch/{id}": {"get": {
            "operationId": "batchJob",
            "summary": "A batch job's state, progress, ETA and rows, or its rows as a file",
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "string"}, "description": "the job's id"},
                           *parameters(BatchRowsParams, settings)],
            "responses": {
                "200": {"description": "format=json: the job; csv or jsonl: its rows counted"
                                       " so far",
                        "headers": {
                            "X-Total-Rows": {"description": "format=csv and jsonl: rows in"
                                             " this file", "schema": {"type": "integer",
                                                                      "minimum": 0}},
                            "X-Batch-State": {"description": "format=csv and jsonl: the job's"
                                              " state", "schema": {
                                                  "enum": ["queued", "running", "done"]}}},
                        "content": {**job,
                                    "text/csv": {"schema": {"type": "string", "description":
                                                 "a header row, then one row per query"}},
                                    "application/x-ndjson": {
                                        "schema": {"type": "string",
                                                   "description": "one BatchRow per line"},
                                        "x-item-schema": {"$ref": REF.format(model="BatchRow")}}}},
                **_errors(400, 404, 503),
            },
        }},
    }


def openapi_document(settings: Settings | None = None, facets: tuple[str, ...] = ()) -> dict:
    """The whole document; limits are those of ``settings`` (default: the shipped ones);
    ``facets``: the served index's catalog facets, documented as parameters."""
    settings = settings or Settings()
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
            "/api/search": {"get": _search_operation(settings, facets)},
            "/api/attention": {"get": _attention_operation(settings, facets)},
            "/api/articles/{id}": {"get": {
                "operationId": "article",
                "summary": "One article with all its paragraphs",
                "parameters": [{**id_param, "description": "article id"}],
                "responses": {"200": _json("Article", "the article"),
                              **_errors(401, 403, 404, 503)},
            }},
            "/api/paragraphs/{id}/related": {"get": {
                "operationId": "related",
                "summary": "Paragraphs of other articles that report the same thing",
                "parameters": [
                    {**id_param, "description": "paragraph id ARTICLE#NUMBER, with # written"
                                                " %23"},
                    *parameters(RelatedParams, settings),
                ],
                "responses": {"200": _json("Related", "related paragraphs"),
                              **_errors(400, 401, 403, 404, 429, 503)},
            }},
            "/api/sources": {"get": {
                "operationId": "sources",
                "summary": "Every source in the index with its counts",
                "responses": {"200": _json("Sources", "the sources"),
                              **_errors(401, 403, 503)},
            }},
            "/api/keys": {"get": {
                "operationId": "keys",
                "summary": "The archive's access keys (names, roles, dates; never the keys),"
                           " for an admin key",
                "responses": {"200": {"description": "the keys", "content": {
                    "application/json": {"schema": {"type": "array", "items": {
                        "type": "object", "required": ["name", "admin", "created", "revoked"],
                        "properties": {"name": {"type": "string"}, "admin": {"type": "boolean"},
                                       "created": {"type": "string", "format": "date-time"},
                                       "revoked": {"type": ["string", "null"],
                                                   "format": "date-time"}}}}}}},
                              **_errors(401, 403)},
            }},
            "/api/health": {"get": {
                "operationId": "health",
                "summary": "Is there an index, and what is in it (with access keys on and no"
                           " key sent: only {\"status\": \"ok\"})",
                "responses": {"200": _json("Health", "serving"), **_errors(503)},
            }},
            **_batch_paths(settings),
            "/api/status": {"get": {
                "operationId": "status",
                "summary": "The last build's report, and the progress of a running build",
                "description": "When the served build ran, how long it took, what it read,"
                               " skipped and folded, and what an --update changed (null"
                               " with a note when the build has no report); while a build"
                               " runs, its progress, rate and ETA. Answers 200 also"
                               " before the first index is built.",
                "responses": {"200": _json("BuildStatus", "the build status")},
            }},
            "/api/openapi.json": {"get": {
                "operationId": "openapi",
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {
                    "application/json": {"schema": {"type": "object"}}}}},
            }},
        },
        # Access keys are off unless the operator adds one (docs/api.md, Access keys).
        "security": [{}, {"bearer": []}],
        "components": {"schemas": schemas(settings), "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "a key from `searchsvc keys add NAME`"}}},
    }
