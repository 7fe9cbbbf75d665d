"""Facets from the catalog (``searchsvc index --facet topics``): filters, counts, the page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchsvc import indexer as index
from searchsvc.app import create_app
from searchsvc.archive import open_archive
from searchsvc.cli import main as cli_main
from searchsvc.errors import BuildError, SearchError
from searchsvc.models import SearchRequest

# topics: a list (JSON) or "a; b" (as in a catalog cell); places: one value or none
RECORDS = [
    {"id": "a1", "source": "Wire", "date": "2021-01-01", "title": "Cocoa harvest",
     "topics": ["Cocoa", "crops"], "places": "Ghana",
     "text": "Cocoa farmers in Ghana expect a larger harvest this year."},
    {"id": "a2", "source": "Wire", "date": "2021-01-02", "title": "Cocoa prices",
     "topics": "cocoa; prices", "places": "Ivory Coast",
     "text": "Cocoa prices fell in London.\n\nTraders said cocoa stocks were high."},
    {"id": "a3", "source": "Daily", "date": "2021-01-03", "title": "Coffee prices",
     "topics": "coffee;prices", "places": "Brazil",
     "text": "Coffee prices rose after frost in Brazil; cocoa was steady."},
    {"id": "a4", "source": "Daily", "date": "2021-01-04", "title": "Rain",
     "text": "Rain fell on the cocoa farms of the south."},
] + [{"id": f"m{n}", "source": "Daily", "date": "2021-02-01", "title": f"Misc {n}",
      "topics": f"topic{n:02d}", "text": f"Miscellaneous report number {n} on markets."}
     for n in range(12)]


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("catalog-facets")
    jsonl = folder / "articles.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    built = folder / "index"
    index.build(built, None, jsonl, facets=("topics", "places"))
    return built


@pytest.fixture(scope="module")
def client(root: Path):
    return create_app(root).test_client()


def buckets(data: dict, name: str) -> list[tuple]:
    return [(b["value"], b["label"], b["paragraphs"], b["articles"], b["selected"])
            for b in data["facets"][name]]


def test_facets_count_matching_articles_and_paragraphs(client):
    data = client.get("/api/search?q=cocoa").get_json()
    assert data["total"] == {"paragraphs": 5, "articles": 4, "folded": 0}
    assert buckets(data, "topics") == [
        ("cocoa", "Cocoa", 3, 2, False), ("prices", "prices", 3, 2, False),
        ("coffee", "coffee", 1, 1, False), ("crops", "crops", 1, 1, False)]
    # most articles first, then most paragraphs, then by name
    assert buckets(data, "places") == [
        ("ivory coast", "Ivory Coast", 2, 1, False), ("brazil", "Brazil", 1, 1, False),
        ("ghana", "Ghana", 1, 1, False)]


def test_a_facet_filters_any_of_its_values_and_every_facet(client):
    one = client.get("/api/search?q=cocoa&topics=COCOA").get_json()  # case does not matter
    assert [h["article_id"] for h in one["hits"]] == ["a2", "a1"]
    assert one["filters"]["topics"] == ["cocoa"]
    # the facet's own counts ignore its filter (multi-select); the others' apply it
    assert buckets(one, "topics")[0] == ("cocoa", "Cocoa", 3, 2, True)
    assert buckets(one, "places") == [
        ("ivory coast", "Ivory Coast", 2, 1, False), ("ghana", "Ghana", 1, 1, False)]
    either = client.get("/api/search?q=cocoa&topics=cocoa&topics=coffee").get_json()
    assert sorted(h["article_id"] for h in either["hits"]) == ["a1", "a2", "a3"]
    both = client.get("/api/search?q=cocoa&topics=prices&places=brazil").get_json()
    assert [h["article_id"] for h in both["hits"]] == ["a3"]
    unknown = client.get("/api/search?q=cocoa&topics=tea").get_json()
    assert unknown["total"]["articles"] == 0
    assert ("tea", "tea", 0, 0, True) in buckets(unknown, "topics")  # listed, to untick


def test_bad_values_are_a_clear_400(client):
    response = client.get("/api/search", query_string={"q": "cocoa", "topics": "x" * 201})
    assert response.status_code == 400
    assert response.get_json()["error"]["param"] == "topics"
    assert "at most 200 characters" in response.get_json()["error"]["message"]


def test_engine_refuses_a_facet_the_index_lacks(root):
    with open_archive(root) as engine:
        assert engine.catalog_facets() == ("topics", "places")
        with pytest.raises(SearchError) as caught:
            engine.search(SearchRequest(q="cocoa", catalog=(("people", ("x",)),)))
        assert (caught.value.status, caught.value.param) == (400, "people")


def test_the_served_contract_documents_the_facets(client):
    doc = client.get("/api/openapi.json").get_json()
    names = [p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]]
    assert names[-2:] == ["topics", "places"]


@pytest.mark.parametrize("name, message", [
    ("Topics", "lower case"), ("q", "search parameter already"), ("my-topics", "lower case")])
def test_facet_names_are_checked_at_build_time(tmp_path, name, message):
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(json.dumps(RECORDS[0]) + "\n", encoding="utf-8")
    with pytest.raises(BuildError, match=message):
        index.build(tmp_path / "index", None, jsonl, facets=(name,))
    assert not (tmp_path / "index" / "current").exists()


def test_a_rebuild_keeps_the_facets_and_the_cli_sets_them(tmp_path, capsys):
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in RECORDS[:3]), encoding="utf-8")
    root = tmp_path / "index"
    assert cli_main(["index", "--jsonl", str(jsonl), "--index", str(root),
                     "--facet", "places"]) == 0
    assert cli_main(["index", "--jsonl", str(jsonl), "--index", str(root)]) == 0
    with open_archive(root) as engine:
        assert engine.catalog_facets() == ("places",)
        found = engine.search(SearchRequest(q="cocoa", catalog=(("places", ("ghana",)),)))
        assert [h.article_id for h in found.hits] == ["a1"]
    assert cli_main(["index", "--jsonl", str(jsonl), "--index", str(root),
                     "--facet", "from"]) == 2
    assert "search parameter already" in capsys.readouterr().err


def test_the_page_offers_each_facet_and_keeps_it_in_links(client):
    page = client.get("/?q=cocoa&topics=cocoa").get_data(as_text=True)
    assert '<legend>Topics</legend>' in page and '<legend>Places</legend>' in page
    assert ('<input type="checkbox" id="topics-1" name="topics" value="cocoa"'
            ' form="search-form" checked>') in page
    assert '<span>Topics: Cocoa</span>' in page  # the chip, by its label
    assert 'href="/?q=cocoa&amp;sort=newest&amp;topics=cocoa"' in page  # sort keeps it
    assert 'href="/api/search?q=cocoa&amp;topics=cocoa&amp;format=csv"' in page


def test_article_view_links_its_values(client):
    page = client.get("/articles/a2?q=cocoa&topics=cocoa").get_data(as_text=True)
    assert '<dt>Topics</dt>' in page
    assert '<a href="/?topics=cocoa">cocoa</a>' in page
    assert '<a href="/?places=Ivory+Coast">Ivory Coast</a>' in page
    # back to the results keeps the facet filter
    assert 'href="/?q=cocoa&amp;topics=cocoa" class="back-link"' in page


def test_an_index_without_facets_has_none(tmp_path):
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(json.dumps(RECORDS[0]) + "\n", encoding="utf-8")
    index.build(tmp_path / "index", None, jsonl)
    data = create_app(tmp_path / "index").test_client().get("/api/search?q=cocoa").get_json()
    assert set(data["facets"]) == {"source", "month", "day"}
    assert set(data["filters"]) == {"source", "from", "to", "name"}  # name: every index's


def test_every_query_parameter_is_a_reserved_facet_name():
    """A facet named like a parameter would be shadowed by it (``rows`` was missed once):
    the reserved names cover every parameter the search and related endpoints read."""
    from pydantic import TypeAdapter

    from searchsvc.indexer.catalog import RESERVED
    from searchsvc.params import RelatedParams, SearchParams

    names = set()
    for model in (SearchParams, RelatedParams):
        names |= set(TypeAdapter(model).json_schema(by_alias=True)["properties"])
    assert {"rows", "from", "to", "format", "limit", "collapse"} <= names
    assert names <= RESERVED, sorted(names - RESERVED)
