"""The names facet (issue 21): the names the matching articles mention, with article
counts, and the name= filter; on the seeds through the API, on the Reuters slice against
its catalog's people, orgs and places. The expected counts are computed here from the
texts and the catalog, not from the index."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from searchsvc import indexer as index
from searchsvc.archive import open_archive
from searchsvc.corpus import read_folder
from searchsvc.filters import value_key
from searchsvc.models import SearchRequest
from searchsvc.settings import Settings
from tests.paths import SEEDS
from tests.test_trust import REUTERS, reuters_slice  # noqa: F401  (the slice fixture)


@pytest.fixture(scope="module")
def seed_texts() -> dict[str, str]:
    """Each seed article's headline and paragraphs, as the reader extracts them."""
    return {a.id: " ".join([a.title, *a.paragraphs])
            for a in read_folder(SEEDS, lambda _problem: None)}


def naming(texts: dict[str, str], *words: str) -> set[str]:
    """The articles whose text holds every one of ``words`` (as a whole word, any case)."""
    return {article for article, text in texts.items()
            if all(re.search(rf"\b{word}\b", text, re.I) for word in words)}


def search(client, **params) -> dict:
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_search_for_iran_lists_soleimani_with_its_article_count(client, seed_texts):
    iran = naming(seed_texts, "iran")
    expected = len(iran & naming(seed_texts, "soleimani"))
    assert expected == 3  # three of the four seeds spell him so (Zero Hedge: Suleimani)
    data = search(client, q="Iran")
    assert data["total"]["articles"] == len(iran) == 4
    found = {bucket["value"]: bucket for bucket in data["names"]}
    assert found["soleimani"] == {"value": "soleimani", "name": "Soleimani", "kind": "name",
                                  "articles": expected, "selected": False}
    assert len(data["names"]) == Settings().facet_names
    counts = [bucket["articles"] for bucket in data["names"]]
    assert counts == sorted(counts, reverse=True)
    assert "december" not in found  # a month is capitalised but names no one


def test_the_name_filter_narrows_to_the_articles_naming_it(client, seed_texts):
    expected = naming(seed_texts, "iran", "soleimani")
    data = search(client, q="Iran", name="Soleimani")
    assert data["total"]["articles"] == len(expected)
    assert {hit["article_id"] for hit in data["hits"]} == expected
    assert data["filters"]["name"] == ["soleimani"]
    chosen = [(b["value"], b["articles"]) for b in data["names"] if b["selected"]]
    assert chosen == [("soleimani", len(expected))]
    assert data["names"][0]["value"] == "soleimani"  # the selected names come first
    # Counted within the filter: every other name's count is at most the total.
    assert all(b["articles"] <= len(expected) for b in data["names"])
    # The other facets are counted with it too.
    assert sum(b["articles"] for b in data["facets"]["source"]) == len(expected)


def test_several_names_must_all_be_named(client, seed_texts):
    both = naming(seed_texts, "iran", "soleimani", "pompeo")
    assert 0 < len(both) < len(naming(seed_texts, "iran", "soleimani"))
    response = client.get("/api/search?q=Iran&name=soleimani&name=Pompeo")
    data = response.get_json()
    assert data["total"]["articles"] == len(both)
    assert {hit["article_id"] for hit in data["hits"]} == both
    by_value = {b["value"]: b for b in data["names"]}
    assert by_value["pompeo"]["selected"] and by_value["soleimani"]["selected"]
    assert by_value["pompeo"]["articles"] == len(both)


def test_a_name_the_archive_does_not_have_finds_nothing_and_can_be_removed(client):
    data = search(client, q="Iran", name="Nobody")
    assert data["total"] == {"paragraphs": 0, "articles": 0, "folded": 0}
    assert data["names"] == [{"value": "nobody", "name": "nobody", "kind": "name",
                              "articles": 0, "selected": True}]
    # a catalog kind the seeds' catalog has no column for: the same
    assert search(client, q="Iran", name="person:reagan")["total"]["articles"] == 0


@pytest.mark.parametrize("value, says", [
    ("foo:bar", "'foo' is not a kind of name"),
    ("person:", "names no one"),
    ("x" * 201, "at most 200 characters"),
])
def test_a_bad_name_is_a_400_naming_the_parameter(client, value, says):
    response = client.get("/api/search", query_string={"q": "Iran", "name": value})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter" and error["param"] == "name"
    assert says in error["message"]


def test_too_many_names_is_a_400(client):
    response = client.get("/api/search", query_string=[("name", f"n{i}") for i in range(21)])
    assert response.status_code == 400
    assert "at most 20" in response.get_json()["error"]["message"]


