"""The JSON API against its contract: the OpenAPI document is valid, and real responses
(Flask's test client and a real ``searchsvc serve`` on 127.0.0.1) match its schemas, which
are exact (``additionalProperties: false``) so that drift fails here."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from openapi_schema_validator import OAS31Validator, oas31_format_checker

from searchsvc import __version__
from searchsvc.api import CSV_COLUMNS
from searchsvc.app import create_app
from searchsvc.openapi import ERROR_CODES, openapi_document
from searchsvc.settings import Settings

EXPORT_LIMIT = Settings().export_limit
MAX_PER_PAGE = Settings().max_per_page
MAX_WINDOW = Settings().max_window

CNN = "000_a2d3934c72cc6993"
ESTA = "001_6c93bd1d9ff11c7a"
AMN = "002_2597359e734cd98a"
ZH = "003_bf4d45bef3f202d2"

DOC = openapi_document()


# ------------------------------------------------------------------ the contract itself


def test_openapi_document_is_valid():
    try:
        from openapi_spec_validator import validate
    except ImportError:  # not a declared test dependency: fall back to meta-validation
        validate = None
    if validate is not None:
        validate(DOC)
    assert DOC["openapi"].startswith("3.1")
    for name, schema in DOC["components"]["schemas"].items():
        OAS31Validator.check_schema(schema), name  # noqa: B018 - raises when invalid
    # every $ref resolves, every operation answers 200 and documents its errors
    text = json.dumps(DOC)
    for ref in set(re.findall(r'"\$ref": "#/components/schemas/(\w+)"', text)):
        assert ref in DOC["components"]["schemas"], ref
    for path, item in DOC["paths"].items():
        for operation in item.values():  # GET, and POST /api/batch
            assert {"200", "202"} & set(operation["responses"]), path
            assert all(re.fullmatch(r"[1-5]\d\d", status) for status in operation["responses"])


def test_openapi_is_served(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.is_json
    assert response.get_json() == DOC
    assert DOC["info"]["version"] == __version__


def test_contract_names_the_limits():
    search = DOC["paths"]["/api/search"]["get"]
    params = {p["name"]: p for p in search["parameters"]}
    assert list(params) == ["q", "source", "from", "to", "sort", "group", "page", "per_page",
                            "fuzzy", "strict", "collapse", "name", "rows", "format"]
    assert params["per_page"]["schema"]["maximum"] == MAX_PER_PAGE
    assert str(MAX_WINDOW) in params["page"]["description"]
    assert str(EXPORT_LIMIT) in params["format"]["description"]
    assert params["source"]["explode"] is True
    # 401, 403 and 429 are access keys' (off unless a key is added)
    assert set(search["responses"]) == {"200", "400", "401", "403", "429", "503"}
    assert set(search["responses"]["200"]["content"]) == {
        "application/json", "text/csv", "application/x-ndjson", "application/atom+xml"}
    export_row = DOC["components"]["schemas"]["ExportRow"]
    assert tuple(export_row["properties"]) == CSV_COLUMNS


def test_the_served_contract_has_the_deployments_page_sizes(tmp_path, monkeypatch):
    """SEARCHSVC_MAX_PER_PAGE=200 and SEARCHSVC_PARAGRAPHS_PER_ARTICLE=5: the served document
    says so, and a page of 150 hits of 5 paragraphs each validates against it (against the
    shipped limits, 100 and 3, it does not)."""
    from searchsvc import indexer as index_module

    jsonl = tmp_path / "articles.jsonl"
    # A source each, so that no article is folded under another as a later version.
    jsonl.write_text("".join(json.dumps({
        "id": f"a{n}", "title": f"Report {n}", "source": f"Wire {n}", "date": "2021-01-01",
        "paragraphs": [f"Cocoa note {n}.{p}: growers in region {n * 7 + p} met." for p in range(6)],
    }) + "\n" for n in range(160)), encoding="utf-8")
    index_module.build(tmp_path / "index", None, jsonl)
    monkeypatch.setenv("SEARCHSVC_MAX_PER_PAGE", "200")
    monkeypatch.setenv("SEARCHSVC_PARAGRAPHS_PER_ARTICLE", "5")
    client = create_app(tmp_path / "index").test_client()

    served = client.get("/api/openapi.json").get_json()
    body = served["components"]["schemas"]["SearchResponse"]["properties"]
    assert (body["per_page"]["maximum"], body["hits"]["maxItems"]) == (200, 200)
    assert served["components"]["schemas"]["Hit"]["properties"]["paragraphs"]["maxItems"] == 5
    params = {p["name"]: p for p in served["paths"]["/api/search"]["get"]["parameters"]}
    assert params["per_page"]["schema"]["maximum"] == 200

    data = client.get("/api/search?q=cocoa&per_page=150").get_json()
    assert (data["per_page"], len(data["hits"])) == (150, 150)
    assert {len(hit["paragraphs"]) for hit in data["hits"]} == {5}
    schema = {"$ref": "#/components/schemas/SearchResponse"}
    validator = OAS31Validator({**schema, "components": served["components"]},
                               format_checker=oas31_format_checker)
    assert [e.message for e in validator.iter_errors(data)] == []
    shipped = OAS31Validator({**schema, "components": DOC["components"]},
                             format_checker=oas31_format_checker)
    assert not shipped.is_valid(data)


def test_the_deployed_bounds_are_the_models_own():
    """Each bound the served document takes from Settings is one the models state, at its
    shipped default: a bound dropped or renamed in models.py fails here, not silently."""
    from pydantic import TypeAdapter

    from searchsvc.openapi import BODIES, DEPLOYED_BOUNDS, REF

    models: dict[str, dict] = {}
    for name, body in BODIES.items():
        schema = TypeAdapter(body).json_schema(mode="serialization", ref_template=REF)
        models.update(schema.pop("$defs", {}), **{name: schema})
    assert DEPLOYED_BOUNDS  # the loop below checks something
    for (name, prop, keyword), setting in DEPLOYED_BOUNDS.items():
        assert models[name]["properties"][prop][keyword] == getattr(Settings(), setting)


def test_docs_page_documents_every_parameter_and_error():
    page = (Path(__file__).parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    for param in DOC["paths"]["/api/search"]["get"]["parameters"]:
        assert f"`{param['name']}`" in page, param["name"]
    for code in ERROR_CODES:
        assert f"`{code}`" in page, code
    for field in DOC["components"]["schemas"]["SearchResponse"]["properties"]:
        assert f"`{field}`" in page, field
    assert f"{EXPORT_LIMIT:,}" in page and f"{MAX_WINDOW:,}" in page


# ------------------------------------------------------------------ checking real responses


def _template(path: str) -> str:
    path = urllib.parse.unquote(path.split("?")[0])
    if path.startswith("/api/articles/"):
        return "/api/articles/{id}"
    if path.startswith("/api/paragraphs/") and path.endswith("/related"):
        return "/api/paragraphs/{id}/related"
    return path


def _schema_for(path: str, status: int, content_type: str) -> dict:
    """The schema the contract gives for this answer (fails if it gives none)."""
    responses = DOC["paths"][_template(path)]["get"]["responses"]
    assert str(status) in responses, f"{path}: status {status} is not in the contract"
    content = responses[str(status)]["content"]
    media = content_type.split(";")[0].strip()
    assert media in content, f"{path}: {media} is not in the contract"
    return content[media]["schema"]


def validate(path: str, status: int, content_type: str, body: bytes) -> object:
    """Check a real answer against the contract; return its JSON."""
    assert content_type.split(";")[0] == "application/json", (path, status, content_type)
    data = json.loads(body)
    schema = _schema_for(path, status, content_type)
    validator = OAS31Validator({**schema, "components": DOC["components"]},
                               format_checker=oas31_format_checker)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, f"{path}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5])
    return data


def get(client, path: str):
    response = client.get(path)
    return response.status_code, response.headers.get("Content-Type", ""), response.data


def fetch(base: str, path: str):
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def q(**params) -> str:
    return "/api/search?" + urllib.parse.urlencode(params, doseq=True)


OK_REQUESTS = [
    q(q="B-52"),
    q(q='"Persian Gulf"'),
    q(q="Soleimani", group="paragraph", per_page=5, page=2),
    q(q="Soleimani", source=["CNN", "zero hedge"]),
    q(q="Fakhrizadeh", source="CNN"),
    q(q="Fakrizadeh"),
    q(q="Mckenzei", fuzzy="false"),
    q(q="Qassem"),
    q(q="Soleimani bombers"),
    q(q="Soleimani", sort="oldest", **{"from": "2020-12", "to": "2020-12-31"}),
    q(q="Soleimani", sort="newest", group="paragraph", **{"from": "2020-12-11"}),
    q(q=""),
    q(),
    q(q="US", per_page=100),
    q(q="US", page=200, per_page=5),
    q(q="the"),
    q(q='(Iran OR Iraq) AND title:militias -Hezbollah', strict="true"),
    q(q='"unbalanced (quote'),
    q(q="zzyzx nothing"),
    f"/api/articles/{CNN}",
    f"/api/articles/{ZH}",
    f"/api/paragraphs/{CNN}%237/related",
    f"/api/paragraphs/{ESTA}%2313/related?limit=3",
    "/api/sources",
    "/api/health",
]


@pytest.mark.parametrize("path", OK_REQUESTS)
def test_responses_match_the_contract(client, path):
    status, content_type, body = get(client, path)
    assert status == 200, body[:300]
    validate(path, status, content_type, body)


def test_server_responses_match_the_contract_and_the_app(server, client):
    for path in OK_REQUESTS:
        status, content_type, body = fetch(server, path)
        assert status == 200, (path, body[:300])
        data = validate(path, status, content_type, body)
        expected = client.get(path).get_json()
        if isinstance(data, dict) and "took_ms" in data:
            data.pop("took_ms"), expected.pop("took_ms")
        if path == "/api/health":
            assert data["built_at"] == expected["built_at"]
        assert data == expected, path


def test_schemas_reject_drift(client):
    """The schemas are strict enough to notice a renamed, added or retyped field."""
    data = client.get(q(q="Soleimani", group="paragraph")).get_json()
    schema = {**DOC["components"]["schemas"]["SearchResponse"], "components": DOC["components"]}
    validator = OAS31Validator(schema, format_checker=oas31_format_checker)
    assert validator.is_valid(data)
    for drift in (
        lambda d: d.update(extra=1),
        lambda d: d["hits"][0].update(highlight="x"),
        lambda d: d["hits"][0]["paragraphs"][0].pop("snippet"),
        lambda d: d["facets"]["source"][0].update(count=1),
        lambda d: d["query"].update(fuzzy="yes"),
        lambda d: d["total"].update(hits=3),
        lambda d: d.update(suggestion={"q": "x"}),
        lambda d: d["hits"][0].update(date="31/12/2020"),
    ):
        changed = json.loads(json.dumps(data))
        drift(changed)
        assert not validator.is_valid(changed)


# ------------------------------------------------------------------ exact answers


def test_search_answer(client):
    data = client.get(q(q="B-52")).get_json()
    data.pop("took_ms")
    hits = data.pop("hits")
    assert data.pop("names")  # the names facet: tests/test_names_facet.py
    assert data == {
        "query": {"q": "B-52", "understood": '"b 52"', "fuzzy": True, "strict": False,
                  "variants": {}, "relaxed": False},
        "filters": {"source": [], "from": None, "to": None, "name": []},
        "sort": "relevance", "group": "article",
        "total": {"paragraphs": 7, "articles": 4, "folded": 0},
        "page": 1, "per_page": 10, "pages": 1,
        "facets": {
            "source": [
                {"value": "cnn", "label": "CNN", "paragraphs": 2, "articles": 1,
                 "selected": False},
                {"value": "esta", "label": "ESTA", "paragraphs": 2, "articles": 1,
                 "selected": False},
                {"value": "zero hedge", "label": "Zero Hedge", "paragraphs": 2, "articles": 1,
                 "selected": False},
                {"value": "amn", "label": "AMN", "paragraphs": 1, "articles": 1,
                 "selected": False},
            ],
            "month": [{"value": "2020-12", "label": "2020-12", "paragraphs": 7, "articles": 4,
                       "selected": False}],
            "day": [
                {"value": "2020-12-10", "label": "2020-12-10", "paragraphs": 2, "articles": 1,
                 "selected": False},
                {"value": "2020-12-11", "label": "2020-12-11", "paragraphs": 1, "articles": 1,
                 "selected": False},
                {"value": "2020-12-31", "label": "2020-12-31", "paragraphs": 4, "articles": 2,
                 "selected": False},
            ],
        },
        "suggestion": None,
        "skipped": [],
    }
    assert [(h["article_id"], h["matched_paragraphs"], [p["number"] for p in h["paragraphs"]])
            for h in hits] == [(ESTA, 2, [7, 5]), (ZH, 2, [1, 3]), (CNN, 2, [9, 10]),
                               (AMN, 1, [8])]
    assert hits[0]["paragraphs"][0]["snippet"].count("<mark>B-52</mark>") == 1


def test_multi_select_through_the_query_string(client):
    data = client.get("/api/search?q=Soleimani&source=CNN&source=AMN").get_json()
    assert [h["article_id"] for h in data["hits"]] == [AMN, CNN]
    assert data["filters"]["source"] == ["cnn", "amn"]
    assert [(b["value"], b["paragraphs"], b["selected"]) for b in data["facets"]["source"]] == [
        ("cnn", 5, True), ("amn", 4, True), ("esta", 2, False), ("zero hedge", 2, False)]
    data = client.get("/api/search?q=Fakhrizadeh&source=CNN").get_json()
    assert data["hits"] == [] and data["total"] == {"paragraphs": 0, "articles": 0, "folded": 0}
    assert {"value": "cnn", "label": "CNN", "paragraphs": 0, "articles": 0,
            "selected": True} in data["facets"]["source"]


def test_sources_and_health(client):
    assert client.get("/api/sources").get_json() == {"sources": [
        {"key": "amn", "name": "AMN", "articles": 1, "paragraphs": 10},
        {"key": "cnn", "name": "CNN", "articles": 1, "paragraphs": 19},
        {"key": "esta", "name": "ESTA", "articles": 1, "paragraphs": 16},
        {"key": "zero hedge", "name": "Zero Hedge", "articles": 1, "paragraphs": 14},
    ]}
    health = client.get("/api/health").get_json()
    assert list(health) == ["status", "articles", "paragraphs", "built_at", "version",
                            "first_date", "last_date"]
    assert (health["status"], health["articles"], health["paragraphs"], health["version"]) == (
        "ok", 4, 59, __version__)
    assert (health["first_date"], health["last_date"]) == ("2020-12-10", "2020-12-31")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", health["built_at"])


def test_article_and_related(client):
    article = client.get(f"/api/articles/{ESTA}").get_json()
    assert (article["id"], article["title"], article["source"], article["date"]) == (
        ESTA, "", "ESTA", "2020-12-31")
    assert len(article["paragraphs"]) == 16
    assert article["paragraphs"][12] == {
        "id": f"{ESTA}#13", "number": 13,
        "text": "Following the rocket attack, U.S. President Donald Trump warned on December 23"
                " that he would hold Iran responsible if an American was killed."}
    for pid, other in ((f"{CNN}#7", f"{ESTA}#13"), (f"{ESTA}#13", f"{CNN}#7")):
        data = client.get(f"/api/paragraphs/{urllib.parse.quote(pid)}/related").get_json()
        assert data["paragraph"] == pid
        assert data["related"][0]["paragraphs"][0]["id"] == other
    every = client.get(f"/api/paragraphs/{CNN}%237/related").get_json()["related"]
    limited = client.get(f"/api/paragraphs/{CNN}%237/related?limit=2").get_json()
    assert len(every) > 2 and limited["related"] == every[:2]


# ------------------------------------------------------------------ errors

ERRORS = [
    (q(q="Iran", sort="best"), 400, "invalid_parameter", "sort"),
    (q(q="Iran", group="source"), 400, "invalid_parameter", "group"),
    (q(q="Iran", **{"from": "2020-12-11", "to": "2020-12-10"}), 400, "invalid_range", "from"),
    (q(q="Iran", **{"from": "last week"}), 400, "invalid_date", "from"),
    (q(q="Iran", to="2020-02-30"), 400, "invalid_date", "to"),
    (q(q="Iran", to="2020-13"), 400, "invalid_date", "to"),
    (q(q="Iran", per_page=0), 400, "invalid_parameter", "per_page"),
    (q(q="Iran", per_page=101), 400, "invalid_parameter", "per_page"),
    (q(q="Iran", per_page="x"), 400, "invalid_parameter", "per_page"),
    (q(q="Iran", page=0), 400, "invalid_parameter", "page"),
    (q(q="Iran", page=101), 400, "page_too_deep", "page"),
    (q(q="Iran", page=11, per_page=100), 400, "page_too_deep", "page"),
    (q(q="Iran", fuzzy="maybe"), 400, "invalid_parameter", "fuzzy"),
    (q(q="Iran", strict="sometimes"), 400, "invalid_parameter", "strict"),
    (q(q="Iran", format="xml"), 400, "invalid_parameter", "format"),
    (q(q="Iran", format="csv", per_page=0), 400, "invalid_parameter", "per_page"),
    (q(q="Iran", format="jsonl", **{"from": "soon"}), 400, "invalid_date", "from"),
    (q(q='"Persian Gulf', strict="true"), 400, "invalid_query", "q"),
    (q(q="Iran (Iraq", strict="true"), 400, "invalid_query", "q"),
    (q(q="day:2020 Iran", strict="true"), 400, "invalid_query", "q"),
    ("/api/articles/nope", 404, "article_not_found", "id"),
    (f"/api/paragraphs/{CNN}%2399/related", 404, "paragraph_not_found", "id"),
    ("/api/paragraphs/nope/related", 404, "paragraph_not_found", "id"),
    (f"/api/paragraphs/{CNN}%237/related?limit=0", 400, "invalid_parameter", "limit"),
    (f"/api/paragraphs/{CNN}%237/related?limit=51", 400, "invalid_parameter", "limit"),
]


@pytest.mark.parametrize("path, status, code, param", ERRORS)
def test_errors(client, path, status, code, param):
    got_status, content_type, body = get(client, path)
    assert got_status == status, body[:300]
    error = validate(path, got_status, content_type, body)["error"]
    assert (error["code"], error["param"]) == (code, param)
    assert error["message"]


def test_errors_from_the_server(server):
    for path, status, code, param in ERRORS:
        got_status, content_type, body = fetch(server, path)
        assert got_status == status, (path, body[:300])
        error = validate(path, got_status, content_type, body)["error"]
        assert (error["code"], error["param"]) == (code, param), path


def test_strict_errors_say_where(client):
    for query, where in (('"Persian Gulf', "unclosed quote at character 1"),
                         ("Iran (Iraq", "'(' is never closed at character 6")):
        error = client.get(q(q=query, strict="true")).get_json()["error"]
        assert error["message"] == f"q: {where}"
        assert client.get(q(q=query)).status_code == 200  # lenient by default


def test_unknown_endpoint_and_method(client):
    response = client.get("/api/nope")
    assert response.status_code == 404 and response.get_json() == {
        "error": {"code": "not_found", "message": "no such endpoint: /api/nope"}}
    response = client.post("/api/search")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"  # RFC 9110: a 405 says what is


def test_missing_index_is_503(tmp_path):
    client = create_app(tmp_path / "nothing-here").test_client()
    for path in (q(q="Iran"), q(q="Iran", format="csv"), f"/api/articles/{CNN}",
                 f"/api/paragraphs/{CNN}%237/related", "/api/sources", "/api/health"):
        status, content_type, body = get(client, path)
        assert status == 503, path
        error = validate(path, status, content_type, body)["error"]
        assert error == {"code": "index_missing", "message": "no index has been built yet;"
                                                             " build one with `searchsvc index`"}


def test_unreadable_index_is_503(tmp_path):
    (tmp_path / "broken").mkdir()
    os.symlink("broken", tmp_path / "current")
    status, content_type, body = get(create_app(tmp_path).test_client(), q(q="Iran"))
    assert status == 503
    error = validate(q(q="Iran"), status, content_type, body)["error"]
    assert error["code"] == "index_corrupt"
    assert str(tmp_path) not in error["message"]  # no server path over HTTP


def test_bad_parameters_are_checked_before_the_index(tmp_path):
    """A 400 stays a 400 whether or not there is an index."""
    client = create_app(tmp_path / "nothing-here").test_client()
    assert client.get(q(q="Iran", per_page=0)).status_code == 400
    assert client.get(q(q="Iran", format="xml")).status_code == 400


# ------------------------------------------------------------------ exports


def test_csv_export_streams_every_hit(client):
    response = client.get(q(q="US", format="csv"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    today = dt.date.today().isoformat()
    assert response.headers["Content-Disposition"] == f'attachment; filename="us-{today}.csv"'
    assert response.headers["X-Total-Rows"] == response.headers["X-Total-Matches"] == "35"
    assert response.headers["X-Export-Limit"] == str(EXPORT_LIMIT)
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + 35  # more than any page: per_page stops at 100, default 10
    flat = client.get(q(q="US", group="paragraph", per_page=100)).get_json()["hits"]
    assert [(r[0], int(r[1])) for r in rows[1:]] == [
        (h["article_id"], h["paragraphs"][0]["number"]) for h in flat]
    first = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert first["source"] == "CNN" and first["date"] == "2020-12-31"
    assert first["text"] == flat[0]["paragraphs"][0]["text"]
    assert float(first["score"]) == flat[0]["score"]


def test_a_capped_export_says_so_in_its_last_line(seed_index):
    from searchsvc.app import create_app
    from searchsvc.settings import Settings

    capped = create_app(seed_index, Settings(export_limit=5)).test_client()
    response = capped.get(q(q="US", format="csv"))
    assert (response.headers["X-Total-Rows"], response.headers["X-Total-Matches"]) == ("5", "35")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1 + 5 + 1
    assert rows[-1][0] == ("# truncated: the first 5 of 35 matching paragraphs; narrow the search"
                           " (from=, to=, source=) to export the rest")
    lines = capped.get(q(q='"Persian Gulf" OR Soleimani', format="jsonl")).get_data(
        as_text=True).splitlines()
    assert len(lines) == 6
    assert json.loads(lines[-1])["truncated"] is True and json.loads(lines[-1])["rows"] == 5
    name = capped.get(q(q='"Persian Gulf" OR Soleimani', format="jsonl")).headers[
        "Content-Disposition"]
    assert name == f'attachment; filename="persian-gulf-or-soleimani-{dt.date.today()}.jsonl"'


def test_jsonl_export_streams_every_hit(client):
    response = client.get(q(q="", format="jsonl", sort="oldest", page=3, per_page=5))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-ndjson; charset=utf-8"
    lines = response.get_data(as_text=True).splitlines()
    assert len(lines) == 59 == int(response.headers["X-Total-Rows"])  # page/per_page ignored
    row_schema = {**DOC["components"]["schemas"]["ExportRow"], "components": DOC["components"]}
    validator = OAS31Validator(row_schema, format_checker=oas31_format_checker)
    rows = [json.loads(line) for line in lines]
    for row in rows:
        validator.validate(row)
    assert [(r["article_id"][:3], r["paragraph"]) for r in rows[:2]] == [("003", 1), ("003", 2)]
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert "<mark>" not in response.get_data(as_text=True)


def test_exports_from_the_server(server):
    status, content_type, body = fetch(server, q(q="Soleimani", format="jsonl"))
    assert (status, content_type) == (200, "application/x-ndjson; charset=utf-8")
    assert len(body.decode().splitlines()) == 13
    status, content_type, body = fetch(server, q(q="Soleimani", source="CNN", format="csv"))
    assert (status, content_type) == (200, "text/csv; charset=utf-8")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert len(rows) == 6 and {r[3] for r in rows[1:]} == {"CNN"}


def test_security_headers_on_api_answers(client):
    response = client.get(q(q="Iran"))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


# ------------------------------------------------------------------ odd articles


@pytest.fixture(scope="module")
def tiny_client(tiny_index):
    return create_app(tiny_index).test_client()


@pytest.mark.parametrize("path", [
    q(q="widgets"),
    q(q="widgets", sort="newest", group="paragraph"),
    q(q="gadgets", group="paragraph"),
    q(q="script"),
    q(q=""),
    "/api/articles/d",
    "/api/articles/e",
    "/api/paragraphs/a%231/related",
    "/api/paragraphs/e%230/related",
    "/api/sources",
    "/api/health",
])
def test_undated_and_title_only_articles_match_the_contract(tiny_client, path):
    status, content_type, body = get(tiny_client, path)
    assert status == 200, body[:300]
    validate(path, status, content_type, body)


def test_undated_and_title_only_articles(tiny_client):
    data = tiny_client.get(q(q="", sort="oldest")).get_json()
    assert [(h["article_id"], h["date"]) for h in data["hits"]] == [
        ("a", "2019-05-02"), ("b", "2020-01-15"), ("e", "2020-06-01"), ("c", "2020-12-31"),
        ("d", None)]
    title_only = data["hits"][2]["paragraphs"]
    assert title_only == [{"id": "e#0", "number": 0, "score": title_only[0]["score"],
                           "snippet": "", "text": "", "opening": False}]
    assert tiny_client.get("/api/articles/e").get_json()["paragraphs"] == []
    rows = list(csv.DictReader(io.StringIO(
        tiny_client.get(q(q="", sort="oldest", format="csv")).get_data(as_text=True))))
    assert [(r["article_id"], r["paragraph"], r["date"]) for r in rows] == [
        ("a", "1", "2019-05-02"), ("a", "2", "2019-05-02"), ("b", "1", "2020-01-15"),
        ("e", "0", "2020-06-01"), ("c", "1", "2020-12-31"), ("d", "1", "")]
    lines = tiny_client.get(q(q="", sort="oldest", format="jsonl")).get_data(as_text=True)
    assert json.loads(lines.splitlines()[-1])["date"] is None
    snippet = tiny_client.get(q(q="script")).get_json()["hits"][0]["paragraphs"][0]["snippet"]
    assert snippet.startswith("The page said &lt;<mark>script</mark>&gt;alert(1)&lt;/")
    assert "&amp;amp;" in snippet


def test_csv_export_neutralises_spreadsheet_formulas(tmp_path):
    from searchsvc import indexer as index_module
    from searchsvc.app import create_app

    export = tmp_path / "formulas.jsonl"
    export.write_text(json.dumps({
        "id": "f1", "title": "@SUM(A1:A9)", "source": "Desk", "date": "2021-01-02",
        "paragraphs": ["=HYPERLINK(\"http://example.invalid\") formula inside a news paragraph"],
    }) + "\n", encoding="utf-8")
    index_module.build(tmp_path / "ix", jsonl=export)
    body = create_app(tmp_path / "ix").test_client().get("/api/search?q=formula&format=csv")
    rows = list(csv.DictReader(io.StringIO(body.get_data(as_text=True))))
    assert [(r["title"], r["text"][:11]) for r in rows] == [("'@SUM(A1:A9)", "'=HYPERLINK")]


def test_contract_is_generated_from_the_models():
    """Each response schema lists exactly its model's fields, and each search parameter's
    choices are the ones the validation accepts: one description, no hand-written copy."""
    import dataclasses

    from searchsvc import models
    from searchsvc.params import search_request
    from searchsvc.settings import Settings

    schemas = DOC["components"]["schemas"]
    for name in ("Hit", "ParagraphHit", "Bucket", "Suggestion", "ExportRow", "Article",
                 "Paragraph", "Source", "Health"):
        fields = [f.name for f in dataclasses.fields(getattr(models, name))]
        assert list(schemas[name]["properties"]) == fields, name
        assert schemas[name]["required"] == fields, name
    params = {p["name"]: p["schema"] for p in DOC["paths"]["/api/search"]["get"]["parameters"]}
    for name in ("sort", "group"):
        for choice in params[name]["enum"]:
            assert getattr(search_request({name: choice.upper()}, Settings()), name) == choice
        with pytest.raises(Exception, match=f"must be one of {', '.join(params[name]['enum'])}"):
            search_request({name: "nope"}, Settings())


def test_an_answers_choices_are_the_parameters_choices():
    """sort and group are spelled twice, as the parameters' choices (params.py) and as the
    answer's (models.py): the two lists are the same, in the same order."""
    params = {p["name"]: p["schema"] for p in DOC["paths"]["/api/search"]["get"]["parameters"]}
    answer = DOC["components"]["schemas"]["SearchResponse"]["properties"]
    assert params["sort"]["enum"] == answer["sort"]["enum"] == ["relevance", "newest", "oldest"]
    assert params["group"]["enum"] == answer["group"]["enum"] == ["article", "paragraph"]


