"""The analysis: what a query or a paragraph turns into, term by term, in plain Python
(searchsvc.analysis) and as the whoosh engine's analyzers, which must agree."""

from __future__ import annotations

import pytest
from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser
from whoosh.searching import Searcher

from searchsvc import indexer as index
from searchsvc.analysis import exact_words, fold, stemmed_words, tokens
from searchsvc.engine.whoosh.analysis import exact_analyzer, stemming_analyzer


def words(text: str, mode: str = "query") -> list[str]:
    """The stemmed copy's terms, through the whoosh analyzer; the same as plain Python's."""
    found = [t.text for t in stemming_analyzer()(text, mode=mode)]
    if mode == "query":
        assert found == stemmed_words(text)
    return found


def exact(text: str, mode: str = "query") -> list[str]:
    found = [t.text for t in exact_analyzer()(text, mode=mode)]
    assert found == [word for word, _, _, _ in tokens(text, index=mode == "index")]
    if mode == "query":
        assert found == exact_words(text)
    return found


@pytest.mark.parametrize("text", ["B-52", "B52", "b 52", "b-52", "B\u201152"])
def test_b52_spellings_give_the_same_query_terms(text: str) -> None:
    assert words(text) == ["b", "52"]
    assert exact(text) == ["b", "52"]


def test_index_mode_adds_the_joined_form_at_the_first_part_position() -> None:
    found = [(t.text, t.pos) for t in stemming_analyzer()("B-52 bombers", mode="index",
                                                           positions=True)]
    assert found == [("b52", 0), ("b", 0), ("52", 1), ("bomber", 2)]
    assert words("B52", mode="index") == ["b52", "b", "52"]
    # Two separate words are not one word: nothing is joined.
    assert words("b 52", mode="index") == ["b", "52"]


def test_split_parts_keep_their_character_offsets() -> None:
    text = "the B-52 flew"
    expected = [("the", 0, 3), ("b52", 4, 8), ("b", 4, 5), ("52", 6, 8), ("flew", 9, 13)]
    assert [(t.text, t.startchar, t.endchar)
            for t in exact_analyzer()(text, mode="index", chars=True)] == expected
    assert [(word, start, end) for word, _, start, end in tokens(text, index=True)] == expected


@pytest.mark.parametrize("text", ["U.S.", "US", "us", "u.s."])
def test_dotted_acronym_and_plain_acronym_are_one_term(text: str) -> None:
    assert words(text) == ["us"]
    assert exact(text) == ["us"]


def test_possessives_and_apostrophes() -> None:
    assert words("Soleimani’s") == ["soleimani"]
    assert words("Soleimani's") == ["soleimani"]
    assert words("Kata’ib") == ["kataib"]
    assert words("Kata'ib") == ["kataib"]
    assert words("Kataib") == ["kataib"]
    assert exact("Nimitz’s deployment") == ["nimitz", "deployment"]


def test_hyphenated_words_split_and_join() -> None:
    assert words("Iran-backed") == ["iran", "back"]
    assert exact("Iran-backed") == ["iran", "backed"]
    assert exact("Iran-backed", mode="index") == ["iranbacked", "iran", "backed"]


def test_stemming_only_in_the_stemmed_copy() -> None:
    assert words("bombers") == ["bomber"]
    assert words("bomber") == ["bomber"]
    assert words("attacks attacked attacking") == ["attack", "attack", "attack"]
    assert exact("bombers") == ["bombers"]


def test_accents_are_folded() -> None:
    assert words("Qāsem") == ["qasem"]
    assert words("Fakhrīzādeh") == ["fakhrizadeh"]
    assert exact("Café") == ["cafe"]
    assert fold("Qāsem Süleymani") == "qasem suleymani"


def test_stop_words_removed_only_in_the_stemmed_analyzer() -> None:
    text = "The bombers and the militia"
    assert words(text) == ["bomber", "militia"]
    assert exact(text) == ["the", "bombers", "and", "the", "militia"]


def test_stop_word_removal_keeps_positions() -> None:
    found = [(t.text, t.pos) for t in stemming_analyzer()("the bombers of Iran",
                                                           positions=True)]
    assert found == [("bomber", 1), ("iran", 3)]


@pytest.mark.parametrize("text", ["😀🔥", "🇮🇷", "— • —", ""])
def test_input_without_words_gives_no_tokens(text: str) -> None:
    assert words(text) == []
    assert exact(text) == []


def _hits(searcher: Searcher, field: str, query: str) -> set[str]:
    parsed = QueryParser(field, searcher.schema).parse(query)
    return {hit["pid"] for hit in searcher.search(parsed, limit=None)}


def test_spellings_find_the_same_seed_paragraphs(seed_index) -> None:

    ix = whoosh_index.open_dir(str(index.live_path(seed_index)))
    with ix.searcher() as searcher:
        b52 = _hits(searcher, "text", "B-52")
        assert b52 == _hits(searcher, "text", "B52") == _hits(searcher, "text", "b52")
        # Every seed paragraph that writes B-52 (AMN writes "B-52H", Zero Hedge also "B-52s").
        assert b52 == {"000_a2d3934c72cc6993#9", "000_a2d3934c72cc6993#10",
                       "001_6c93bd1d9ff11c7a#5", "001_6c93bd1d9ff11c7a#7",
                       "002_2597359e734cd98a#8",
                       "003_bf4d45bef3f202d2#1", "003_bf4d45bef3f202d2#3"}
        kataib = _hits(searcher, "exact", "Kataib")
        assert kataib == _hits(searcher, "exact", "Kata’ib") == {"002_2597359e734cd98a#9"}
        us = _hits(searcher, "text", "US")
        assert us == _hits(searcher, "text", "U.S.")
        assert any(p.startswith("001_") for p in us)  # ESTA writes "U.S." only
        assert any(p.startswith("000_") for p in us)  # CNN writes "US" only