def test_the_contract_documents_the_names(client):
    doc = client.get("/api/openapi.json").get_json()
    params = {p["name"]: p for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert params["name"]["explode"] is True and "person:reagan" in params["name"]["description"]
    schemas = doc["components"]["schemas"]
    assert "names" in schemas["SearchResponse"]["required"]
    assert set(schemas["NameBucket"]["properties"]) == {"value", "name", "kind", "articles",
                                                        "selected"}
    assert schemas["NameBucket"]["properties"]["kind"]["enum"] == ["name", "person", "org",
                                                                   "place"]


def test_the_cli_filters_by_name_and_lists_names(seed_index, capsys):
    from searchsvc.cli import main

    assert main(["search", "Iran", "--index", str(seed_index), "--name", "soleimani"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 articles,")
    last = out.splitlines()[-1]
    assert last.startswith("names: Soleimani (3), ")  # the selected name first


def test_a_build_of_the_previous_format_answers_index_outdated(tmp_path: Path):
    """A format-5 build has no names arrays: it is refused as outdated, not a 500."""
    from searchsvc.app import create_app

    root = tmp_path / "ix"
    index.build(root, SEEDS)
    live = index.live_path(root)
    meta = json.loads((live / index.META).read_text(encoding="utf-8"))
    meta["format"] = 5
    (live / index.META).write_text(json.dumps(meta), encoding="utf-8")
    for old in (live / "tables").glob("names.*"):
        old.unlink()
    response = create_app(root).test_client().get("/api/search?q=Iran")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "index_outdated"


# ------------------------------------------------------------------ the Reuters slice


@pytest.fixture(scope="module")
def reuters(reuters_slice: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: F811
    root = tmp_path_factory.mktemp("reuters-names-index")
    index.build(root, reuters_slice)  # no --facet: people, orgs and places come anyway
    with open_archive(root, Settings(facet_names=500)) as opened:
        yield opened


@pytest.fixture(scope="module")
def catalog_rows(reuters_slice: Path) -> dict[str, dict[str, str]]:  # noqa: F811
    with (reuters_slice / "catalog.csv").open(encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


COLUMNS = {"person": "people", "org": "orgs", "place": "places"}


def listing(rows: dict[str, dict[str, str]], ids: set[str], kind: str, label: str) -> int:
    """How many of the articles ``ids`` have ``label`` in their catalog row's column."""
    return sum(1 for article in ids
               if value_key(label) in {value_key(v) for v in
                                       rows[article][COLUMNS[kind]].split(";") if v.strip()})


def matching_ids(engine, request: SearchRequest) -> set[str]:
    rows = engine.export(request, 100_000, rows="article")
    ids = {row.article_id for row in rows}
    assert len(ids) == engine.search(request).total_articles
    return ids


@pytest.mark.skipif(not REUTERS.exists(), reason="Reuters-21578 is not on this machine")
@pytest.mark.parametrize("q", ["oil prices", "interest rates", "cocoa"])
def test_catalog_names_count_the_matching_articles_whose_row_lists_them(
        reuters, catalog_rows, q):
    request = SearchRequest(q=q)
    ids = matching_ids(reuters, request)
    response = reuters.search(request)
    kinds = {}
    for bucket in response.names:
        if bucket.kind == "name":
            continue
        kinds.setdefault(bucket.kind, 0)
        kinds[bucket.kind] += 1
        assert bucket.articles == listing(catalog_rows, ids, bucket.kind, bucket.name), bucket
    assert set(kinds) == {"person", "org", "place"}, kinds
    assert kinds["place"] >= 5 and kinds["org"] >= 1


@pytest.mark.skipif(not REUTERS.exists(), reason="Reuters-21578 is not on this machine")
@pytest.mark.parametrize("value", ["person:herrington", "org:opec", "place:japan"])
def test_a_catalog_name_filter_keeps_the_articles_whose_row_lists_it(
        reuters, catalog_rows, value):
    kind, key = value.split(":")
    # one word: no "most words" tier, which a narrower filter could bring in
    everything = matching_ids(reuters, SearchRequest(q="oil"))
    expected = {a for a in everything if listing(catalog_rows, {a}, kind, key)}
    assert expected
    narrowed = SearchRequest(q="oil", names=(value,))
    assert matching_ids(reuters, narrowed) == expected
    first = reuters.search(narrowed).names[0]  # a selected name is listed first
    assert (first.value, first.selected, first.articles) == (value, True, len(expected))