def test_answers_keep_the_contracts_key_order(client):
    """Keys come in the models' field order, as the document lists them (Flask would sort
    them alphabetically unless told not to)."""
    schemas = DOC["components"]["schemas"]
    body = client.get(q(q="Soleimani")).get_json()
    assert list(body) == list(schemas["SearchResponse"]["properties"])
    assert list(body)[:3] == ["query", "filters", "sort"]
    assert list(body["hits"][0]) == list(schemas["Hit"]["properties"])
    assert list(client.get("/api/health").get_json()) == list(schemas["Health"]["properties"])


def test_a_query_too_long_is_refused_with_what_is_allowed(client):
    words = ["".join(letters) for letters in itertools.product("bcdfghjk", repeat=3)][:121]
    for text, message in (
        (" ".join(words), "q has 121 words; a search may have at most 120"),
        ("x" * 2001, "q is 2,001 characters long; a search may have at most 2,000"),
    ):
        response = client.get(q(q=text))
        assert response.status_code == 400
        assert response.get_json() == {"error": {"code": "query_too_long", "message": message,
                                                 "param": "q"}}
    # 120 distinct words (1,000 made whoosh's matcher tree overflow the stack) are answered.
    response = client.get(q(q=" ".join(words[:120])))
    assert response.status_code == 200
    assert response.get_json()["total"] == {"paragraphs": 0, "articles": 0, "folded": 0}


