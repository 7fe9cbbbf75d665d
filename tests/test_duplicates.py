"""Near-duplicate folding: a wire story re-sent with small changes is one story; the same
story in another outlet is coverage of its own."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from searchsvc import indexer as index
from searchsvc.app import create_app
from searchsvc.archive import open_archive
from searchsvc.indexer.duplicates import HASHES, clusters, fold
from searchsvc.models import SearchRequest

STORY = ("Tanker traffic through the Strait of Hormuz slowed on Monday after Iranian patrol boats"
         " shadowed two vessels for several hours, shipping agents in Dubai said, adding that"
         " insurers had raised war-risk premiums for cargoes bound for Gulf ports and that two"
         " owners had told captains to wait at anchor until the navy escorts were confirmed.")
OTHER = ("Cocoa arrivals at Ivory Coast ports rose last week as the mid-crop harvest picked up,"
         " exporters said, while buyers in Abidjan waited for the regulator to set prices;"
         " traders expect the strait shipping lanes to stay open.")


def _article(id_: str, source: str, date: str, text: str,
             title: str = "Tanker traffic slows in Hormuz") -> dict:
    return {"id": id_, "title": title, "source": source, "date": date, "paragraphs": [text]}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("duplicates")
    lines = [
        _article("w1", "Wire", "2020-01-01", STORY),
        _article("w2", "Wire", "2020-01-02", STORY.replace("several hours", "six hours")),
        _article("w3", "Wire", "2020-01-03", OTHER, "Ivory Coast cocoa arrivals rise"),
        # Same template, another company: never one story (the headlines differ).
        _article("t1", "Wire", "2020-01-05", STORY, "Litton unit gets 164.2 mln dlr contract"),
        _article("t2", "Wire", "2020-01-06", STORY, "Grumman gets 77 mln dlr navy contract"),
        _article("o1", "Other", "2020-01-04", STORY),
    ]
    corpus = folder / "wire.jsonl"
    corpus.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    index.build(folder / "index", None, corpus)
    return folder / "index"


def test_a_resent_copy_is_folded_under_the_first_and_other_outlets_are_not(root: Path):
    engine = open_archive(root)
    folded = engine.search(SearchRequest(q="strait"))
    assert sorted((h.article_id, h.duplicates) for h in folded.hits) == [
        ("o1", []), ("t1", []), ("t2", []), ("w1", ["w2"]), ("w3", [])]
    assert (folded.total_articles, folded.folded) == (5, 1)
    assert {b.value: b.articles for b in folded.facets["source"]} == {"wire": 4, "other": 1}
    every = engine.search(SearchRequest(q="strait", collapse=False))
    assert sorted(h.article_id for h in every.hits) == ["o1", "t1", "t2", "w1", "w2", "w3"]
    assert (every.total_articles, every.folded) == (6, 0)
    # When only the later version matches, it is shown: folding needs the earlier one there.
    only_second = engine.search(SearchRequest(q='"six hours"'))
    assert [h.article_id for h in only_second.hits] == ["w2"] and only_second.folded == 0
    engine.close()


def test_the_page_says_how_many_versions_it_folded(root: Path):
    client = create_app(root).test_client()
    page = client.get("/?q=strait").get_data(as_text=True)
    assert "1 more version of this story" in page
    assert "(1 more version folded" in " ".join(page.split())
    assert 'href="/?q=strait&amp;collapse=false">show every version</a>' in page
    every = client.get("/?q=strait&collapse=false").get_data(as_text=True)
    assert "more version" not in every


def test_clusters_and_fold_by_hand():
    rng = np.random.default_rng(1)
    signature = rng.integers(0, 1 << 40, (4, HASHES), dtype=np.uint64)
    signature[1] = signature[0]
    signature[1, :5] += 1  # 59 of 64 alike: a version
    signature[2] = signature[0]  # alike, but another source
    first = clusters(signature, np.asarray([0, 0, 1, 0]), np.asarray([1, 0, 2, 3]))
    assert first.tolist() == [1, 1, 2, 3]  # the earlier (order key 0) stands for both
    kept, folded = fold(np.asarray([0, 1, 3]), first, np.asarray([5, 4, 0, 0]))
    assert kept.tolist() == [1, 3] and folded == {1: [0]}
