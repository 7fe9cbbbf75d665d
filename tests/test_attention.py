"""Attention over time on the seed corpus and the tiny corpus: a series is the search's day
facet (every version counted) over the articles of each day, week or month, counted here
independently from the seeds' catalog; the API's JSON matches its contract, the CSV has
exactly the rows expected, the links open the period's search, and bad input is a 400
naming the parameter and the query.

Seed dates (seeds/catalog.csv): CNN and ESTA 2020-12-31 (a Thursday, ISO week 53, whose
Monday is 28 Dec), AMN 2020-12-11 and Zero Hedge 2020-12-10 (the week of Monday 7 Dec).
Read off the search: "drone" is in Zero Hedge, CNN and ESTA; "Israel" in Zero Hedge and
AMN; "Pentagon" in Zero Hedge and one of 31 Dec; "nuclear" in all but one of 31 Dec.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import urllib.parse
from collections import Counter

import pytest

from searchsvc.attention_models import AttentionRequest
from searchsvc.models import SearchRequest
from tests.paths import SEEDS
from tests.test_api import validate

SEED_DAYS = Counter(row["date"] for row in csv.DictReader(
    (SEEDS / "catalog.csv").open(encoding="utf-8")))
DECEMBER = [f"2020-12-{day:02d}" for day in range(10, 32)]


def attention_url(*queries: str, **params) -> str:
    return "/api/attention?" + urllib.parse.urlencode({"q": list(queries), **params},
                                                      doseq=True)


def day_facet(engine, q: str, **filters) -> dict[str, int]:
    """Articles per day of the search for ``q``, every version counted."""
    found = engine.search(SearchRequest(q=q, collapse=False, **filters))
    assert not found.relaxed  # complete matches only: the facet counts no partial ones
    return {b.value: b.articles for b in found.facets["day"]}


@pytest.mark.parametrize("queries", [("drone", "Israel"), ("Tehran", "Pentagon", "nuclear")])
def test_a_daily_series_is_the_day_facet_over_the_articles_of_the_day(engine, queries):
    found = engine.attention(AttentionRequest(queries, "day"))
    assert [p.period for p in found.periods] == DECEMBER  # empty days included
    assert [p.articles for p in found.periods] == [SEED_DAYS.get(d, 0) for d in DECEMBER]
    assert [(p.first_day, p.last_day) for p in found.periods] == [(d, d) for d in DECEMBER]
    assert found.articles == 4 and found.undated == 0
    for q, series in zip(queries, found.series, strict=True):
        facet = day_facet(engine, q)
        assert series.q == q
        assert [p.matching for p in series.points] == [facet.get(d, 0) for d in DECEMBER]
        assert [p.share for p in series.points] == [
            facet.get(d, 0) / SEED_DAYS[d] if SEED_DAYS.get(d) else None for d in DECEMBER]
        assert series.matching == sum(facet.values()) > 0


def test_the_shares_a_reader_sees_on_the_seeds(engine):
    by_day = engine.attention(AttentionRequest(("drone", "Israel"), "day"))
    shares = [{p.period: p.share for p in s.points if p.share is not None}
              for s in by_day.series]
    assert shares == [{"2020-12-10": 1.0, "2020-12-11": 0.0, "2020-12-31": 1.0},
                      {"2020-12-10": 1.0, "2020-12-11": 1.0, "2020-12-31": 0.0}]
    by_week = engine.attention(AttentionRequest(("Pentagon", "nuclear"), "week"))
    assert [(p.period, p.first_day, p.last_day, p.articles) for p in by_week.periods] == [
        ("2020-12-07", "2020-12-07", "2020-12-13", 2),
        ("2020-12-14", "2020-12-14", "2020-12-20", 0),
        ("2020-12-21", "2020-12-21", "2020-12-27", 0),
        ("2020-12-28", "2020-12-28", "2021-01-03", 2)]
    assert [[p.share for p in s.points] for s in by_week.series] == [
        [0.5, None, None, 0.5], [1.0, None, None, 0.5]]
    by_month = engine.attention(AttentionRequest(("Pentagon", "nuclear"), "month"))
    assert [(p.period, p.articles) for p in by_month.periods] == [("2020-12", 4)]
    assert [[(p.matching, p.share) for p in s.points] for s in by_month.series] == [
        [(2, 0.5)], [(3, 0.75)]]


def test_filters_narrow_both_counts_and_clip_the_periods(engine):
    """With source=Zero Hedge and AMN the denominator is theirs; from/to clip the month to
    the days asked for."""
    found = engine.attention(AttentionRequest(("drone", "Israel"), "month",
                                              sources=("Zero Hedge", "AMN"),
                                              date_from="2020-12-11", date_to="2020-12-31"))
    assert [(p.period, p.first_day, p.last_day, p.articles) for p in found.periods] == [
        ("2020-12", "2020-12-11", "2020-12-31", 1)]  # AMN alone: Zero Hedge is of the 10th
    assert [[(p.matching, p.share) for p in s.points] for s in found.series] == [
        [(0, 0.0)], [(1, 1.0)]]
    # A Wednesday to a Tuesday: the weeks holding them, clipped to the days asked for.
    weeks = engine.attention(AttentionRequest(("drone", "Israel"), "week",
                                              date_from="2020-12-09", date_to="2020-12-29"))
    assert [(p.period, p.first_day, p.last_day, p.articles) for p in weeks.periods] == [
        ("2020-12-07", "2020-12-09", "2020-12-13", 2),
        ("2020-12-14", "2020-12-14", "2020-12-20", 0),
        ("2020-12-21", "2020-12-21", "2020-12-27", 0),
        ("2020-12-28", "2020-12-28", "2020-12-29", 0)]
    facet = day_facet(engine, "Israel", sources=("Zero Hedge", "AMN"), date_from="2020-12-11")
    assert facet == {"2020-12-10": 1, "2020-12-11": 1}  # the facet leaves its own filter out
    assert {day: n for day, n in facet.items() if day >= "2020-12-11"} == {"2020-12-11": 1}


def test_undated_articles_are_in_neither_count(tiny_index):
    """The tiny corpus: "widgets" is in a (2019-05-02), b (2020-01-15), c (2020-12-31) and
    the undated d; e (2020-06-01) is a title about gadgets."""
    from searchsvc.archive import open_archive

    with open_archive(tiny_index) as archive:
        found = archive.attention(AttentionRequest(("widgets", "gadgets"), "month"))
    months = [p.period for p in found.periods]
    assert (months[0], months[-1], len(months)) == ("2019-05", "2020-12", 20)
    assert found.undated == 1 and found.articles == 4
    widgets, gadgets = found.series
    assert (widgets.matching, widgets.undated, gadgets.matching, gadgets.undated) == (3, 1, 2, 0)
    shares = {p.period: p.share for p in gadgets.points if p.share is not None}
    assert shares == {"2019-05": 1.0, "2020-01": 0.0, "2020-06": 1.0, "2020-12": 0.0}


# ------------------------------------------------------------------ the API


def test_the_json_answer_matches_its_contract(client):
    response = client.get(attention_url("drone", "Israel", interval="week"))
    data = validate("/api/attention", response.status_code, response.content_type,
                    response.data)
    assert response.status_code == 200
    assert data["interval"] == "week" and len(data["periods"]) == 4
    assert data["filters"] == {"source": [], "from": None, "to": None, "name": []}
    first = data["series"][0]["points"][0]
    assert first == {"period": "2020-12-07", "matching": 1, "share": 0.5,
                     "search": "http://127.0.0.1:8000/?q=drone&from=2020-12-07&to=2020-12-13"
                               "&collapse=false"}


def test_each_link_opens_the_search_that_lists_what_it_counts(client):
    data = client.get(attention_url("Pentagon", "nuclear", interval="day")).get_json()
    checked = 0
    for series in data["series"]:
        for point in series["points"]:
            query = urllib.parse.urlsplit(point["search"]).query
            listed = client.get("/api/search?" + query).get_json()
            assert listed["total"]["articles"] == point["matching"], point
            checked += point["matching"] > 0
    assert checked == 5  # Pentagon on 2 days, nuclear on 3


def test_the_csv_has_one_row_per_query_and_period(client):
    response = client.get(attention_url("-Israel drone", "drone", interval="week",
                                        format="csv"))
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="attention-israel-drone-vs-drone-{dt.date.today().isoformat()}.csv"')
    link = "http://127.0.0.1:8000/?q={q}&from={first}&to={last}&collapse=false"
    weeks = [("2020-12-07", "2020-12-13", 2), ("2020-12-14", "2020-12-20", 0),
             ("2020-12-21", "2020-12-27", 0), ("2020-12-28", "2021-01-03", 2)]
    # "-Israel drone" (drone without Israel: CNN and ESTA) is written so that a
    # spreadsheet does not read it as a formula; its link carries it as typed.
    matching = {"-Israel drone": [0, 0, 0, 2], "drone": [1, 0, 0, 2]}
    expected = [["query", "period", "first_day", "last_day", "matching", "articles", "share",
                 "search"]]
    for q, counts in matching.items():
        for (first, last, articles), count in zip(weeks, counts, strict=True):
            share = f"{count / articles:.6f}" if articles else ""
            expected.append(["'" + q if q.startswith("-") else q, first, first, last,
                             str(count), str(articles), share,
                             link.format(q=urllib.parse.quote_plus(q), first=first, last=last)])
    assert list(csv.reader(io.StringIO(response.get_data(as_text=True)))) == expected


@pytest.mark.parametrize(("params", "code", "param", "message"), [
    ({"q": ["drone"]}, "invalid_parameter", "q",
     "q is given 1 time; compare 2 to 5 queries (q=…&q=…)"),
    ({"q": ["a", "b", "c", "d", "e", "f"]}, "invalid_parameter", "q",
     "q is given 6 times; compare 2 to 5 queries (q=…&q=…)"),
    ({"q": ["drone", " ", ""]}, "invalid_parameter", "q",
     "q is given 1 time; compare 2 to 5 queries (q=…&q=…)"),
    ({"q": ["drone", "Israel"], "interval": "year"}, "invalid_parameter", "interval",
     "interval='year' must be one of day, week, month"),
    ({"q": ["drone", '"Israel strike']}, "invalid_query", "q",
     "q number 2 ('\"Israel strike'): unclosed quote at character 1"),
    ({"q": ["(drone OR", "Israel"]}, "invalid_query", "q",
     "q number 1 ('(drone OR'): "),
    ({"q": ["drone", "-Israel"]}, "invalid_query", "q",
     "q number 2 ('-Israel'): nothing to match (a query of -words alone matches no article"),
    ({"q": ["drone", "!!!"]}, "invalid_query", "q",
     "q number 2 ('!!!'): no searchable words at character 1"),
    ({"q": ["drone", "Israel"], "from": "2020-12-31", "to": "2020-12-01"}, "invalid_range",
     "from", "from (2020-12-31) is after to (2020-12-01)"),
    ({"q": ["drone", "Israel"], "interval": "day", "from": "2015", "to": "2020"},
     "invalid_parameter", "interval", "interval=day gives more than 1,000 periods from"
                                      " 2015-01-01 to 2020-12-31"),
])
def test_bad_input_is_a_400_naming_it(client, params, code, param, message):
    response = client.get("/api/attention?" + urllib.parse.urlencode(params, doseq=True))
    data = validate("/api/attention", response.status_code, response.content_type,
                    response.data)
    assert response.status_code == 400
    assert (data["error"]["code"], data["error"]["param"]) == (code, param)
    assert data["error"]["message"].startswith(message), data["error"]["message"]


def test_a_query_too_long_is_named(client):
    long_query = " ".join(["word"] * 300)
    response = client.get(attention_url("drone", long_query))
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["code"] == "query_too_long"
    assert error["message"].startswith("q number 2 ('word word") and "words" in error["message"]


# ------------------------------------------------------------------ the page (no browser)


def test_the_page_draws_one_line_per_query_and_the_table(client):
    response = client.get("/attention?q=drone&q=Israel&q=&interval=week")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('<g class="series s') == 2 and html.count("<polyline") == 4  # gaps
    assert html.count("<circle") == 4 and "style=" not in html
    assert html.count('<tr><th scope="row">') == 4
    assert '<a href="/?q=drone&amp;from=2020-12-28&amp;to=2021-01-03&amp;collapse=false">2</a>' \
        in html


def test_the_page_says_what_is_wrong_with_a_query(client):
    response = client.get('/attention?q=drone&q="Israel')
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "<svg" not in html
    assert "q number 2 (&#39;&#34;Israel&#39;): unclosed quote at character 1" \
        in html
    empty = client.get("/attention")
    assert empty.status_code == 200 and "<svg" not in empty.get_data(as_text=True)


# ------------------------------------------------------------------ the command line


def test_the_command_line_prints_the_table_csv_and_json(capsys, seed_index, client):
    from searchsvc.cli import main

    index = ["--index", str(seed_index)]
    assert main(["attention", "Pentagon", "nuclear", "--interval", "week", *index]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "week                 articles  Pentagon  nuclear",
        "week of 7 Dec 2020          2     1 50%   2 100%",
        "week of 14 Dec 2020         0       0 –      0 –",
        "week of 21 Dec 2020         0       0 –      0 –",
        "week of 28 Dec 2020         2     1 50%    1 50%",
        "",
        "4 dated articles"]
    api = client.get(attention_url("Pentagon", "nuclear", interval="day", format="csv"))
    assert main(["attention", "Pentagon", "nuclear", "--interval", "day", "--format", "csv",
                 *index]) == 0
    # The same rows, the links relative (a command line knows no server's address).
    assert capsys.readouterr().out == api.get_data(as_text=True).replace(
        "http://127.0.0.1:8000/", "/")
    assert main(["attention", "Pentagon", "nuclear", "--format", "json", *index]) == 0
    printed = json.loads(capsys.readouterr().out)
    served = client.get(attention_url("Pentagon", "nuclear")).get_json()
    printed.pop("took_ms"), served.pop("took_ms")
    assert json.dumps(printed) == json.dumps(served).replace("http://127.0.0.1:8000/", "/")
    assert main(["attention", "Pentagon", *index]) == 2
    assert capsys.readouterr().err == \
        "error: q is given 1 time; compare 2 to 5 queries (q=…&q=…)\n"


def test_the_contract_and_the_docs_describe_the_endpoint():
    from tests.paths import REPO
    from tests.test_api import DOC

    operation = DOC["paths"]["/api/attention"]["get"]
    names = [p["name"] for p in operation["parameters"]]
    assert names == ["q", "interval", "source", "from", "to", "fuzzy", "format"]
    assert set(operation["responses"]) == {"200", "400", "401", "403", "503"}
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    page = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    schemas = DOC["components"]["schemas"]
    fields = [f for name in ("AttentionResponse", "AttentionPeriod", "AttentionSeries",
                             "AttentionPoint") for f in schemas[name]["properties"]]
    for word in names + fields:
        assert f'`{word}`' in page or f'"{word}"' in page, word


def test_a_private_archive_compares_only_for_a_key_holder(seed_index, tmp_path):
    """With access keys (searchsvc keys add), attention is as private as the search."""
    import shutil

    from searchsvc.app import create_app
    from searchsvc.keys import add_key

    index = tmp_path / "index"
    shutil.copytree(seed_index, index, symlinks=True)
    key = add_key(index, "alice")
    client = create_app(index).test_client()
    refused = client.get(attention_url("drone", "Israel"))
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (401, "key_required")
    assert client.get(attention_url("drone", "Israel", format="csv")).status_code == 401
    page = client.get("/attention?q=drone&q=Israel")
    assert page.status_code == 302 and "/sign-in" in page.headers["Location"]
    allowed = client.get(attention_url("drone", "Israel"),
                         headers={"Authorization": f"Bearer {key}"})
    assert allowed.status_code == 200 and allowed.get_json()["articles"] == 4
