"""Batch search: a list counted one row per query equals the single searches of its lines,
bad lines carry their error, the job outlives the app, and its table exports."""

from __future__ import annotations

import csv
import io
import json
import socket
import time
from dataclasses import replace
from pathlib import Path

import pytest
from openapi_schema_validator import OAS31Validator, oas31_format_checker

from searchsvc import indexer as index
from searchsvc.app import create_app
from searchsvc.batch import MAX_QUERIES
from searchsvc.batch.count import Outcome
from searchsvc.batch.input import Item, read_items
from searchsvc.batch.store import FILE, BatchStore, Job
from searchsvc.batch.table import eta_seconds
from searchsvc.batch_api import RUNNER
from searchsvc.openapi import REF, openapi_document
from searchsvc.search.tally import Tally
from tests.paths import CORPORA, SEEDS
from tests.test_trust import reuters_slice  # noqa: F401 - the fixture, shared

SEED_LIST = 'Soleimani\n"Quds Force"\n(unclosed\nZzyzxnobody\n'
DOC = openapi_document()


def conforms(body: object, path: str, method: str, status: int) -> None:
    """``body`` is what the contract says this answer is (its schemas are exact)."""
    content = DOC["paths"][path][method]["responses"][str(status)]["content"]
    assert_schema(body, content["application/json"]["schema"])


