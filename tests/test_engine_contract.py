"""The engine contract: what the archive must answer on the seed corpus (and a tiny corpus
built here) whichever engine wrote and searches the build (the ``engine_name`` fixture runs
it on every engine installed), through the archive's interface only: exact hits, their
order, facets, filters, grouping, paging, sorting, snippets, variants, suggestions,
related coverage, exports and errors. A second engine is held to this file.

The orders asserted below were read off the engine and checked against the seed texts:
every listed paragraph contains the query (or a variant spelling of it), and no other does.
"""

from __future__ import annotations

import math
import re

import pytest

from searchsvc.archive import Archive, open_archive
from searchsvc.errors import NotFound, SearchError
from searchsvc.params import check_window, search_request
from searchsvc.settings import Settings

SETTINGS = Settings()
MAX_PER_PAGE = SETTINGS.max_per_page
MAX_WINDOW = SETTINGS.max_window

CNN = "000_a2d3934c72cc6993"
ESTA = "001_6c93bd1d9ff11c7a"
AMN = "002_2597359e734cd98a"
ZH = "003_bf4d45bef3f202d2"
SHORT = {CNN: "000", ESTA: "001", AMN: "002", ZH: "003"}


def run(engine: Archive, **params):
    request = search_request(params, engine.settings)
    check_window(request, engine.settings)
    return engine.search(request)


def order(response) -> list[tuple[str, int]]:
    """(article, matched paragraphs) in rank order, articles shortened to 000…003."""
    return [(SHORT.get(h.article_id, h.article_id), h.matched_paragraphs) for h in response.hits]


def all_paragraphs(engine, **params) -> list[str]:
    """Every matching paragraph id, shortened (000#7), sorted."""
    response = run(engine, **params, group="paragraph", per_page=str(MAX_PER_PAGE))
    assert response.total_paragraphs <= MAX_PER_PAGE
    ids = [h.paragraphs[0].id for h in response.hits]
    return sorted(re.sub(r"_[0-9a-f]{16}", "", pid) for pid in ids)


def snippets(response) -> dict[str, str]:
    return {p.id: p.snippet for h in response.hits for p in h.paragraphs}


# ------------------------------------------------------------------ exact hits and order

EXACT = {
    # query: ([(article, matched paragraphs)] in order, (paragraphs, articles), paragraph ids).
    # Articles rank by the query's BM25 on the whole article: more mentions, in a shorter
    # article (the article index counts 348 terms for ESTA, 399 for AMN, 544 for ZH and 603
    # for CNN) rank higher; the idf is the same for all four when all four match.
    "B-52": ([("001", 2), ("003", 2), ("000", 2), ("002", 1)], (7, 4),
             ["000#10", "000#9", "001#5", "001#7", "002#8", "003#1", "003#3"]),
    '"Persian Gulf"': ([("000", 2), ("003", 1)], (3, 2), ["000#2", "000#9", "003#1"]),
    "Soleimani": ([("002", 4), ("000", 5), ("001", 2), ("003", 2)], (13, 4),
                  ["000#1", "000#12", "000#13", "000#17", "000#3", "001#10", "001#2",
                   "002#10", "002#4", "002#5", "002#7", "003#11", "003#4"]),
    "Fakhrizadeh": ([("002", 1), ("003", 1)], (2, 2), ["002#3", "003#12"]),
    "McKenzie": ([("001", 2), ("002", 2), ("003", 2), ("000", 1)], (7, 4),
                 ["000#11", "001#3", "001#4", "002#5", "002#8", "003#11", "003#6"]),
    "bombers": ([("003", 4), ("001", 2), ("002", 1), ("000", 1)], (8, 4),
                ["000#9", "001#5", "001#7", "002#8", "003#1", "003#2", "003#4", "003#6"]),
    "Qassem": ([("001", 1), ("002", 1), ("003", 1), ("000", 1)], (4, 4),
               ["000#1", "001#2", "002#4", "003#4"]),
    "Hezbollah": ([("002", 1)], (1, 1), ["002#9"]),
    "CENTCOM": ([("002", 2), ("000", 1)], (3, 2), ["000#11", "002#5", "002#8"]),
    '"hold Iran responsible"': ([("001", 1), ("000", 1)], (2, 2), ["000#7", "001#13"]),
}


@pytest.mark.parametrize("q", list(EXACT))
def test_exact_hits_and_order(engine, q):
    expected_order, (paragraphs, articles), paragraph_ids = EXACT[q]
    response = run(engine, q=q)
    assert order(response) == expected_order
    assert (response.total_paragraphs, response.total_articles) == (paragraphs, articles)
    assert all_paragraphs(engine, q=q) == paragraph_ids
    assert response.relaxed is False
    assert response.suggestion is None


