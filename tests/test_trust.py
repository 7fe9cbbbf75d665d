"""Matches a reader can trust, on a fixed slice of Reuters-21578 built here: counts equal
an independent count, every snippet shown is marked, partial matches say what they miss,
and did-you-mean corrects ordinary typing errors (not markup, not stems)."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from searchsvc import indexer as index
from searchsvc.archive import open_archive
from searchsvc.corpus import read_folder
from searchsvc.models import SearchRequest
from tests.paths import CORPORA

REUTERS = CORPORA / "reuters21578"
TOPICS = {"cocoa", "interest", "crude"}

pytestmark = [pytest.mark.corpora,
              pytest.mark.skipif(not REUTERS.is_dir(), reason=f"no {REUTERS}")]


@pytest.fixture(scope="module")
def reuters_slice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 400 articles and every article on cocoa, interest or crude (about 1,700)."""
    folder = tmp_path_factory.mktemp("reuters-slice")
    with (REUTERS / "catalog.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames
        rows = [row for number, row in enumerate(reader)
                if number < 400 or TOPICS & set(row["topics"].split(";"))]
    (folder / "docs").mkdir()
    for row in rows:
        shutil.copy(REUTERS / row["file"], folder / row["file"])
    with (folder / "catalog.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return folder


@pytest.fixture(scope="module")
def engine(reuters_slice: Path, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("reuters-slice-index")
    index.build(root, reuters_slice, facets=("topics", "places"))
    with open_archive(root) as opened:
        yield opened


@pytest.fixture(scope="module")
def articles(reuters_slice: Path):
    """The slice as the reader extracts it: the independent side of the counts."""
    return list(read_folder(reuters_slice, lambda _problem: None))


@pytest.mark.parametrize("word, forms", [
    ("cocoa", r"cocoas?"), ("buffer", r"buffer(?:s|ed|ing)?"), ("OPEC", r"opec")])
def test_counts_equal_an_independent_count(engine, articles, word, forms):
    """The forms are the words that stem as the query word does ("cocoas" is "cocoa")."""
    pattern = re.compile(rf"\b{forms}\b", re.I)
    paragraphs = sum(1 for a in articles for p in a.paragraphs if pattern.search(p))
    holding = sum(1 for a in articles
                  if pattern.search(a.title) or any(pattern.search(p) for p in a.paragraphs))
    response = engine.search(SearchRequest(q=word, collapse=False))  # every version
    assert (response.total_paragraphs, response.total_articles) == (paragraphs, holding)
    assert paragraphs > 20 and holding > paragraphs / 10
    folded = engine.search(SearchRequest(q=word))
    assert folded.total_articles + folded.folded == holding


@pytest.mark.parametrize("q", ["cocoa", '"interest rates"', "oil prices OPEC",
                               "cocoa buffer stock"])
@pytest.mark.parametrize("group", ["article", "paragraph"])
def test_every_snippet_shown_holds_a_marked_word(engine, q, group):
    for page in (1, 2, 3):
        response = engine.search(SearchRequest(q=q, group=group, page=page, per_page=20))
        # Every query has more than three pages (72 to 233 articles): 60 hits are checked.
        assert len(response.hits) == 20, (q, group, page)
        for hit in response.hits:
            for paragraph in hit.paragraphs:
                assert "<mark>" in paragraph.snippet or paragraph.opening, (q, paragraph.id)


def test_a_typed_phrase_counts_only_paragraphs_holding_it(engine, articles):
    phrase = re.compile(r"\binterest\s+rates\b", re.I)
    expected = sum(1 for a in articles for p in a.paragraphs if phrase.search(p))
    response = engine.search(SearchRequest(q='"interest rates"', group="paragraph",
                                           collapse=False))
    assert response.total_paragraphs == expected


def test_partial_matches_say_which_words_they_miss(engine, articles):
    response = engine.search(SearchRequest(q="cocoa buffer Abidjan", per_page=50))
    assert response.relaxed
    partial = [h for h in response.hits if h.missing]
    assert partial and all(h.missing and set(h.missing) <= {"cocoa", "buffer", "Abidjan"}
                           for h in partial)
    by_id = {a.id: a for a in articles}
    for hit in partial:
        text = " ".join([by_id[hit.article_id].title, *by_id[hit.article_id].paragraphs])
        for word in hit.missing:
            assert not re.search(rf"\b{word}\b", text, re.I), (hit.article_id, word)
    complete = [h for h in response.hits if not h.missing]
    assert complete == response.hits[:len(complete)]  # complete matches come first


@pytest.mark.parametrize("typed, meant", [
    ("cocao", "cocoa"), ("interst rates", "interest rates"), ("opec prise", "opec price"),
    ("opek", "opec"), ("Cocao", "Cocoa"),
])
def test_did_you_mean_corrects_ordinary_typing_errors(engine, typed, meant):
    response = engine.search(SearchRequest(q=typed))
    assert response.suggestion is not None and response.suggestion.q == meant
    corrected = engine.search(SearchRequest(q=meant))
    assert not corrected.relaxed  # every article it counts holds all the words
    assert response.suggestion.articles == corrected.total_articles > 50


@pytest.mark.parametrize("typed", ["<script>", "</b> cocoa", "cocoa", "interest rates"])
def test_no_suggestion_for_markup_or_words_that_are_right(engine, typed):
    assert engine.search(SearchRequest(q=typed)).suggestion is None


def test_re_sent_wire_copies_fold_on_the_first_page(engine):
    """Reuters re-sent "OPEC WANTS 18 DLR OIL PRICE - OAPEC OFFICIAL" (6177 and a shorter
    6208) and "SAUDI OIL MINISTER SEES NO NEED TO ALTER (OPEC) PACT": one hit each."""
    response = engine.search(SearchRequest(q="oil prices OPEC"))
    titles = [h.title for h in response.hits]
    assert len(titles) == len(set(titles))
    opec = next(h for h in response.hits if h.title.startswith("OPEC WANTS 18 DLR"))
    assert (opec.article_id, opec.duplicates) == ("6177", ["6208"])
    every = engine.search(SearchRequest(q="oil prices OPEC", collapse=False))
    assert every.total_articles == response.total_articles + response.folded
    assert [h.title for h in every.hits].count("OPEC WANTS 18 DLR OIL PRICE - OAPEC OFFICIAL") == 2


@pytest.mark.parametrize("q", ["cocoa", "interest rates", "oil prices OPEC"])
def test_catalog_facet_counts_equal_the_catalog(engine, reuters_slice, q):
    """Each topic and place bucket counts the matching articles whose catalog row has it."""
    with (reuters_slice / "catalog.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    hits, page = [], 1
    while True:
        found = engine.search(SearchRequest(q=q, per_page=100, page=page))
        hits += [hit.article_id for hit in found.hits]
        if page >= found.pages:
            break
        page += 1
    assert len(set(hits)) == len(hits) == found.total_articles  # every matching article seen
    for name in ("topics", "places"):
        expected: dict[str, int] = {}
        for article_id in hits:
            # a set: 16 Reuters rows name a place twice; an article counts once
            for value in set(filter(None, rows[article_id][name].split(";"))):
                expected[value] = expected.get(value, 0) + 1
        counted = {b.value: b.articles for b in found.facets[name]}
        assert counted == expected, name
    # and filtering on the commonest place keeps only articles with it, all of them counted
    top = max(expected, key=lambda value: expected[value])
    narrowed = engine.search(SearchRequest(q=q, per_page=100, catalog=(("places", (top,)),)))
    assert narrowed.hits and all(top in rows[hit.article_id]["places"].split(";")
                                 for hit in narrowed.hits)
    counted = {b.value: (b.articles, b.selected) for b in narrowed.facets["places"]}
    assert counted[top] == (narrowed.total_articles, True)


def test_the_build_status_counts_the_slice(engine, articles, reuters_slice: Path):
    """The build report of the slice against the reader's own count of it (issue 21)."""
    problems: list = []
    list(read_folder(reuters_slice, problems.append))
    built = engine.status().last_build
    assert built is not None and built.mode == "full"
    assert built.files == len(list((reuters_slice / "docs").glob("*.txt"))) > 1000
    assert built.articles == len(articles)
    assert built.paragraphs == sum(len(a.paragraphs) for a in articles)
    assert built.title_only == sum(1 for a in articles if not a.paragraphs)
    skipped = {(s.path, s.reason) for s in built.skipped}
    assert built.files - len([s for s in built.skipped if s.line is None]) == built.articles
    assert len(skipped) + len(built.warnings) == len(problems)
    every = engine.search(SearchRequest(q="said", collapse=False)).total_articles
    folded = engine.search(SearchRequest(q="said"))
    assert folded.total_articles + folded.folded == every  # the same folding as searches
    assert built.duplicates.folded >= folded.folded
