"""Related coverage on a small hand-made archive: the same story told by three outlets on
different days, a name spelt two ways, and an article that shares only a few words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchsvc import indexer as index
from searchsvc.app import create_app
from searchsvc.archive import open_archive
from searchsvc.settings import Settings

STORY = ("General {name} met militia commanders in Baghdad on Tuesday to plan rocket attacks"
         " on the embassy compound, according to intercepted radio messages reviewed by"
         " analysts.")
FILLER = [
    "Wheat harvests in Kansas were smaller than expected after a dry spring, farmers said.",
    "The central bank left rates unchanged on Tuesday and said inflation would ease.",
    "Shares of carmakers fell in Tokyo as the yen rose against the dollar on Tuesday.",
    "A storm closed the port of Rotterdam on Tuesday and delayed container ships.",
    "The museum reopened its east wing on Tuesday after a renovation of three years.",
    "Officials said the new bridge would open to traffic in the spring, two years late.",
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("related")
    records = [
        {"id": "wire", "source": "Wire", "date": "2021-03-02", "title": "Militia plans",
         "text": STORY.format(name="Suleimani")},
        # The same report a day earlier and two years later, in other outlets.
        {"id": "daily", "source": "Daily", "date": "2021-03-01", "title": "Baghdad meeting",
         "text": STORY.format(name="Soleimani")},
        {"id": "weekly", "source": "Weekly", "date": "2023-03-02", "title": "Baghdad meeting",
         "text": STORY.format(name="Soleimani")},
        # Shares three of the story's words, not the story.
        {"id": "other", "source": "Daily", "date": "2021-03-02", "title": "Football",
         "text": "Analysts on the radio praised the rocket speed of the club's striker."},
    ] + [{"id": f"filler{n}", "source": "Daily", "date": "2021-02-01", "title": f"News {n}",
          "text": text} for n, text in enumerate(FILLER)]
    jsonl = folder / "articles.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    root = folder / "index"
    index.build(root, None, jsonl)
    return root


@pytest.fixture(scope="module")
def engine(archive: Path):
    with open_archive(archive) as opened:
        yield opened


def test_same_story_closest_date_first_and_an_aside_left_out(engine):
    hits = engine.related("wire#1", 10)
    assert [hit.article_id for hit in hits] == ["daily", "weekly"]
    # the same text: only the date (a day against two years) sets them apart
    assert hits[0].score > hits[1].score
    # another spelling of the name counts, and is marked
    assert "<mark>Soleimani</mark>" in hits[0].paragraphs[0].snippet


def test_without_a_minimum_the_aside_comes_back(archive):
    with open_archive(archive, Settings(related_min_share=0.0)) as loose:
        assert "other" in [hit.article_id for hit in loose.related("wire#1", 10)]


def test_the_search_the_reader_came_from_is_marked_too(engine):
    plain = engine.related("wire#1", 10)[0].paragraphs[0].snippet
    assert "<mark>Tuesday</mark>" not in plain  # "Tuesday" is no key word: in filler too
    searched = engine.related("wire#1", 10, q="Tuesday")[0].paragraphs[0].snippet
    assert "<mark>Tuesday</mark>" in searched


def test_api_says_who_reported_first(archive):
    client = create_app(archive).test_client()
    data = client.get("/api/paragraphs/wire%231/related").get_json()
    assert data["first_reported"] == {
        "date": "2021-03-01",
        "by": [{"paragraph_id": "daily#1", "article_id": "daily", "source": "Daily"}]}
    assert [hit["article_id"] for hit in data["related"]] == ["daily", "weekly"]
    too_long = client.get("/api/paragraphs/wire%231/related", query_string={"q": "x" * 2001})
    assert too_long.status_code == 400
    assert too_long.get_json()["error"]["code"] == "query_too_long"


def test_page_lists_coverage_oldest_first_with_the_first_report_marked(archive):
    client = create_app(archive).test_client()
    page = client.get("/paragraphs/wire%231/related?q=Tuesday").get_data(as_text=True)
    assert "In 2 other articles, oldest first" in page
    assert ('First reported by Daily on <time datetime="2021-03-01">1 Mar 2021</time>.'
            in page)
    assert page.index("/articles/daily?q=Tuesday#p1") < page.index("/articles/weekly?q=Tuesday#p1")
    assert page.count('<span class="first-report">First report</span>') == 1
    # the quoted paragraph marks the search, and the way back keeps it
    assert "on <mark>Tuesday</mark> to" in page
    assert 'href="/articles/wire?q=Tuesday#p1" class="back-link"' in page


def test_nothing_related_says_so(engine, archive):
    assert engine.related("filler2#1", 10) == []
    page = create_app(archive).test_client().get("/paragraphs/filler2%231/related")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Nothing related" in text
    assert "First reported" not in text