def test_article_hits_show_their_best_paragraphs(engine):
    response = run(engine, q="Soleimani")
    numbers = [[p.number for p in h.paragraphs] for h in response.hits]
    assert numbers == [[7, 4, 5], [13, 12, 1], [10, 2], [4, 11]]
    for hit in response.hits:
        scores = [p.score for p in hit.paragraphs]
        assert scores == sorted(scores, reverse=True)
    # an article's score is its own (the whole article's), not its best paragraph's
    assert all(h.score > 0 for h in response.hits)
    assert any(h.score != h.paragraphs[0].score for h in response.hits)
    assert [h.score for h in response.hits] == sorted((h.score for h in response.hits),
                                                      reverse=True)


def test_hit_fields(engine):
    hit = run(engine, q="Fakhrizadeh").hits[0]
    assert hit.article_id == AMN
    assert hit.title == ("Report: Iran-backed militias have weapons in place for planned revenge"
                         " attack after nuke scientist killed")
    assert (hit.source, hit.date, hit.url) == ("AMN", "2020-12-11", "")
    paragraph = hit.paragraphs[0]
    assert paragraph.id == f"{AMN}#3" and paragraph.number == 3
    assert paragraph.text.startswith("Iran threatened a “calculated and decisive answer”")
    assert paragraph.snippet.count("<mark>Fakhrizadeh</mark>") == 1  # 200 characters around it


def holding(engine, pattern: str) -> list[str]:
    """An independent count: ids (shortened) of the seed paragraphs whose text matches
    ``pattern`` (case-insensitive), read from the article texts, not from the index."""
    found = []
    for article in (CNN, ESTA, AMN, ZH):
        for paragraph in engine.article(article).paragraphs:
            if re.search(pattern, paragraph.text, re.I):
                found.append(f"{SHORT[article]}#{paragraph.number}")
    return sorted(found)


def test_an_article_matches_when_it_holds_every_word_anywhere(engine):
    """No paragraph of CNN, ESTA or AMN holds both "Soleimani" and "bombers", yet each
    article does: all four match, and every paragraph listed holds one of the words."""
    response = run(engine, q="Soleimani bombers")
    assert response.relaxed is False
    assert order(response) == [("002", 5), ("000", 6), ("001", 4), ("003", 5)]
    either = holding(engine, r"\b(soleimani|suleimani|bombers?)\b")
    assert response.total_paragraphs == len(either) == 20
    assert all_paragraphs(engine, q="Soleimani bombers") == either
    assert response.hits[-1].paragraphs[0].id == f"{ZH}#4"  # the one paragraph with both
    for paragraph in (p for h in response.hits for p in h.paragraphs):
        assert "<mark>" in paragraph.snippet
    snippet = response.hits[-1].paragraphs[0].snippet
    assert "<mark>bomber</mark>" in snippet and "<mark>Suleimani</mark>" in snippet


def test_articles_with_most_of_the_words_say_what_they_miss(engine):
    """Only ESTA and ZH mention Minot; CNN and AMN follow, each saying it lacks "Minot"."""
    response = run(engine, q="bombers Minot")
    assert response.relaxed is True
    assert [(SHORT[h.article_id], h.missing) for h in response.hits] == [
        ("001", []), ("003", []), ("002", ["Minot"]), ("000", ["Minot"])]
    assert {a.split("#")[0] for a in holding(engine, r"\bminot\b")} == {"001", "003"}
    assert run(engine, q="bombers +Minot").total_articles == 2


# ------------------------------------------------------------------ spellings and variants


def test_b52_spellings_are_one_query(engine):
    expected = run(engine, q="B-52")
    for q in ("B52", "b 52", "b-52", '"B 52"'):
        response = run(engine, q=q)
        assert order(response) == order(expected), q
        assert all_paragraphs(engine, q=q) == all_paragraphs(engine, q="B-52"), q
    text = " ".join(snippets(expected).values())
    assert "<mark>B-52</mark>" in text
    assert "<mark>B-52</mark>H" in text  # the hyphenated model name, AMN's B-52H
    assert "<mark>B-52</mark>s" in text  # Zero Hedge's plural


def test_us_and_u_s_are_one_query(engine):
    dotted, plain = run(engine, q="U.S."), run(engine, q="US")
    # CNN's title says "US": the title adds the article, not its 19 paragraphs; 35
    # paragraphs say "US", "U.S." or "us" (the index folds case).
    assert order(dotted) == order(plain) == [("000", 11), ("002", 9), ("001", 10), ("003", 5)]
    assert dotted.total_paragraphs == plain.total_paragraphs == 35
    assert all_paragraphs(engine, q="US") == holding(engine, r"\bu\.?s\b")
    assert all_paragraphs(engine, q="U.S.") == all_paragraphs(engine, q="US")
    marks = set(re.findall(r"<mark>(.*?)</mark>", " ".join(snippets(dotted).values())))
    assert {"U.S", "US"} <= marks