def test_no_spelling_help_for_a_very_long_word(client):
    """Did-you-mean's cost grows with the word (docs/whoosh.md, trap 13): past 30 letters
    there is none; a close spelling of a shorter word is still offered."""
    assert client.get(q(q="Fakrizadeh" + "x" * 21)).get_json()["suggestion"] is None
    assert client.get(q(q="Fakrizadeh")).get_json()["suggestion"]["q"] == "Fakhrizadeh"


# ------------------------------------------------------------------ Atom feed (alerts)


def test_a_search_as_an_atom_feed_newest_first(client):
    import feedparser

    response = client.get("/api/search?q=Soleimani&sort=oldest&page=2&format=atom")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.bozo_exception  # well-formed, and Atom
    assert feed.version == "atom10"
    assert feed.feed.title == "News archive: Soleimani"
    assert feed.feed.subtitle == "4 articles match; the newest 4 are here"
    # newest first whatever sort= and page= say; one entry per article
    assert [e.updated[:10] for e in feed.entries] == [
        "2020-12-31", "2020-12-31", "2020-12-11", "2020-12-10"]
    assert [e.id for e in feed.entries] == [
        f"http://127.0.0.1:8000/articles/{a}" for a in (CNN, ESTA, AMN, ZH)]
    first = feed.entries[0]
    assert first.title == ("US defense officials divided over potential for Iranian attack"
                           " on eve of grim anniversary")
    # from the address `serve` listens on by default, not from the test client's Host
    assert first.link == f"http://127.0.0.1:8000/articles/{CNN}?q=Soleimani#p13"
    assert first.author == "CNN"
    # the snippet, as HTML (feed readers show the mark; feedparser's sanitizer drops it)
    assert first.summary_detail.type == "text/html"
    assert first.summary.startswith("After Soleimani was killed in Iraq")
    assert "&lt;mark&gt;Soleimani&lt;/mark&gt; was killed" in response.get_data(as_text=True)
    assert feed.entries[1].title.startswith("ESTA: ")  # untitled: source and first words
    self_link = next(link for link in feed.feed.links if link.rel == "self")
    assert self_link.href == ("http://127.0.0.1:8000/api/search"
                              "?q=Soleimani&sort=oldest&page=2&format=atom")


