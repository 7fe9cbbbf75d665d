"""Attention over time on the Reuters slice of tests/test_trust.py (the first 400 articles
and every one on cocoa, interest or crude, February to October 1987): each series is the
search's day facet (every version counted) summed per day, ISO week or month, over the
articles of the period counted here from the slice's catalog dates."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from searchsvc import indexer as index
from searchsvc.archive import open_archive
from searchsvc.attention_models import AttentionRequest
from searchsvc.models import SearchRequest
from tests.test_trust import REUTERS, reuters_slice  # noqa: F401  # the slice's fixture

pytestmark = [pytest.mark.corpora,
              pytest.mark.skipif(not REUTERS.is_dir(), reason=f"no {REUTERS}")]

QUERIES = ("cocoa", "crude", "interest", "OPEC")


@pytest.fixture(scope="module")
def reuters(reuters_slice: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: F811
    root = tmp_path_factory.mktemp("attention-reuters-index")
    index.build(root, reuters_slice, facets=("topics",))
    with open_archive(root) as opened:
        yield opened


@pytest.fixture(scope="module")
def catalog(reuters_slice: Path) -> list[dict[str, str]]:  # noqa: F811
    with (reuters_slice / "catalog.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def period(day: str, interval: str) -> str:
    """The period of ``day``, worked out here: its month, its ISO week's Monday, itself."""
    if interval == "month":
        return day[:7]
    if interval == "week":
        year, week, _ = dt.date.fromisoformat(day).isocalendar()
        return dt.date.fromisocalendar(year, week, 1).isoformat()
    return day


def per_period(days: Counter, interval: str) -> Counter:
    out: Counter = Counter()
    for day, count in days.items():
        out[period(day, interval)] += count
    return out


@pytest.mark.parametrize("interval", ["day", "week", "month"])
def test_each_series_is_the_day_facet_over_the_catalogs_articles(reuters, catalog, interval):
    articles = per_period(Counter(row["date"][:10] for row in catalog if row["date"]),
                          interval)
    found = reuters.attention(AttentionRequest(QUERIES[:2], interval))
    found_too = reuters.attention(AttentionRequest(QUERIES[2:], interval))
    assert found.periods == found_too.periods
    assert {p.period: p.articles for p in found.periods if p.articles} == dict(articles)
    assert found.articles == len(catalog) and found.undated == 0
    keys = [p.period for p in found.periods]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert (keys[0], keys[-1]) == (min(articles), max(articles))
    for series in found.series + found_too.series:
        response = reuters.search(SearchRequest(q=series.q, collapse=False))
        assert not response.relaxed
        facet = per_period(Counter({b.value: b.articles for b in response.facets["day"]}),
                           interval)
        assert {p.period: p.matching for p in series.points if p.matching} == dict(facet)
        for point in series.points:
            expected = facet[point.period] / articles[point.period] \
                if articles[point.period] else None
            assert point.share == expected, (series.q, point)
        assert series.matching == response.total_articles > 50


def test_month_periods_run_through_months_without_articles(reuters):
    """The slice has no article of May, July, August or September 1987: those months are
    periods with no share (a gap in the chart), not left out."""
    found = reuters.attention(AttentionRequest(("cocoa", "crude"), "month"))
    assert [p.period for p in found.periods] == [f"1987-{m:02d}" for m in range(2, 11)]
    empty = [p.period for p in found.periods if not p.articles]
    assert empty == ["1987-05", "1987-07", "1987-08", "1987-09"]
    for series in found.series:
        assert [p.share for p in series.points if p.period in empty] == [None] * 4


def test_a_catalog_facet_narrows_the_denominator(reuters, catalog):
    """topics=cocoa: the share of the cocoa articles that mention buffer stocks."""
    cocoa = Counter(row["date"][:7] for row in catalog
                    if "cocoa" in row["topics"].split(";"))
    found = reuters.attention(AttentionRequest(("buffer", "Ivory Coast"), "month",
                                               catalog=(("topics", ("cocoa",)),)))
    assert {p.period: p.articles for p in found.periods if p.articles} == dict(cocoa)
    buffer = reuters.search(SearchRequest(q="buffer", collapse=False,
                                          catalog=(("topics", ("cocoa",)),)))
    assert found.series[0].matching == buffer.total_articles > 10