def test_soleimani_finds_suleimani_and_ranks_it_last(engine):
    response = run(engine, q="Soleimani")
    assert response.variants == {"soleimani": ["suleimani"]}
    assert response.understood == "(soleimani OR ~suleimani)"
    assert order(response)[-1] == ("003", 2)  # the only article spelling it Suleimani
    zh = snippets(response)
    assert "<mark>Suleimani</mark>" in zh[f"{ZH}#4"]
    assert "<mark>Soleimani</mark>" in zh[f"{CNN}#13"]


def test_suleimani_finds_soleimani(engine):
    response = run(engine, q="Suleimani")
    assert response.variants == {"suleimani": ["soleimani"]}
    assert order(response) == [("003", 2), ("002", 4), ("000", 5), ("001", 2)]


@pytest.mark.parametrize("params", [{"q": '"Soleimani"'}, {"q": "Soleimani", "fuzzy": "false"}])
def test_exact_spelling_only(engine, params):
    response = run(engine, **params)
    assert response.variants == {}
    assert response.understood == "soleimani"
    assert ZH not in {h.article_id for h in response.hits}
    assert (response.total_paragraphs, response.total_articles) == (11, 3)


def test_qassem_finds_qasem_and_qassim(engine):
    response = run(engine, q="Qassem")
    assert response.variants == {"qassem": ["qasem", "qassim"]}
    marked = snippets(response)
    assert "<mark>Qassem</mark>" in marked[f"{AMN}#4"]
    assert "<mark>Qassem</mark>" in marked[f"{ESTA}#2"]
    assert "<mark>Qasem</mark>" in marked[f"{CNN}#1"]
    assert "<mark>Qassim</mark>" in marked[f"{ZH}#4"]
    # the spellings typed rank above the variants
    assert [SHORT[h.article_id] for h in response.hits][:2] == ["001", "002"]


def test_hezbollah_finds_hizbollah(engine):
    response = run(engine, q="Hezbollah")
    assert response.variants == {"hezbollah": ["hizbollah"]}
    assert "Kata’ib <mark>Hizbollah</mark> launched" in snippets(response)[f"{AMN}#9"]
    assert order(run(engine, q="Hezbollah", fuzzy="false")) == []


def test_bombers_does_not_find_members(engine):
    response = run(engine, q="bombers")
    assert response.variants == {}
    assert f"{AMN}#9" not in {p.id for h in response.hits for p in h.paragraphs}
    assert "002#9" not in all_paragraphs(engine, q="bombers")  # "service members"
    assert all_paragraphs(engine, q="members") == ["002#9"]


# ------------------------------------------------------------------ highlighting


def test_marks_the_words_as_written(engine):
    marked = snippets(run(engine, q="bombers"))
    assert "<mark>bombers</mark>" in marked[f"{ESTA}#5"]
    assert "<mark>bomber</mark>s" not in " ".join(marked.values())
    assert "<mark>bomber</mark> missions" in marked[f"{ZH}#4"]  # the text says "bomber" there


def test_phrase_is_marked_as_one_span(engine):
    marked = snippets(run(engine, q='"Persian Gulf"'))
    assert set(marked) == {f"{CNN}#2", f"{CNN}#9", f"{ZH}#1"}
    for snippet in marked.values():
        assert snippet.count("<mark>Persian Gulf</mark>") == 1
        assert snippet.count("<mark>") == 1


def test_snippets_contain_no_raw_html(engine):
    for q in ("Soleimani", "B-52", '"Persian Gulf"', "Iran", "U.S."):
        for snippet in snippets(run(engine, q=q, per_page="100")).values():
            assert "<" not in re.sub(r"</?mark>", "", snippet), snippet


@pytest.fixture(scope="module")
def tiny(tiny_index):
    """conftest.TINY_ARTICLES: HTML-looking text, four dates, one undated, one title only."""
    engine = open_archive(tiny_index)
    yield engine
    engine.close()


def test_snippets_escape_the_text(tiny):
    snippet = snippets(run(tiny, q="widgets"))["a#1"]
    assert snippet == ("The page said &lt;script&gt;alert(1)&lt;/script&gt; and &amp;amp; to"
                       " the <mark>widgets</mark> reviewer.")
    assert snippets(run(tiny, q="script"))["a#1"].startswith(
        "The page said &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;")
    hit = next(h for h in run(tiny, q="widgets").hits if h.article_id == "a")
    assert hit.paragraphs[0].text.startswith("The page said <script>")  # text stays plain
    assert hit.title == "Widgets <b>bold</b> & co"