def assert_schema(body: object, schema: dict) -> None:
    validator = OAS31Validator({**schema, "components": DOC["components"]},
                               format_checker=oas31_format_checker)
    assert [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)] == []


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seed index of this module's own: the jobs file it gets is no other test's."""
    root = tmp_path_factory.mktemp("batch-seed-index")
    index.build(root, SEEDS)
    return root


@pytest.fixture(scope="module")
def app(folder: Path):
    app = create_app(folder)
    yield app
    app.extensions[RUNNER].stop()


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def finished(client, job_id: str) -> dict:
    """The job once done (the runner counts in the background; at most 30 s)."""
    for _ in range(600):
        body = client.get(f"/api/batch/{job_id}").get_json()
        conforms(body, "/api/batch/{id}", "get", 200)
        if body["state"] == "done":
            return body
        time.sleep(0.05)
    raise AssertionError(f"batch {job_id} is still {body['state']}: {body['done']} done")


def submit(client, data, content_type="text/plain", query: str = "") -> dict:
    response = client.post(f"/api/batch{query}", data=data, content_type=content_type)
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    conforms(body, "/api/batch", "post", 202)
    assert response.headers["Location"] == body["links"]["status"]
    return finished(client, body["id"])


def totals(row: dict) -> tuple:
    return row["articles"], row["paragraphs"]


# ------------------------------------------------------------------ rows equal single searches


def test_rows_equal_the_single_searches_of_their_lines(client):
    job = submit(client, SEED_LIST)
    assert (job["total"], job["done"], job["errors"], job["progress"]) == (4, 4, 1, 1.0)
    rows = job["rows"]
    assert [row["line"] for row in rows] == [1, 2, 3, 4]
    for row in (rows[0], rows[1], rows[3]):
        single = client.get("/api/search", query_string={"q": row["query"]}).get_json()
        assert totals(row) == (single["total"]["articles"], single["total"]["paragraphs"])
        assert row["error"] is None
    assert [totals(row) for row in rows] == [(4, 13), (4, 4), (None, None), (0, 0)]
    soleimani = rows[0]
    assert (soleimani["first"], soleimani["latest"]) == ("2020-12-10", "2020-12-31")
    # four sources, one article each: the first three by name
    assert soleimani["top_sources"] == [{"source": "AMN", "articles": 1},
                                        {"source": "CNN", "articles": 1},
                                        {"source": "ESTA", "articles": 1}]
    assert soleimani["search"] == "http://localhost/?q=Soleimani"
    assert rows[3]["top_sources"] == [] and rows[3]["first"] is None
    # the rejected line: the error a strict single search gets, the rest counted
    strict = client.get("/api/search", query_string={"q": "(unclosed", "strict": "true"})
    assert strict.status_code == 400
    assert rows[2]["error"] == {"code": "invalid_query",
                                "message": strict.get_json()["error"]["message"]}
    assert rows[2]["error"]["message"] == "q: '(' is never closed at character 1"


def test_variants_on_and_off_and_quoted_lines_stay_exact(client):
    lines = 'Suleimani\nSoleimani\n"Soleimani"\n'
    variants = submit(client, lines)["rows"]
    exact = submit(client, lines, query="?fuzzy=false")["rows"]
    assert [totals(r) for r in variants] == [(4, 13), (4, 13), (3, 11)]
    assert [totals(r) for r in exact] == [(1, 2), (3, 11), (3, 11)]
    for row in exact:
        single = client.get("/api/search", query_string={"q": row["query"], "fuzzy": "false"})
        assert totals(row) == tuple(single.get_json()["total"][k] for k in ("articles",
                                                                            "paragraphs"))
        assert row["search"].endswith("&fuzzy=false")


def test_a_row_says_how_many_articles_hold_every_word(client):
    """Too few articles hold both words: the search counts those with most of them too."""
    row = submit(client, "Soleimani Zzyzxnobody\n")["rows"][0]
    single = client.get("/api/search", query_string={"q": row["query"]}).get_json()
    assert single["query"]["relaxed"] is True
    assert (row["articles"], row["all_words"]) == (single["total"]["articles"], 0) == (4, 0)


def test_a_csv_with_filters_equals_the_filtered_searches(client):
    table = ("Name,query,source,from,to\n"
             "a,Soleimani,CNN;Zero Hedge,,\n"
             "b,Soleimani,,2020-12-11,2020-12-31\n"
             "c,Soleimani,,2020-13,\n")
    job = submit(client, table, content_type="text/csv")
    rows = job["rows"]
    assert [row["line"] for row in rows] == [2, 3, 4]
    assert rows[0]["source"] == ["CNN", "Zero Hedge"]
    for row in rows[:2]:
        single = client.get("/api/search", query_string={
            "q": "Soleimani", "source": row["source"], "from": row["from"] or "",
            "to": row["to"] or ""}).get_json()
        assert totals(row) == (single["total"]["articles"], single["total"]["paragraphs"])
    assert [totals(row)[0] for row in rows[:2]] == [2, 3]
    assert rows[1]["first"] == "2020-12-11"  # the filter's, not the archive's 2020-12-10
    assert rows[2]["error"]["code"] == "invalid_date"
    assert rows[0]["search"] == ("http://localhost/?q=Soleimani&source=CNN"
                                 "&source=Zero+Hedge")


def test_a_json_body(client):
    job = submit(client, json.dumps({"queries": ["Soleimani", {"query": "Soleimani",
                                                               "source": "AMN"}]}),
                 content_type="application/json")
    single = client.get("/api/search?q=Soleimani&source=AMN").get_json()["total"]
    assert [totals(row) for row in job["rows"]] == [(4, 13), (1, 4)] \
        == [(4, 13), (single["articles"], single["paragraphs"])]
    assert job["rows"][1]["top_sources"] == [{"source": "AMN", "articles": 1}]


# ------------------------------------------------------------------ exports


def test_exports_have_one_row_per_query(client):
    job = submit(client, SEED_LIST + "-Zzyzxnobody Soleimani\n")
    csv_answer = client.get(job["links"]["csv"])
    assert csv_answer.status_code == 200
    assert csv_answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_answer.headers["X-Total-Rows"] == "5"
    records = list(csv.DictReader(io.StringIO(csv_answer.get_data(as_text=True))))
    assert len(records) == 5
    assert [r["articles"] for r in records] == ["4", "4", "", "0", "4"]
    assert records[2]["error_code"] == "invalid_query"
    assert records[0]["top_sources"] == "AMN (1); CNN (1); ESTA (1)"
    assert records[4]["query"] == "'-Zzyzxnobody Soleimani"  # not a formula in a spreadsheet
    jsonl = client.get(job["links"]["jsonl"])
    assert jsonl.headers["Content-Type"] == "application/x-ndjson; charset=utf-8"
    lines = jsonl.get_data(as_text=True).splitlines()
    assert len(lines) == 5
    assert [json.loads(line) for line in lines] == job["rows"]
    for line in lines:
        assert_schema(json.loads(line), {"$ref": REF.format(model="BatchRow")})


def test_status_alone_and_pages_of_rows(client):
    job = submit(client, SEED_LIST)
    alone = client.get(f"/api/batch/{job['id']}?limit=0").get_json()
    assert alone["rows"] == [] and alone["done"] == 4
    page = client.get(f"/api/batch/{job['id']}?offset=1&limit=2").get_json()
    assert (page["offset"], [r["line"] for r in page["rows"]]) == (1, [2, 3])


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize("data, content_type, status, code", [
    ("", "text/plain", 400, "empty_batch"),
    ("\n  \n\n", "text/plain", 400, "empty_batch"),
    ("Iran\n" * (MAX_QUERIES + 1), "text/plain", 400, "batch_too_long"),
    ("name,place\nIran,Tehran\n", "text/csv", 400, "invalid_batch"),
    ('{"names": ["Iran"]}', "application/json", 400, "invalid_batch"),
    ("x" * (5 * 2**20), "text/plain", 413, "batch_too_large"),
])
def test_bad_lists_are_refused_with_the_error_body(client, data, content_type, status, code):
    response = client.post("/api/batch", data=data, content_type=content_type)
    assert (response.status_code, response.get_json()["error"]["code"]) == (status, code)
    assert response.get_json()["error"]["param"] == "queries"
    conforms(response.get_json(), "/api/batch", "post", status)


def test_too_many_lines_says_how_many(client):
    response = client.post("/api/batch", data="Iran\n" * (MAX_QUERIES + 5))
    assert response.get_json()["error"]["message"] == \
        "the list has 10,005 queries; a batch may have at most 10,000"


def test_an_unknown_job_and_bad_parameters(client):
    missing = client.get("/api/batch/0123456789abcdef")
    assert (missing.status_code, missing.get_json()["error"]["code"]) == (404, "batch_not_found")
    conforms(missing.get_json(), "/api/batch/{id}", "get", 404)
    bad = client.post("/api/batch?fuzzy=maybe", data="Iran")
    assert (bad.status_code, bad.get_json()["error"]["param"]) == (400, "fuzzy")
    job = submit(client, "Iran")
    wrong = client.get(f"/api/batch/{job['id']}?format=xls")
    assert (wrong.status_code, wrong.get_json()["error"]["param"]) == (400, "format")


# ------------------------------------------------------------------ jobs outlive the app


def test_a_finished_job_survives_a_restart(folder: Path):
    first = create_app(folder)
    job = submit(first.test_client(), SEED_LIST)
    first.extensions[RUNNER].stop()
    again = create_app(folder)  # a new server process on the same index folder
    try:
        seen = again.test_client().get(f"/api/batch/{job['id']}").get_json()
    finally:
        again.extensions[RUNNER].stop()
    assert seen == job
    assert (folder / FILE).is_file()


def test_an_unfinished_job_is_resumed_when_the_app_starts(tmp_path: Path):
    """A job whose server died mid-way (its owner a process that is gone, two rows saved):
    the next app counts the rest."""
    index.build(tmp_path, SEEDS)
    store = BatchStore(tmp_path / FILE)
    items = read_items(SEED_LIST)
    job_id = store.create(items, fuzzy=True)
    gone = _gone_pid()
    owner = f"{socket.gethostname()}:{gone}:dead"
    assert store.claim(owner, lambda job: True) is not None
    assert store.save(job_id, owner, [(0, Outcome(Tally(99, 99, 99, None, None, ())))])
    app = create_app(tmp_path)
    try:
        job = finished(app.test_client(), job_id)
    finally:
        app.extensions[RUNNER].stop()
    # the saved row stays as it was saved; the others are counted now
    assert [totals(row) for row in job["rows"]] == [(99, 99), (4, 4), (None, None), (0, 0)]


def _gone_pid() -> int:
    """The id of a process that has just ended."""
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_job_another_process_counts_is_left_to_it(tmp_path: Path):
    store = BatchStore(tmp_path / FILE)
    job_id = store.create([Item(1, "Iran")], fuzzy=True)
    assert store.claim("host:1:first", lambda job: False).owner == "host:1:first"
    assert store.claim("host:2:second", lambda job: False) is None  # its owner is alive
    assert store.claim("host:2:second", lambda job: True).owner == "host:2:second"  # stale
    assert not store.save(job_id, "host:1:first", [])  # the first lost it: nothing saved
    assert store.save(job_id, "host:2:second", [])
    assert store.finish(job_id, "host:2:second", now=1000.0)
    assert store.job(job_id).state == "done"
    assert store.prune(before=1000.0) == 0  # finished at 1000: kept
    assert store.prune(before=1000.5) == 1
    assert store.job(job_id) is None and store.rows(job_id) == []


def test_the_eta_is_this_runs_pace():
    job = Job(id="a", created=0, fuzzy=True, total=150, done=50, errors=0, state="running",
              owner="o", heartbeat=110, started=10, run_started=100, run_done=0, finished=None)
    assert eta_seconds(job, now=110) == 20
    assert eta_seconds(job, now=100) is None
    assert eta_seconds(replace(job, done=0), now=110) is None
    assert eta_seconds(replace(job, state="done"), now=110) is None


# ------------------------------------------------------------------ reading the list


def test_lists_and_csvs_are_read_with_their_line_numbers():
    assert read_items("\ufeff Iran \n\n\"Quds Force\"\n") == [
        Item(1, "Iran"), Item(3, '"Quds Force"')]
    assert read_items("QUERY,Source,from\nIran,CNN; AMN ,2020\n,x,\nIraq,,\n") == [
        Item(2, "Iran", ("CNN", "AMN"), "2020"), Item(4, "Iraq")]
    # a list whose first line is not a header with a query column is a list
    assert read_items("Smith, John\nquery languages\n") == [
        Item(1, "Smith, John"), Item(2, "query languages")]
    assert read_items("query\nIran\n", kind="lines") == [Item(1, "query"), Item(2, "Iran")]


# ------------------------------------------------------------------ Reuters


@pytest.mark.corpora
@pytest.mark.skipif(not (CORPORA / "reuters21578").is_dir(), reason="no Reuters corpus")
def test_twenty_reuters_names_count_as_twenty_single_searches(reuters_slice,  # noqa: F811
                                                                tmp_path: Path):
    root = tmp_path / "index"
    index.build(root, reuters_slice)
    with (reuters_slice / "catalog.csv").open(encoding="utf-8", newline="") as handle:
        found = sorted({value.replace("-", " ") for row in csv.DictReader(handle)
                        for column in ("people", "orgs") for value in row[column].split(";")
                        if value})
    names = found[:20]
    assert len(names) == 20
    app = create_app(root)
    try:
        client = app.test_client()
        rows = submit(client, "\n".join(names))["rows"]
        singles = [client.get("/api/search", query_string={"q": name}).get_json()["total"]
                   for name in names]
    finally:
        app.extensions[RUNNER].stop()
    assert [row["query"] for row in rows] == names
    assert [totals(row) for row in rows] == [(s["articles"], s["paragraphs"]) for s in singles]
    assert sum(row["articles"] for row in rows) > 20  # names that are found, not only zeros


def test_a_jobs_file_that_cannot_be_written_is_a_503_and_search_goes_on(folder: Path,
                                                                        tmp_path: Path):
    app = create_app(folder, BATCH_STORE=str(tmp_path))  # a folder, not a file sqlite can open
    client = app.test_client()
    refused = client.post("/api/batch", data="Iran")
    assert (refused.status_code, refused.get_json()["error"]["code"]) == \
        (503, "batch_unavailable")
    assert str(tmp_path) not in refused.get_data(as_text=True)
    conforms(refused.get_json(), "/api/batch", "post", 503)
    assert client.get("/api/search?q=Soleimani").status_code == 200
    page = client.post("/batch", data={"queries": "Iran"}, content_type="multipart/form-data")
    assert page.status_code == 503
    assert "batch jobs cannot be kept now" in page.get_data(as_text=True)


# ------------------------------------------------------------------ the command line


def test_the_command_prints_the_same_rows(folder: Path, tmp_path: Path, capsys, client):
    from searchsvc.cli import main

    names = tmp_path / "names.txt"
    names.write_text(SEED_LIST, encoding="utf-8")
    assert main(["batch", str(names), "--index", str(folder), "--format", "jsonl"]) == 0
    printed = capsys.readouterr()
    rows = [json.loads(line) for line in printed.out.splitlines()]
    served = submit(client, SEED_LIST)["rows"]
    for row in served:
        row["search"] = row["search"].removeprefix("http://localhost")
    assert rows == served
    assert printed.err == "1 of 4 lines not counted (the error is in their row)\n"
    assert main(["batch", str(names), "--index", str(folder)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "query         articles  paragraphs       first      latest  top sources",
        "Soleimani            4          13  2020-12-10  2020-12-31  AMN (1); CNN (1); ESTA (1)",
        '"Quds Force"         4           4  2020-12-10  2020-12-31  AMN (1); CNN (1); ESTA (1)',
        "(unclosed     error: q: '(' is never closed at character 1",
        "Zzyzxnobody          0           0           -           -",
    ]


def test_the_command_reads_standard_input_and_refuses_an_empty_list(folder: Path, capsys,
                                                                     monkeypatch):
    from searchsvc.cli import main

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"query\nSoleimani\n")))
    assert main(["batch", "-", "--index", str(folder), "--format", "csv"]) == 0
    records = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["line"], r["query"], r["articles"]) for r in records] == [("2", "Soleimani", "4")]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\n\n")))
    assert main(["batch", "-", "--index", str(folder)]) == 2
    assert capsys.readouterr().err == ("error: -: the list has no queries: give one query a"
                                       " line, or a CSV with a query column\n")
