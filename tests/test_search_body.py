"""The search body as every engine must execute it (``EngineReader.search``), on every engine
installed, on the seed corpus and the tiny corpus: filters, named post filters with
aggregations that leave their own out, collapse by article with inner hits, from/size,
sort by score or date, and the articles index. No engine library, no engine's scores.

"bombers" (stem "bomber") is in 8 seed paragraphs, read off the texts: CNN (000) #9,
ESTA (001) #5 #7, AMN (002) #8, Zero Hedge (003) #1 #2 #4 #6. CNN and ESTA are of
2020-12-31, AMN of 2020-12-11, Zero Hedge of 2020-12-10.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from searchsvc import request as rq
from searchsvc.analysis import stem
from searchsvc.engine import EngineReader, builder
from searchsvc.indexer import live_path, read_meta
from searchsvc.settings import Settings

BOMBERS = rq.Term("text", stem("bombers"))
PARAGRAPHS = ["000#9", "001#5", "001#7", "002#8", "003#1", "003#2", "003#4", "003#6"]
SOURCE_FILTER = (("source", rq.SourceIn(("cnn", "esta"))),)


def _open(root: Path) -> EngineReader:
    path = live_path(root)
    return builder(read_meta(path)["engine"]).open(path, Settings())


@pytest.fixture(scope="module")
def reader(seed_index: Path):
    opened = _open(seed_index)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def tiny_reader(tiny_index: Path):
    opened = _open(tiny_index)
    yield opened
    opened.close()


def names(reader: EngineReader, docs) -> list[str]:
    """Entries as article prefix and paragraph number: 003#4."""
    return [f"{reader.stored(int(d)).article_id[:3]}#{reader.stored(int(d)).para}" for d in docs]


def by_key(reader: EngineReader, counts: np.ndarray) -> dict[str, int]:
    return {key: int(n) for key, n in zip(reader.columns.source_keys, counts, strict=True)
            if n}


def test_every_hit_and_the_total(reader):
    found = reader.search(rq.SearchBody(query=BOMBERS, size=None))
    assert found.total == 8
    assert sorted(names(reader, found.docs)) == PARAGRAPHS
    assert list(found.scores) == sorted(found.scores, reverse=True)


def test_from_and_size_page_through_the_same_order(reader):
    every = reader.search(rq.SearchBody(query=BOMBERS, size=None,
                                        sort=("_score", "article", "para")))
    pages = [reader.search(rq.SearchBody(query=BOMBERS, from_=start, size=3,
                                         sort=("_score", "article", "para")))
             for start in (0, 3, 6)]
    assert [len(p.docs) for p in pages] == [3, 3, 2]
    assert {p.total for p in pages} == {8}
    assert np.concatenate([p.docs for p in pages]).tolist() == every.docs.tolist()


def test_size_zero_counts_without_hits(reader):
    found = reader.search(rq.SearchBody(query=BOMBERS, size=0, aggs=(rq.TermsAgg("s"),)))
    assert (found.total, len(found.docs)) == (8, 0)
    assert by_key(reader, found.aggregations["s"]) == {"cnn": 1, "esta": 2, "amn": 1,
                                                       "zero hedge": 4}


def test_filter_narrows_hits_and_counts(reader):
    found = reader.search(rq.SearchBody(query=BOMBERS, size=None,
                                        filter=(rq.SourceIn(("zero hedge",)),),
                                        aggs=(rq.TermsAgg("s"),)))
    assert sorted(names(reader, found.docs)) == ["003#1", "003#2", "003#4", "003#6"]
    assert by_key(reader, found.aggregations["s"]) == {"zero hedge": 4}


def test_post_filter_narrows_hits_but_not_the_facet_that_leaves_it_out(reader):
    found = reader.search(rq.SearchBody(
        query=BOMBERS, size=None, post_filter=SOURCE_FILTER,
        aggs=(rq.TermsAgg("own", leave_out=("source",)), rq.TermsAgg("all"))))
    assert sorted(names(reader, found.docs)) == ["000#9", "001#5", "001#7"]
    assert found.total == 3
    assert by_key(reader, found.aggregations["own"]) == {"cnn": 1, "esta": 2, "amn": 1,
                                                         "zero hedge": 4}
    assert by_key(reader, found.aggregations["all"]) == {"cnn": 1, "esta": 2}


def test_date_histograms_count_per_day_and_month(reader):
    found = reader.search(rq.SearchBody(
        query=BOMBERS, size=0, post_filter=SOURCE_FILTER,
        aggs=(rq.DateHistogram("day", "day", leave_out=("source",)),
              rq.DateHistogram("month", "month"))))
    days, _ = reader.columns.periods(10)
    months, _ = reader.columns.periods(7)
    assert dict(zip(days, found.aggregations["day"].tolist(), strict=True)) == {
        "2020-12-10": 4, "2020-12-11": 1, "2020-12-31": 3}
    assert dict(zip(months, found.aggregations["month"].tolist(), strict=True)) == {
        "2020-12": 3}