# ------------------------------------------------------------------ facets and filters


def buckets(response, facet: str) -> list[tuple[str, str, int, int, bool]]:
    return [(b.value, b.label, b.paragraphs, b.articles, b.selected)
            for b in response.facets[facet]]


SOLEIMANI_SOURCES = [
    ("cnn", "CNN", 5, 1, False), ("amn", "AMN", 4, 1, False),
    ("esta", "ESTA", 2, 1, False), ("zero hedge", "Zero Hedge", 2, 1, False),
]
SOLEIMANI_DAYS = [
    ("2020-12-10", "2020-12-10", 2, 1, False), ("2020-12-11", "2020-12-11", 4, 1, False),
    ("2020-12-31", "2020-12-31", 7, 2, False),
]


def test_facets_without_filters(engine):
    response = run(engine, q="Soleimani")
    assert buckets(response, "source") == SOLEIMANI_SOURCES
    assert buckets(response, "month") == [("2020-12", "2020-12", 13, 4, False)]
    assert buckets(response, "day") == SOLEIMANI_DAYS


def test_source_facet_is_multi_select(engine):
    response = run(engine, q="Soleimani", source="CNN")
    assert order(response) == [("000", 5)]
    assert (response.total_paragraphs, response.total_articles) == (5, 1)
    # the other sources keep their counts, so a second one can be ticked
    assert buckets(response, "source") == [
        (v, label, p, a, v == "cnn") for v, label, p, a, _ in SOLEIMANI_SOURCES]
    # the date facets count only the selected source
    assert buckets(response, "day") == [("2020-12-31", "2020-12-31", 5, 1, False)]

    both = run(engine, q="Soleimani", source=["CNN", "zero hedge"])
    assert order(both) == [("000", 5), ("003", 2)]
    assert [b[0] for b in buckets(both, "source") if b[4]] == ["cnn", "zero hedge"]


def test_selected_source_without_hits_is_listed(engine):
    response = run(engine, q="Fakhrizadeh", source="CNN")
    assert response.hits == [] and response.total_paragraphs == 0
    assert buckets(response, "source") == [
        ("amn", "AMN", 1, 1, False), ("zero hedge", "Zero Hedge", 1, 1, False),
        ("cnn", "CNN", 0, 0, True),
    ]
    assert response.facets["day"] == [] and response.facets["month"] == []


def test_source_filter_ignores_case_and_spacing(engine):
    for name in ("zero hedge", "ZERO HEDGE", "  Zero   Hedge "):
        response = run(engine, q="Soleimani", source=name)
        assert order(response) == [("003", 2)], name
        assert response.request.filters().sources == ("zero hedge",)


@pytest.mark.parametrize("dates, expected, totals", [
    ({"from": "2020-12-11"}, [("002", 4), ("000", 5), ("001", 2)], (11, 3)),
    ({"to": "2020-12-11"}, [("002", 4), ("003", 2)], (6, 2)),
    ({"to": "2020-12-10"}, [("003", 2)], (2, 1)),
    ({"from": "2020-12-10", "to": "2020-12-10"}, [("003", 2)], (2, 1)),
    ({"from": "2020-12-12", "to": "2020-12-30"}, [], (0, 0)),
    ({"from": "2020-12", "to": "2020-12"}, [("002", 4), ("000", 5), ("001", 2), ("003", 2)],
     (13, 4)),
    ({"from": "2020", "to": "2020"}, [("002", 4), ("000", 5), ("001", 2), ("003", 2)], (13, 4)),
    ({"from": "2021"}, [], (0, 0)),
    ({"to": "2020-11"}, [], (0, 0)),
])
def test_date_filters_are_inclusive(engine, dates, expected, totals):
    response = run(engine, q="Soleimani", **dates)
    assert order(response) == expected
    assert (response.total_paragraphs, response.total_articles) == totals
    # a date facet ignores the date filter (its own), so other days can be chosen
    assert [b[:4] for b in buckets(response, "day")] == [b[:4] for b in SOLEIMANI_DAYS]
    assert buckets(response, "month")[0][:4] == ("2020-12", "2020-12", 13, 4)


