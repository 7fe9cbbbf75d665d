"""Whatever is typed or sent, the API answers: never a 500, always JSON (or the export asked
for), and a lenient search (the default) always 200. Hypothesis against the Flask test
client, then a few hundred odd requests against a real server on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import random
import re
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS31Validator

from searchsvc.openapi import ERROR_CODES, openapi_document

DOC = openapi_document()
SEARCH_RESPONSE = OAS31Validator({"$ref": "#/components/schemas/SearchResponse",
                                  "components": DOC["components"]})
ERROR = OAS31Validator({"$ref": "#/components/schemas/Error", "components": DOC["components"]})
PARAMS = ("q", "source", "from", "to", "sort", "group", "page", "per_page", "fuzzy", "strict",
          "format")

FUZZ = settings(max_examples=300, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

TOKENS = [
    '"', "'", "(", ")", "[", "]", "{", "}", "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "and",
    "-", "+", "*", "?", "~", "~2", "^", "^2", ":", "::", "title:", "source:", "text:", "day:",
    "foo:", "exact:", "pid:", "para:", "TITLE:", "title:(", 'source:"', "Iran", "B-52", "b52",
    "bombers", "U.S.", "Soleimani", "Suleimani", "Persian Gulf", "Qassem", "Kata’ib", "😀",
    "🇮🇷", "é", "ß", "İ", "ﬁ", "٣", "中文", "עברית", "\\", "/", "#", "%", "%00", "&", "&amp;",
    "<script>", "</mark>", "[a TO b]", "{a TO z}", "'s", "“", "”", "\u200b", "\u0301", "\x00",
    "\t", "\n", "x" * 60, "9" * 30, "*a", "a*", "Ir*n", "-(", "+-", "NOT NOT", "OR OR", "the",
    ".", "..", "...", ",", ";", "!", "=", "<>", "@", "$", "^^", "~~", "''", '""', "\\\"",
]

query_text = st.one_of(
    st.text(max_size=60),
    st.lists(st.tuples(st.sampled_from(TOKENS), st.sampled_from(["", " ", "  "])),
             max_size=12).map(lambda parts: "".join(t + s for t, s in parts)),
    st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=5)), max_size=8)
    .map(" ".join),
)

good_options = st.fixed_dictionaries({}, optional={
    "source": st.lists(st.sampled_from(["CNN", "cnn", "Zero Hedge", "BBC", "é", " "]),
                       max_size=3),
    "from": st.sampled_from(["2020", "2020-12", "2020-12-11", "1900-01-01"]),
    "sort": st.sampled_from(["relevance", "newest", "oldest", "NEWEST", ""]),
    "group": st.sampled_from(["article", "paragraph"]),
    "page": st.sampled_from(["1", "2", "10"]),  # 10 × 100 is the deepest page
    "per_page": st.sampled_from(["1", "5", "100"]),
    "fuzzy": st.sampled_from(["true", "false", "0", "on", ""]),
})


def _search(client, params):
    return client.get("/api/search?" + urllib.parse.urlencode(params, doseq=True))


def _assert_json_error(response, statuses=(400,)):
    assert response.status_code in statuses, response.data[:300]
    assert response.is_json, response.data[:300]
    body = response.get_json()
    ERROR.validate(body)
    assert body["error"]["code"] in ERROR_CODES
    return body["error"]


@FUZZ
@given(q=query_text, options=good_options)
def test_lenient_search_always_answers(client, q, options):
    response = _search(client, {"q": q, **options})
    assert response.status_code == 200, (q, options, response.data[:300])
    assert response.is_json
    data = response.get_json()
    SEARCH_RESPONSE.validate(data)
    assert data["query"]["q"] == q
    for hit in data["hits"]:
        for paragraph in hit["paragraphs"]:
            assert "<" not in re.sub(r"</?mark>", "", paragraph["snippet"])


@FUZZ
@given(q=query_text)
def test_strict_search_answers_or_says_where(client, q):
    response = _search(client, {"q": q, "strict": "true"})
    if response.status_code == 200:
        SEARCH_RESPONSE.validate(response.get_json())
        return
    error = _assert_json_error(response)
    assert (error["code"], error["param"]) == ("invalid_query", "q")
    where = re.search(r"at character (\d+)$", error["message"])
    assert where, error["message"]
    assert 1 <= int(where.group(1)) <= max(1, len(q))


param_value = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", "0", "-1", "1", "2", "100", "101", "1000", "1e3", "1.5", "٣", "１",
                     "99999999999999999999999999", "true", "false", "csv", "jsonl", "json",
                     "XML", "2020", "2020-12", "2020-12-31", "2020-02-30", "2021-13",
                     "0000", "9999-12-31", "newest", "paragraph", "CNN", "\x00", "😀"]),
)


@FUZZ
@given(params=st.lists(st.tuples(st.sampled_from(PARAMS + ("limit", "x", "")), param_value),
                       max_size=6))
def test_any_parameters_give_json_or_the_export(client, params):
    response = _search(client, params)
    if response.status_code == 200:
        if response.mimetype == "application/json":
            SEARCH_RESPONSE.validate(response.get_json())
        else:
            assert response.mimetype in ("text/csv", "application/x-ndjson"), response.mimetype
            assert int(response.headers["X-Total-Rows"]) >= 0
            response.get_data()
        return
    error = _assert_json_error(response)
    assert error["param"] in PARAMS


@FUZZ
@given(ident=st.text(max_size=40), limit=st.one_of(st.none(), param_value))
def test_articles_and_related_answer_json(client, ident, limit):
    quoted = urllib.parse.quote(ident, safe="")
    response = client.get(f"/api/articles/{quoted}")
    if response.status_code != 200:
        _assert_json_error(response, (404,))
    related = f"/api/paragraphs/{quoted}/related"
    if limit is not None:
        related += "?" + urllib.parse.urlencode({"limit": limit})
    response = client.get(related)
    if response.status_code != 200:
        _assert_json_error(response, (400, 404))
    else:
        assert response.is_json


def _weird_paths(count: int) -> list[str]:
    """Search requests a browser, a script or a fuzzer could send, some not even UTF-8."""
    rng = random.Random(20201231)
    raw = ["/api/search?q=%FF%FE", "/api/search?q=%", "/api/search?q=%zz%2", "/api/search?q=%C0%AF",
           "/api/search?q=a&q=b", "/api/search?q", "/api/search?&&&=&", "/api/search?q=%00",
           "/api/search?source=%FF&from=%FF", "/api/search?q=" + "a%20" * 2000,
           "/api/search?per_page=%FF", "/api/search?q=Iran&format=%FF",
           "/api/search?q=%E2%80%AE%E2%80%8B", "/api/search?q=x;y=z", "/api/search?q=+++"]
    paths = list(raw)
    while len(paths) < count:
        words = "".join(rng.choice(TOKENS) + rng.choice(["", " "])
                        for _ in range(rng.randint(1, 10)))
        params = {"q": words}
        if rng.random() < 0.3:
            params["strict"] = rng.choice(["true", "false"])
        if rng.random() < 0.2:
            params[rng.choice(PARAMS)] = rng.choice(TOKENS)
        paths.append("/api/search?" + urllib.parse.urlencode(params))
    return paths


def test_weird_requests_against_the_server(server):
    host, port = urllib.parse.urlsplit(server).hostname, urllib.parse.urlsplit(server).port
    connection = http.client.HTTPConnection(host, port, timeout=30)
    statuses: dict[int, int] = {}
    try:
        for path in _weird_paths(300):
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            statuses[response.status] = statuses.get(response.status, 0) + 1
            kind = response.getheader("Content-Type", "")
            assert response.status in (200, 400), (path, response.status, body[:300])
            if kind.startswith(("text/csv", "application/x-ndjson")):
                assert response.status == 200
                continue
            assert kind.startswith("application/json"), (path, kind)
            data = json.loads(body)
            if response.status == 400:
                ERROR.validate(data)
            else:
                SEARCH_RESPONSE.validate(data)
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=30)
    finally:
        connection.close()
    assert statuses.get(200, 0) > 150


@pytest.mark.parametrize("q, understood", [
    ("( ^3 ) ^3", "3"),  # whoosh parsed it to a term without a field: a 500 before
    ("NOT cocoa NOT Minot", "-cocoa -minot"),  # nothing to rank articles by: a 500 before
])
def test_queries_the_server_fuzz_broke_now_answer(client, q, understood):
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code == 200
    assert response.get_json()["query"]["understood"] == understood