def test_atom_feed_keeps_filters_and_errors_stay_json(client):
    import feedparser

    feed = feedparser.parse(client.get("/api/search?q=Soleimani&source=amn&format=atom")
                            .get_data())
    assert [e.author for e in feed.entries] == ["AMN"]
    bad = client.get("/api/search?q=Soleimani&from=2020-13&format=atom")
    assert bad.status_code == 400 and bad.get_json()["error"]["param"] == "from"


def test_article_export_follows_the_pages(client):
    response = client.get("/api/search?q=bombers+Minot&format=csv&rows=article")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="bombers-minot-articles-')
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    page = client.get("/api/search?q=bombers+Minot&per_page=100").get_json()
    # one row per article, in the page's order, with its score and its best paragraph
    assert [(r["article_id"], int(r["paragraph"]), float(r["score"])) for r in rows] == [
        (h["article_id"], h["paragraphs"][0]["number"], h["score"]) for h in page["hits"]]
    assert response.headers["X-Total-Rows"] == response.headers["X-Total-Matches"] == str(
        page["total"]["articles"])
    newest = client.get("/api/search?q=bombers&format=jsonl&rows=article&sort=newest")
    lines = [json.loads(line) for line in newest.get_data(as_text=True).splitlines()]
    dates = [line["date"] for line in lines]
    assert dates == sorted(dates, reverse=True) and len(lines) == len({line["article_id"]
                                                                        for line in lines})
    bad = client.get("/api/search?q=bombers&format=csv&rows=articles")
    assert bad.status_code == 400 and bad.get_json()["error"]["param"] == "rows"


def test_did_you_mean_is_skipped_past_the_time_budget_and_says_so(seed_index):
    from searchsvc.app import create_app
    from searchsvc.settings import Settings

    on_time = create_app(seed_index).test_client().get("/api/search?q=bombrs").get_json()
    assert on_time["suggestion"]["q"] == "bombers" and on_time["skipped"] == []
    hurried = create_app(seed_index, Settings(optional_budget_ms=0)).test_client()
    late = hurried.get("/api/search?q=bombrs").get_json()
    assert (late["suggestion"], late["skipped"]) == (None, ["suggestion"])
    assert late["hits"] == on_time["hits"]  # the results themselves are the same
    page = hurried.get("/?q=bombrs").get_data(as_text=True)
    assert "Spelling suggestions were not looked for" in page
    assert hurried.get("/api/search?q=bombers").get_json()["skipped"] == []  # not needed