def test_date_buckets_know_when_they_are_selected(engine):
    day = run(engine, q="Soleimani", **{"from": "2020-12-10", "to": "2020-12-10"})
    assert [b[0] for b in buckets(day, "day") if b[4]] == ["2020-12-10"]
    assert [b[0] for b in buckets(day, "month") if b[4]] == []
    month = run(engine, q="Soleimani", **{"from": "2020-12", "to": "2020-12"})
    assert [b[0] for b in buckets(month, "month") if b[4]] == ["2020-12"]
    assert [b[0] for b in buckets(month, "day") if b[4]] == []
    spelled = run(engine, q="Soleimani", **{"from": "2020-12-01", "to": "2020-12-31"})
    assert [b[0] for b in buckets(spelled, "month") if b[4]] == ["2020-12"]


@pytest.mark.parametrize("dates, expected", [
    ({}, ["a", "b", "d", "c"]),
    ({"from": "2020"}, ["b", "c"]),
    ({"to": "2019"}, ["a"]),
    ({"from": "2020-01", "to": "2020-01"}, ["b"]),
    ({"to": "2020-01-15"}, ["a", "b"]),
    ({"from": "2020-01-15", "to": "2020-01-15"}, ["b"]),
    ({"from": "2020-01-16"}, ["c"]),
    ({"from": "2019-05-03", "to": "2020-01-14"}, []),
    ({"from": "2020-02", "to": "2020-02-29"}, []),  # a leap day is a date
])
def test_date_filters_on_several_months(tiny, dates, expected):
    response = run(tiny, q="widgets", **dates)
    assert [h.article_id for h in response.hits] == expected


def test_date_buckets_are_in_date_order_undated_last(tiny):
    response = run(tiny, q="widgets", source="alpha")
    # Article "a" says "widgets" in its title and one of its two paragraphs: 1 paragraph.
    assert buckets(response, "month") == [
        ("2019-05", "2019-05", 1, 1, False), ("2020-12", "2020-12", 1, 1, False)]
    response = run(tiny, q="widgets")
    assert [b[0] for b in buckets(response, "month")] == [
        "2019-05", "2020-01", "2020-12", "undated"]
    assert [b[0] for b in buckets(response, "day")] == [
        "2019-05-02", "2020-01-15", "2020-12-31", "undated"]
    assert buckets(response, "source") == [
        ("alpha", "Alpha", 2, 2, False), ("beta", "Beta", 1, 1, False),
        ("gamma", "Gamma", 1, 1, False)]


@pytest.mark.parametrize("sort, expected", [
    ("newest", ["c", "b", "a", "d"]),
    ("oldest", ["a", "b", "c", "d"]),
])
def test_sort_by_date_puts_undated_last(tiny, sort, expected):
    assert [h.article_id for h in run(tiny, q="widgets", sort=sort).hits] == expected
    flat = run(tiny, q="widgets", sort=sort, group="paragraph")
    assert list(dict.fromkeys(h.article_id for h in flat.hits)) == expected


@pytest.mark.parametrize("bad, param, code", [
    ({"from": "2020-13"}, "from", "invalid_date"),
    ({"from": "2020-02-30"}, "from", "invalid_date"),
    ({"to": "12/31/2020"}, "to", "invalid_date"),
    ({"to": "yesterday"}, "to", "invalid_date"),
    ({"from": "2020-12-11", "to": "2020-12-10"}, "from", "invalid_range"),
    ({"from": "2021", "to": "2020"}, "from", "invalid_range"),
])
def test_bad_dates(bad, param, code):
    with pytest.raises(SearchError) as caught:
        search_request({"q": "Iran", **bad}, SETTINGS)
    assert (caught.value.code, caught.value.param) == (code, param)


# ------------------------------------------------------------------ grouping, paging, sorting


def test_group_by_article_or_paragraph(engine):
    articles = run(engine, q="Soleimani")
    paragraphs = run(engine, q="Soleimani", group="paragraph")
    assert articles.total == 4 and paragraphs.total == 13
    assert (articles.pages, paragraphs.pages) == (1, 2)
    assert len(articles.hits) == 4 and len(paragraphs.hits) == 10
    assert all(len(h.paragraphs) == 1 for h in paragraphs.hits)
    # each paragraph hit tells how many of its article's paragraphs match
    counts = dict(order(articles))
    assert all(h.matched_paragraphs == counts[SHORT[h.article_id]] for h in paragraphs.hits)
    # paragraphs ranked by score, best first
    scores = [h.score for h in paragraphs.hits]
    assert scores == sorted(scores, reverse=True)
    # the best paragraph is the first one shown for its article (which, ranked as a whole
    # article, need not come first)
    best = paragraphs.hits[0]
    article = next(h for h in articles.hits if h.article_id == best.article_id)
    assert article.paragraphs[0].id == best.paragraphs[0].id