def test_a_weekly_histogram_counts_iso_weeks_keyed_by_their_monday(reader, tiny_reader):
    """Zero Hedge (Thursday 10 Dec 2020) and AMN (Friday 11 Dec) share the week of Monday
    7 Dec; CNN and ESTA (Thursday 31 Dec) are in the week of Monday 28 Dec, ISO week 53."""
    found = reader.search(rq.SearchBody(query=BOMBERS, size=0,
                                        aggs=(rq.DateHistogram("week", "week"),)))
    weeks, _ = reader.columns.periods("week")
    assert dict(zip(weeks, found.aggregations["week"].tolist(), strict=True)) == {
        "2020-12-07": 5, "2020-12-28": 3}
    # The tiny corpus, one article a period: a Thursday, a Wednesday, a Monday (its own
    # week's key), a Thursday; the undated article last.
    every = tiny_reader.search(rq.SearchBody(index="articles", size=0, track_scores=False,
                                             aggs=(rq.DateHistogram("w", "week"),)))
    labels, _ = tiny_reader.columns.periods("week")
    assert labels == ["2019-04-29", "2020-01-13", "2020-06-01", "2020-12-28", "undated"]
    assert every.aggregations["w"].tolist() == [1, 1, 1, 1, 1]


def test_day_range_filter(reader):
    found = reader.search(rq.SearchBody(query=BOMBERS, size=None,
                                        filter=(rq.DayRange("2020-12-11", "2020-12-31"),)))
    assert sorted(names(reader, found.docs)) == ["000#9", "001#5", "001#7", "002#8"]


def test_article_and_entry_filters(reader):
    codes = np.asarray([reader.columns.article_ids.index(a) for a in sorted(
        reader.columns.article_ids)[1:3]])  # ESTA and AMN
    found = reader.search(rq.SearchBody(query=BOMBERS, size=None,
                                        filter=(rq.ArticleIn(codes),)))
    assert sorted(names(reader, found.docs)) == ["001#5", "001#7", "002#8"]
    some = np.sort(found.docs[:2])
    within = reader.search(rq.SearchBody(query=BOMBERS, size=None, filter=(rq.EntryIn(some),)))
    assert sorted(within.docs.tolist()) == some.tolist()


def test_collapse_gives_one_group_per_article_with_its_best_entries(reader):
    found = reader.search(rq.SearchBody(query=BOMBERS, size=None, collapse=rq.Collapse(2),
                                        sort=("_score", "article", "para")))
    assert found.total == 8
    groups = {reader.columns.article_ids[g.article][:3]: g for g in found.groups}
    assert {a: g.total for a, g in groups.items()} == {"000": 1, "001": 2, "002": 1, "003": 4}
    assert {a: len(g.docs) for a, g in groups.items()} == {"000": 1, "001": 2, "002": 1,
                                                           "003": 2}
    for article, group in groups.items():
        assert {n.split("#")[0] for n in names(reader, group.docs)} == {article}
        assert list(group.scores) == sorted(group.scores, reverse=True)
    # groups in the order of their best entry; docs holds each group's best
    assert found.docs.tolist() == [int(g.docs[0]) for g in found.groups]
    assert list(found.scores) == sorted(found.scores, reverse=True)
    second = reader.search(rq.SearchBody(query=BOMBERS, from_=1, size=2,
                                         collapse=rq.Collapse(2),
                                         sort=("_score", "article", "para")))
    assert [g.article for g in second.groups] == [g.article for g in found.groups[1:3]]


def test_the_articles_index_counts_articles(reader):
    found = reader.search(rq.SearchBody(query=BOMBERS, index="articles", size=None,
                                        sort=("-day", "article"), track_scores=False,
                                        aggs=(rq.TermsAgg("s"),)))
    ids = [reader.columns.article_ids[c][:3] for c in found.docs.tolist()]
    assert ids == ["000", "001", "002", "003"]  # newest first, the same day by id
    assert by_key(reader, found.aggregations["s"]) == {"cnn": 1, "esta": 1, "amn": 1,
                                                       "zero hedge": 1}
    assert not found.scores.any()


@pytest.mark.parametrize(("sort", "expected"), [
    ("-day", ["c", "b", "a", "d"]), ("day", ["a", "b", "c", "d"])])
def test_sort_by_date_puts_undated_last(tiny_reader, sort, expected):
    widgets = rq.Term("text", stem("widgets"))
    found = tiny_reader.search(rq.SearchBody(query=widgets, size=None,
                                             sort=(sort, "article", "para"),
                                             track_scores=False))
    articles = [tiny_reader.stored(int(d)).article_id for d in found.docs]
    assert list(dict.fromkeys(articles)) == expected
    assert Counter(articles) == {"a": 1, "b": 1, "c": 1, "d": 1}


def test_request_supplied_values_aggregate_per_article(reader):
    # Two values: "first" held by CNN and ESTA, "second" by ESTA alone.
    count = len(reader.columns.article_ids)
    cnn, esta = (reader.columns.article_ids.index(a) for a in sorted(
        reader.columns.article_ids)[:2])
    held = {cnn: [0], esta: [0, 1]}
    offsets = np.zeros(count + 1, dtype=np.int64)
    codes: list[int] = []
    owner: list[int] = []
    for code in range(count):
        codes += held.get(code, [])
        owner += [code] * len(held.get(code, []))
        offsets[code + 1] = len(codes)
    values = rq.ArticleValues(offsets, np.asarray(codes), 2, np.asarray(owner))
    agg = (rq.TermsAgg("v", "values", values),)
    entries = reader.search(rq.SearchBody(query=BOMBERS, size=0, aggs=agg))
    articles = reader.search(rq.SearchBody(query=BOMBERS, index="articles", size=0, aggs=agg))
    assert entries.aggregations["v"].tolist() == [3, 2]  # paragraphs: CNN 1 + ESTA 2; ESTA 2
    assert articles.aggregations["v"].tolist() == [2, 1]