@pytest.mark.parametrize("group, per_page", [("paragraph", 7), ("paragraph", 10),
                                             ("article", 3), ("article", 1)])
def test_pages_follow_on(engine, group, per_page):
    everything = run(engine, q="US", group=group, per_page="100")
    total = everything.total
    pages = math.ceil(total / per_page)
    seen = []
    for page in range(1, pages + 2):
        response = run(engine, q="US", group=group, per_page=str(per_page), page=str(page))
        assert response.pages == pages
        assert len(response.hits) == (min(per_page, total - (page - 1) * per_page)
                                      if page <= pages else 0)
        seen += [h.paragraphs[0].id if group == "paragraph" else h.article_id
                 for h in response.hits]
    assert seen == [h.paragraphs[0].id if group == "paragraph" else h.article_id
                    for h in everything.hits]


@pytest.mark.parametrize("params, code, param", [
    ({"per_page": "0"}, "invalid_parameter", "per_page"),
    ({"per_page": "101"}, "invalid_parameter", "per_page"),
    ({"per_page": "ten"}, "invalid_parameter", "per_page"),
    ({"page": "0"}, "invalid_parameter", "page"),
    ({"page": "-1"}, "invalid_parameter", "page"),
    ({"sort": "best"}, "invalid_parameter", "sort"),
    ({"group": "source"}, "invalid_parameter", "group"),
    ({"fuzzy": "maybe"}, "invalid_parameter", "fuzzy"),
    ({"strict": "2"}, "invalid_parameter", "strict"),
])
def test_bad_parameters(params, code, param):
    with pytest.raises(SearchError) as caught:
        search_request({"q": "Iran", **params}, SETTINGS)
    assert (caught.value.code, caught.value.param) == (code, param)
    assert caught.value.status == 400


def test_paging_stops_at_the_window(engine):
    last = run(engine, q="US", page=str(MAX_WINDOW // 100), per_page="100")
    assert last.hits == [] and last.pages == 1
    for page, per_page in ((MAX_WINDOW // 100 + 1, 100), (MAX_WINDOW // 10 + 1, 10)):
        with pytest.raises(SearchError) as caught:
            run(engine, q="US", page=str(page), per_page=str(per_page))
        assert (caught.value.code, caught.value.param) == ("page_too_deep", "page")
        assert "format=jsonl or csv" in caught.value.message


def test_sort_by_date(engine):
    newest = run(engine, q="Soleimani", sort="newest")
    oldest = run(engine, q="Soleimani", sort="oldest")
    # same day (000 and 001, 2020-12-31): article id order both ways
    assert order(newest) == [("000", 5), ("001", 2), ("002", 4), ("003", 2)]
    assert order(oldest) == [("003", 2), ("002", 4), ("000", 5), ("001", 2)]
    flat = run(engine, q="Soleimani", sort="newest", group="paragraph", per_page="100")
    assert [h.paragraphs[0].id.replace(h.article_id, SHORT[h.article_id]) for h in flat.hits] \
        == ["000#1", "000#3", "000#12", "000#13", "000#17", "001#2", "001#10",
            "002#4", "002#5", "002#7", "002#10", "003#4", "003#11"]


def test_empty_query_lists_everything_newest_first(engine):
    response = run(engine, q="")
    assert order(response) == [("000", 19), ("001", 16), ("002", 10), ("003", 14)]
    assert (response.total_paragraphs, response.total_articles) == (59, 4)
    assert response.understood == "" and response.suggestion is None
    # no ranking: an article shows its first paragraphs, in order
    assert [[p.number for p in h.paragraphs] for h in response.hits] == [[1, 2, 3]] * 4
    assert order(run(engine, q="", sort="oldest")) == [
        ("003", 14), ("002", 10), ("000", 19), ("001", 16)]
    assert buckets(response, "source") == [
        ("cnn", "CNN", 19, 1, False), ("esta", "ESTA", 16, 1, False),
        ("zero hedge", "Zero Hedge", 14, 1, False), ("amn", "AMN", 10, 1, False)]


@pytest.mark.parametrize("q", ['""', "-", "(", '"', ":", "NOT the", "-the"])
def test_queries_without_words_find_nothing_quietly(engine, q):
    response = run(engine, q=q)
    assert response.total_paragraphs == 0, q
    assert response.hits == [] and response.suggestion is None


@pytest.mark.parametrize("q, understood, paragraphs", [
    ("the", "the", 53), ("What is it", '"what is it"', 0), ("AND", "and", 28),
    ("What does that", '"what does that"', 1),
])
def test_a_query_of_stop_words_only_searches_them_as_written(engine, q, understood,
                                                              paragraphs):
    response = run(engine, q=q)
    assert response.understood == understood
    assert response.total_paragraphs == paragraphs


def test_a_lone_wildcard_matches_everything(engine):
    assert run(engine, q="*").total_paragraphs == 59


# ------------------------------------------------------------------ did you mean


@pytest.mark.parametrize("params, suggested", [
    ({"q": "Fakrizadeh"}, "fakhrizadeh"),
    ({"q": "Mckenzei", "fuzzy": "false"}, "mckenzie"),
    ({"q": "Fakrizadeh", "source": "AMN"}, "fakhrizadeh"),
])
def test_did_you_mean(engine, params, suggested):
    response = run(engine, **params)
    assert response.total_paragraphs == 0
    assert response.suggestion is not None
    assert response.suggestion.q.lower() == suggested
    better = run(engine, **{**params, "q": response.suggestion.q})
    assert better.total_paragraphs == response.suggestion.paragraphs > 0
    assert better.total_articles == response.suggestion.articles


def test_misspelt_name_is_found_as_a_variant(engine):
    """With name variants on, "Mckenzei" already finds McKenzie: no suggestion needed."""
    response = run(engine, q="Mckenzei")
    assert response.variants == {"mckenzei": ["mckenzie"]}
    assert order(response) == EXACT["McKenzie"][0]
    assert response.suggestion is None


def test_no_suggestion_that_finds_nothing_more(engine):
    assert run(engine, q="Hezbollah").suggestion is None  # found 1, nothing closer finds more
    assert run(engine, q="zzyzx").suggestion is None


# ------------------------------------------------------------------ strict mode


@pytest.mark.parametrize("q, where", [
    ('"Persian Gulf', "unclosed quote at character 1"),
    ("Iran (Iraq", "'(' is never closed at character 6"),
    ("Iran)", "')' without '(' at character 5"),
    ("Iran AND", "AND needs something after it at character 6"),
    ("OR Iran", "OR needs something before it at character 1"),
    ("day:2020 Iran", "unknown field 'day'"),
])
def test_strict_mode_says_where(engine, q, where):
    with pytest.raises(SearchError) as caught:
        run(engine, q=q, strict="true")
    assert (caught.value.code, caught.value.param) == ("invalid_query", "q")
    assert where in caught.value.message
    run(engine, q=q)  # lenient: searched anyway


def test_strict_mode_accepts_good_queries(engine):
    for q in ('"Persian Gulf" bombers -Iraq', "(Iran OR Iraq) AND title:militias",
              "source:CNN Soleimani", "Solei*", "+B-52"):
        run(engine, q=q, strict="true")


# ------------------------------------------------------------------ related coverage


def test_related_coverage_finds_the_same_statement(engine):
    cnn = engine.related(f"{CNN}#7", SETTINGS.related_limit)
    assert cnn[0].paragraphs[0].id == f"{ESTA}#13"
    esta = engine.related(f"{ESTA}#13", SETTINGS.related_limit)
    assert esta[0].paragraphs[0].id == f"{CNN}#7"
    for hits, own in ((cnn, CNN), (esta, ESTA)):
        assert own not in {h.article_id for h in hits}
        assert len(hits) <= 10 and all(len(h.paragraphs) == 1 for h in hits)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert "<mark>hold Iran responsible</mark>" in cnn[0].paragraphs[0].snippet
    assert len(engine.related(f"{CNN}#7", 2)) == 2


@pytest.mark.parametrize("pid", [f"{CNN}#99", "nope#1", "nope", f"{CNN}#x", "#3"])
def test_related_unknown_paragraph(engine, pid):
    with pytest.raises(NotFound) as caught:
        engine.related(pid, SETTINGS.related_limit)
    assert (caught.value.code, caught.value.param, caught.value.status) == (
        "paragraph_not_found", "id", 404)


# ------------------------------------------------------------------ export, articles, sources


def test_export_gives_every_matching_paragraph_in_order(engine):
    request = search_request({"q": "US"}, SETTINGS)
    rows = engine.export(request, SETTINGS.export_limit)
    assert len(rows) == 35
    flat = run(engine, q="US", group="paragraph", per_page="100")
    assert [(r.article_id, r.paragraph) for r in rows] == [
        (h.article_id, h.paragraphs[0].number) for h in flat.hits]
    assert [r.score for r in rows] == [h.score for h in flat.hits]
    first = rows[0]
    assert (first.title, first.source, first.date) == (flat.hits[0].title, "CNN", "2020-12-31")
    assert "<mark>" not in " ".join(r.text for r in rows)
    assert len(engine.export(request, 5)) == 5
    oldest_esta = search_request({"q": "US", "source": "ESTA", "sort": "oldest"}, SETTINGS)
    limited = engine.export(oldest_esta, SETTINGS.export_limit)
    assert {r.article_id for r in limited} == {ESTA} and len(limited) == 10
    assert [r.paragraph for r in limited] == sorted(r.paragraph for r in limited)


def test_get_article(engine):
    article = engine.article(CNN)
    assert article.title.startswith("US defense officials divided")
    assert (article.source, article.date) == ("CNN", "2020-12-31")
    assert article.extra == {"publication": "machine-paraphrased copy of CNN's report"}
    assert [p.number for p in article.paragraphs] == list(range(1, 20))
    assert article.paragraphs[6].text.startswith("Trump then supplied")
    with pytest.raises(NotFound) as caught:
        engine.article("nope")
    assert (caught.value.code, caught.value.param) == ("article_not_found", "id")


def test_sources_and_health(engine):
    assert [(s.key, s.name, s.articles, s.paragraphs) for s in engine.sources()] == [
        ("amn", "AMN", 1, 10), ("cnn", "CNN", 1, 19), ("esta", "ESTA", 1, 16),
        ("zero hedge", "Zero Hedge", 1, 14)]
    status = engine.health()
    assert (status.status, status.articles, status.paragraphs) == ("ok", 4, 59)


def test_seed_index_is_built(engine):
    assert engine.is_usable()


def test_title_only_article(tiny):
    # A title match adds the article, not a paragraph: the paragraph list has a's only.
    response = run(tiny, q="gadgets", group="paragraph")
    assert [(h.article_id, h.paragraphs[0].number) for h in response.hits] == [("a", 2)]
    assert (response.total_paragraphs, response.total_articles) == (1, 2)
    articles = run(tiny, q="gadgets")
    assert [(h.article_id, h.matched_paragraphs, h.paragraphs[0].opening)
            for h in articles.hits] == [("e", 0, True), ("a", 1, False)]
    title_only = articles.hits[0]
    assert (title_only.title, title_only.paragraphs[0].text, title_only.paragraphs[0].snippet) \
        == ("Gadgets, a title only", "", "")
    assert tiny.article("e").paragraphs == []
    # a title is no paragraph: /api/sources agrees with /api/health
    assert [(s.key, s.name, s.articles, s.paragraphs) for s in tiny.sources()] == [
        ("alpha", "Alpha", 2, 3), ("beta", "Beta", 1, 1), ("delta", "Delta", 1, 0),
        ("gamma", "Gamma", 1, 1)]
    assert (tiny.health().articles, tiny.health().paragraphs) == (5, 5)


def test_words_keep_their_places_when_the_parser_gives_up(engine):
    """Stacked operators make whoosh's parser fail; the words are searched instead, and
    name variants and did-you-mean still read them from the right characters."""
    response = run(engine, q="“ANDNOT” ANDNOT ANDNOT ANDNOT  Suleimani")
    assert response.variants == {"suleimani": ["soleimani"]}
    assert response.total_articles == 4


def test_proximity_finds_the_words_within_so_many_words(engine):
    """ZH#1: "B-52 bombers to conduct a 36-hour 'show-of-force' mission in the Persian
    Gulf": "gulf" is 13 words after "bombers"."""
    assert run(engine, q='"bombers gulf"~12').total_paragraphs == 0
    near = run(engine, q='"bombers gulf"~13', group="paragraph")
    assert near.understood == '"bombers gulf"~13'
    assert [h.paragraphs[0].id for h in near.hits] == [f"{ZH}#1"]
    snippet = near.hits[0].paragraphs[0].snippet
    assert "<mark>bombers</mark>" in snippet and "<mark>Gulf</mark>" in snippet
    assert run(engine, q='"gulf bombers"~20').total_paragraphs == 0  # in this order only


def test_a_pattern_standing_for_too_many_words_is_refused(seed_index):
    narrow = open_archive(seed_index, Settings(max_expansions=3))
    try:
        words = {m.lower().removesuffix("’s") for h in run(narrow, q="milit*",
                                                            group="paragraph",
                                                            per_page="100").hits
                 for m in re.findall(r"<mark>(.*?)</mark>", h.paragraphs[0].snippet)}
        assert words == {"military", "militia", "militias"}  # 3 words: allowed
        with pytest.raises(SearchError) as caught:
            run(narrow, q="s*")
        assert (caught.value.code, caught.value.status, caught.value.param) == (
            "pattern_too_broad", 400, "q")
        assert str(caught.value) == ("q: s* stands for more than 3 different words; type more"
                                     " letters before the *")
    finally:
        narrow.close()
    everything = run(open_archive(seed_index), q="*")
    assert everything.total_articles == 4
