"""The search page, the article view and the related-coverage page, through Flask's test client.

The seed corpus has four articles (CNN and ESTA on 2020-12-31, AMN on 2020-12-11, Zero
Hedge on 2020-12-10); ESTA's and Zero Hedge's have no title. A tiny corpus built here adds
what the seeds lack: an original URL, an undated article, hostile markup.
"""

from __future__ import annotations

import csv
import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from searchsvc import indexer as index
from searchsvc import labels
from searchsvc.app import create_app
from searchsvc.models import Bucket, SearchRequest
from searchsvc.pages.chart import date_chart
from searchsvc.pages.views import human_date

CNN = "000_a2d3934c72cc6993"
ESTA = "001_6c93bd1d9ff11c7a"
AMN = "002_2597359e734cd98a"
ZERO_HEDGE = "003_bf4d45bef3f202d2"
TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"


# ------------------------------------------------------------------ helpers


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each <a>, in document order."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.links: list[tuple[str, str]] = []  # (href, text)
        self._open_links: list[list] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "a":
            self._open_links.append([dict(attrs).get("href") or "", ""])

    def handle_endtag(self, tag):
        if tag == "a" and self._open_links:
            href, text = self._open_links.pop()
            self.links.append((href, " ".join(text.split())))

    def handle_data(self, data):
        for link in self._open_links:
            link[1] += data

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag
                and all(a.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())]

    def hrefs(self, text: str) -> list[str]:
        """Where the links whose text contains ``text`` go."""
        return [href for href, label in self.links if text in label]

    def exact(self, text: str) -> list[str]:
        """Where the links whose whole text is ``text`` go."""
        return [href for href, label in self.links if label == text]


def get(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def squash(text: str) -> str:
    return " ".join(text.split())


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def facet_counts(page: str) -> dict[str, tuple[int, bool]]:
    """Source checkbox value → (count shown, checked)."""
    out = {}
    pattern = re.compile(r'<input type="checkbox" id="source-\d+" name="source" value="([^"]*)"'
                         r' form="search-form"( checked)?>.*?<span class="count">(\d+)<', re.S)
    for value, checked, count in pattern.findall(page):
        out[html.unescape(value)] = (int(count), bool(checked))
    return out


def assert_clean(page: str) -> None:
    """No inline script, inline style or event handler, nothing from another origin."""
    doc = Elements(page)
    for tag, attrs in doc.tags:
        assert not [name for name in attrs if name.startswith("on") or name == "style"], tag
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/")
        for name in ("src", "href", "action"):
            value = attrs.get(name) or ""
            if tag == "a" and attrs.get("class") == "original":
                continue  # the article's own address: a link, never fetched by the page
            assert not re.match(r"^(?:[a-z]+:|//)", value), (tag, attrs)
    assert page.count("<script") == 1
    ids = [attrs["id"] for _, attrs in doc.tags if attrs.get("id")]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for _, attrs in doc.tags:  # every reference points at something
        for name in ("for", "aria-labelledby", "aria-describedby"):
            assert all(ref in ids for ref in (attrs.get(name) or "").split()), (name, attrs)


# ------------------------------------------------------------------ the search page


def test_landing_page_has_a_focused_labelled_box_tips_and_the_archive(client):
    page = get(client, "/")
    doc = Elements(page)
    (box,) = doc.find("input", id="q")
    assert box["name"] == "q" and box["type"] == "search" and "autofocus" in box
    assert doc.find("label", for_="q")
    assert doc.find("form", role="search")[0]["method"] == "get"
    assert '<details class="search-tips" id="search-tips">' in page
    for syntax in ('"drone strike"', "Iran OR Iraq", "missiles -Iraq", "milit*",
                   "source:CNN", "title:Iran"):
        assert syntax in page
    assert "<strong>4 articles</strong> in the archive" in page
    assert len(doc.find("li", class_="result")) == 4
    assert_clean(page)


def test_results_show_titles_sources_dates_counts_and_highlighted_snippets(client):
    page = get(client, "/?q=Soleimani")
    api = client.get("/api/search?q=Soleimani").get_json()
    doc = Elements(page)
    assert '<strong>4 articles</strong> match <q class="query-echo">Soleimani</q>' in squash(page)
    assert f"{api['total']['paragraphs']} paragraphs" in page
    assert re.search(r"· \d+ ms|· &lt;1 ms", page)
    (status,) = doc.find("p", id="result-count")
    assert status["aria-live"] == "polite" and status["role"] == "status"
    for hit in api["hits"]:
        paragraph = hit["paragraphs"][0]
        href = f"/articles/{hit['article_id']}?q=Soleimani#p{paragraph['number']}"
        assert href in doc.hrefs(""), href
        assert f"{hit['matched_paragraphs']} matching paragraphs" in page
        for p in hit["paragraphs"]:
            assert p["snippet"] in page  # the API's HTML, as is
            # the search goes along, to be marked there too
            related = f"/paragraphs/{hit['article_id']}%23{p['number']}/related?q=Soleimani"
            assert related in doc.hrefs("Related coverage")
    assert page.count("<mark>") == sum(p["snippet"].count("<mark>")
                                       for h in api["hits"] for p in h["paragraphs"])
    titled = ("US defense officials divided over potential for Iranian attack on eve of grim"
              " anniversary")
    assert doc.exact(titled) == [f"/articles/{CNN}?q=Soleimani"]  # the top, not ¶13
    # Untitled articles: the source and their first words, never an empty link.
    assert doc.hrefs("ESTA: SULAIMANI (ESTA) — The U.S. military is bracing for a…")
    assert doc.hrefs("Zero Hedge: The Pentagon ordered two B-52 bombers to conduct a 36-hour…")
    assert '<time datetime="2020-12-31">31 Dec 2020</time>' in page
    assert '<span class="source">AMN</span>' in page


def test_at_most_three_snippets_per_article(client):
    """Each of the four articles has more than three matching paragraphs (5 to 12): three
    snippets each, no fewer, no more."""
    page = get(client, "/?q=Iran")
    results = page.split('<li class="result">')[1:]
    assert [result.count('<li class="snippet">') for result in results] == [3, 3, 3, 3]


def test_source_facet_shows_the_apis_counts_as_checkboxes(client):
    page = get(client, "/?q=Soleimani")
    api = client.get("/api/search?q=Soleimani").get_json()
    shown = facet_counts(page)
    assert shown == {b["value"]: (b["articles"], False) for b in api["facets"]["source"]}
    assert shown["cnn"] == (1, False)
    assert '<label for="source-1"><span class="source-name">' in page
    assert 'Apply filters</button>' in page


def test_ticking_sources_filters_and_keeps_the_other_counts(client):
    page = get(client, "/?q=Soleimani&source=cnn")
    doc = Elements(page)
    assert "<strong>1 article</strong> matches" in squash(page)
    articles = [h for h, _ in doc.links if h.startswith("/articles/")]
    assert articles[0].startswith(f"/articles/{CNN}?")
    shown = facet_counts(page)
    assert shown["cnn"] == (1, True)
    assert shown["esta"] == (1, False) and shown["amn"] == (1, False)  # own filter excluded
    # The chip removes the source, "clear all" every filter; both keep the query.
    assert doc.hrefs("Source: CNN") == ["/?q=Soleimani"]
    assert doc.hrefs("Clear all filters") == ["/?q=Soleimani"]

    two = get(client, "/?q=Soleimani&source=cnn&source=ESTA")
    assert "<strong>2 articles</strong>" in two
    assert facet_counts(two)["esta"] == (1, True)
    chips = Elements(two)
    assert chips.hrefs("Source: CNN") == ["/?q=Soleimani&source=ESTA"]
    assert chips.hrefs("Source: ESTA") == ["/?q=Soleimani&source=cnn"]


def test_date_chart_has_a_bar_per_day_linking_to_that_day(client):
    page = get(client, "/?q=Soleimani")
    doc = Elements(page)
    bars = [a for a in doc.find("a") if "bar" in (a.get("class") or "").split()]
    assert [query_of(b["href"])["from"] for b in bars] == [["2020-12-10"], ["2020-12-11"],
                                                           ["2020-12-31"]]
    assert all(query_of(b["href"])["from"] == query_of(b["href"])["to"] for b in bars)
    assert all(query_of(b["href"])["q"] == ["Soleimani"] for b in bars)
    # Every day from the first to the last has a bar; empty days are not links.
    assert page.count('class="bar empty"') == 22 - 3
    assert re.search(r'class="fill lv20"', page)  # the busiest day is full height
    assert "31 Dec 2020: 2 articles" in page and "10 Dec 2020: 1 article<" in page
    assert "Articles per day" in page


def test_a_day_filter_shows_a_chip_and_marks_its_bar(client):
    page = get(client, "/?q=Soleimani&from=2020-12-31&to=2020-12-31")
    doc = Elements(page)
    assert "<strong>2 articles</strong>" in page
    assert doc.hrefs("Date: 31 Dec 2020") == ["/?q=Soleimani"]
    (selected,) = [a for a in doc.find("a") if a.get("aria-current") == "true"
                   and "bar" in (a.get("class") or "")]
    assert query_of(selected["href"])["from"] == ["2020-12-31"]
    assert 'value="2020-12-31"' in page  # the from/to form shows the range
    # The source counts respect the date filter: AMN and Zero Hedge are other days.
    assert set(facet_counts(page)) == {"cnn", "esta"}

    open_end = Elements(get(client, "/?q=Soleimani&from=2020-12-11"))
    assert open_end.hrefs("From 11 Dec 2020") == ["/?q=Soleimani"]
    assert not open_end.hrefs("Up to")


def test_month_and_year_charts_for_long_spans():
    def bucket(value, articles):
        return Bucket(value, value, articles * 2, articles, False)

    request = SearchRequest(q="x")
    filters = request.filters()
    days = [bucket("2020-01-05", 1), bucket("2020-06-01", 3), bucket("undated", 2)]
    with create_app("/nonexistent").test_request_context():
        chart = date_chart(request, filters, days)
        assert chart.unit == "month" and chart.undated == 2
        assert [b.value for b in chart.bars] == [f"2020-{m:02d}" for m in range(1, 7)]
        assert [b.level for b in chart.bars] == [7, 0, 0, 0, 0, 20]
        assert chart.bars[0].label == "Jan 2020"
        assert query_of(chart.bars[5].href) == {"q": ["x"], "from": ["2020-06"], "to": ["2020-06"]}

        long_days = [bucket("2001-03-01", 1), bucket("2020-06-01", 3)]
        chart = date_chart(request, filters, long_days)
        assert chart.unit == "year" and len(chart.bars) == 20
        assert chart.bars[0].value == "2001" and chart.bars[-1].articles == 3


def test_sort_links_and_order(client):
    doc = Elements(get(client, "/?q=Soleimani"))
    (current,) = [a for a in doc.find("a") if a.get("aria-current") == "true"]
    assert current["href"] == "/?q=Soleimani&sort=relevance" or current["href"] == "/?q=Soleimani"
    assert doc.hrefs("Newest") == ["/?q=Soleimani&sort=newest"]
    assert doc.hrefs("Oldest") == ["/?q=Soleimani&sort=oldest"]
    oldest = Elements(get(client, "/?q=Soleimani&sort=oldest"))
    articles = [h for h, _ in oldest.links if h.startswith("/articles/")]
    assert articles[0] == f"/articles/{ZERO_HEDGE}?q=Soleimani&sort=oldest"  # the headline
    # A new search keeps the sort.
    assert '<input type="hidden" name="sort" value="oldest">' in get(
        client, "/?q=Soleimani&sort=oldest")


def test_paging(client):
    first = get(client, "/?q=Soleimani&per_page=1")
    doc = Elements(first)
    assert doc.hrefs("Next") == ["/?q=Soleimani&page=2&per_page=1"]
    assert not doc.hrefs("Previous")
    assert '<a href="/?q=Soleimani&amp;per_page=1" aria-current="page"' in first
    assert doc.hrefs("Page 4") == ["/?q=Soleimani&page=4&per_page=1"]
    second = Elements(get(client, "/?q=Soleimani&per_page=1&page=2"))
    assert second.hrefs("Previous") == ["/?q=Soleimani&per_page=1"]
    assert second.hrefs("Next") == ["/?q=Soleimani&page=3&per_page=1"]
    assert '<ol class="result-list" start="2">' in get(client, "/?q=Soleimani&per_page=1&page=2")
    last = Elements(get(client, "/?q=Soleimani&per_page=1&page=4"))
    assert not last.hrefs("Next")
    # No pager when everything fits on one page.
    assert 'class="pager"' not in get(client, "/?q=Soleimani")


def test_did_you_mean_and_a_helpful_empty_state(client):
    page = get(client, "/?q=bombrs")
    doc = Elements(page)
    assert "No results for <q>bombrs</q>" in page
    assert doc.hrefs("bombers") == ["/?q=bombers"]
    assert 'id="empty-state"' in page and "search tips" in page

    filtered = get(client, "/?q=Nimitz&source=amn")
    doc = Elements(filtered)
    assert "No results for <q>Nimitz</q> with these filters" in filtered
    assert doc.hrefs("Remove the source filter") == ["/?q=Nimitz"]
    assert 'Remove the source filter</a> <span class="muted">(1 article)</span>' in filtered
    assert facet_counts(filtered) == {"cnn": (1, False), "amn": (0, True)}


def test_query_errors_are_shown_in_the_page(client):
    response = client.get("/?q=%22abc&strict=true")
    assert response.status_code == 400 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page
    assert "q: unclosed quote at character 1" in page
    assert "Traceback" not in page
    doc = Elements(page)
    assert doc.find("input", id="q")[0]["value"] == '"abc'
    assert doc.hrefs("Search leniently") == ["/?q=%22abc"]
    assert response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(("url", "message", "invalid"), [
    ("/?q=x&from=2020-13", "from=2020-13 is not a date: there is no month 13", "from"),
    ("/?q=x&to=yesterday", "to=yesterday is not a date; use YYYY-MM-DD", "to"),
    ("/?q=x&from=2021&to=2020", "from (2021) is after to (2020)", "from"),
    ("/?q=x&page=abc", "page=&#39;abc&#39; is not a whole number", None),
    ("/?q=x&sort=sideways", "must be one of relevance, newest, oldest", None),
    ("/?q=x&page=500", "Page 500 would start past result 1,000", None),
])
def test_bad_parameters_are_shown_in_the_page(client, url, message, invalid):
    page = get(client, url, 400)
    assert message in page and 'role="alert"' in page
    doc = Elements(page)
    if invalid:
        (field,) = doc.find("input", id=invalid)
        assert field["aria-invalid"] == "true"
        assert "search-error" in field["aria-describedby"]
    assert doc.find("input", id="q")[0]["value"] == "x"


def test_export_links_carry_the_search(client):
    doc = Elements(get(client, "/?q=Soleimani&source=cnn&sort=newest&page=1"))
    (csv_link,) = doc.exact("CSV")
    (jsonl_link,) = doc.exact("JSON Lines")
    assert csv_link == "/api/search?q=Soleimani&source=cnn&sort=newest&format=csv"
    assert jsonl_link == "/api/search?q=Soleimani&source=cnn&sort=newest&format=jsonl"
    # and one row per article
    assert doc.hrefs("CSV (one row per article)") == [
        "/api/search?q=Soleimani&source=cnn&sort=newest&format=csv&rows=article"]
    assert doc.hrefs("JSON Lines (one row per article)") == [
        "/api/search?q=Soleimani&source=cnn&sort=newest&format=jsonl&rows=article"]
    exported = client.get(csv_link)
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(exported.get_data(as_text=True).splitlines()))
    assert {row["source"] for row in rows} == {"CNN"} and len(rows) == 5
    assert client.get(jsonl_link).mimetype == "application/x-ndjson"


def test_every_state_is_in_plain_get_forms_and_links(client):
    page = get(client, "/?q=Soleimani&source=cnn&from=2020-12&sort=oldest&per_page=5")
    doc = Elements(page)
    (form,) = doc.find("form", id="search-form")
    assert form["method"] == "get" and form["action"] == "/"
    boxes = doc.find("input", name="source")
    assert boxes and all(b.get("form") == "search-form" for b in boxes)
    assert doc.find("input", id="from")[0]["form"] == "search-form"
    assert doc.find("input", id="from")[0]["value"] == "2020-12"
    hidden = {a["name"]: a["value"] for a in doc.find("input", type="hidden")}
    assert hidden == {"sort": "oldest", "per_page": "5"}
    article_links = [h for h, _ in doc.links if h.startswith("/articles/")]
    assert article_links and all("source=cnn" in h and "from=2020-12" in h for h in article_links)


def test_every_version_stays_listed_on_every_way_on(client):
    """collapse=false is part of the search's state: the pager, the search form (a new
    search, a ticked source) and an article's way back to the results all keep it."""
    page = get(client, "/?q=Soleimani&per_page=1&collapse=false")
    doc = Elements(page)
    assert doc.hrefs("Next") == ["/?q=Soleimani&page=2&per_page=1&collapse=false"]
    assert doc.hrefs("Page 2") == ["/?q=Soleimani&page=2&per_page=1&collapse=false"]
    hidden = {a["name"]: a["value"] for a in doc.find("input", type="hidden")}
    assert hidden == {"per_page": "1", "collapse": "false"}
    (headline,) = [h for h, _ in doc.links if h.startswith("/articles/") and "#" not in h]
    assert headline.endswith("?q=Soleimani&per_page=1&collapse=false")
    article = Elements(get(client, headline))
    assert article.hrefs("Back to results") == ["/?q=Soleimani&per_page=1&collapse=false"]


def test_user_input_is_escaped_everywhere(client):
    hostile = '"><svg onload=alert(1)><script>alert(1)</script>'
    page = get(client, "/?q=" + hostile.replace("<", "%3C").replace(">", "%3E").replace(
        '"', "%22") + "&source=" + "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    assert "<script>alert(1)" not in page and "<svg" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Source: &lt;img src=x onerror=alert(1)&gt;" in page
    assert_clean(page)


def test_only_search_layer_html_is_unescaped():
    uses = []
    for template in sorted(TEMPLATES.glob("*.html")):
        text = template.read_text()
        assert "autoescape false" not in text and "Markup(" not in text
        uses += re.findall(r"\{\{\s*([^}|]+)\|safe\s*\}\}", text)
    # mark_all() escapes the headline and adds only <mark>, as for p.html
    assert sorted(u.strip() for u in uses) == ["p.html", "paragraph_html", "result.label_html",
                                               "s.html", "title_html"]


# ------------------------------------------------------------------ the article view


def test_article_view_shows_every_paragraph_with_an_anchor(client):
    page = get(client, f"/articles/{CNN}")
    doc = Elements(page)
    article = client.get(f"/api/articles/{CNN}").get_json()
    assert ("<h1 id=\"article-title\">US defense officials divided over potential for Iranian"
            " attack on eve of grim anniversary</h1>") in page
    assert '<span class="source">CNN</span>' in page
    assert '<time datetime="2020-12-31">31 Dec 2020</time>' in page
    numbers = [p["number"] for p in article["paragraphs"]]
    assert numbers == list(range(1, 20))
    for number in numbers:
        assert doc.find("div", id=f"p{number}")
        assert doc.exact(f"Link to paragraph {number} ¶{number}") == [f"#p{number}"]
        assert f"/paragraphs/{CNN}%23{number}/related" in doc.hrefs("Related")
    for p in article["paragraphs"]:
        assert html.escape(p["text"], quote=False) in page
    assert "<mark>" not in page and 'id="hit-steps"' not in page  # no search, no hits
    assert doc.hrefs("Search the archive") == ["/"]
    assert "machine-paraphrased copy of CNN&#39;s report" in page  # catalog extras
    assert_clean(page)


def test_article_from_a_search_highlights_and_links_back(client):
    page = get(client, f"/articles/{CNN}?q=Soleimani&source=cnn&page=1")
    doc = Elements(page)
    assert "After <mark>Soleimani</mark> was killed in Iraq" in page
    assert '<div class="para hit" id="p13">' in page
    assert doc.hrefs("Back to results") == ["/?q=Soleimani&source=cnn&page=1"]
    jumps = [h for h, text in doc.links if text.startswith("paragraph ")]
    assert jumps == ["#p1", "#p3", "#p12", "#p13", "#p17"]
    # without script, "next" goes to the first hit and "previous" to the last
    assert (doc.hrefs("Next hit →"), doc.hrefs("← Previous hit")) == (["#p1"], ["#p17"])
    assert '<span id="hit-position" role="status" aria-live="polite">5 hits</span>' in page
    assert doc.find("input", id="q")[0]["value"] == "Soleimani"
    # Related coverage: a link on every paragraph, followed on request, no panel computed
    # for a paragraph the reader may not have come for.
    assert f"/paragraphs/{CNN}%2313/related?q=Soleimani" in doc.hrefs("Related")
    assert '<section class="related-section"' not in page
    assert not [h for h, _ in doc.links if h.startswith("/articles/") and "#p" in h]


def test_phrase_and_prefix_highlighting_in_the_article(client):
    page = get(client, f"/articles/{CNN}?q=%22drone+strike%22")
    assert "<mark>drone strike</mark>" in page
    page = get(client, f"/articles/{ZERO_HEDGE}?q=bomb*")
    assert "<mark>bombers</mark>" in page


def test_untitled_article_gets_a_label(client):
    page = get(client, f"/articles/{ESTA}")
    assert '<h1 id="article-title" class="untitled">ESTA: SULAIMANI (ESTA) — The U.S. military' \
           ' is bracing for a…</h1>' in page
    assert "<title>ESTA: SULAIMANI (ESTA)" in page


def test_unknown_article_and_pages_are_html_404s(client):
    for url in ("/articles/no-such-article", "/no/such/page", "/paragraphs/nope%231/related",
                f"/paragraphs/{CNN}%2399/related"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.mimetype == "text/html"
        page = response.get_data(as_text=True)
        assert "<h1>" in page and "Go to the search page" in page
        assert "Content-Security-Policy" in response.headers
    assert "Article not found" in client.get("/articles/no-such-article").get_data(as_text=True)
    api = client.get("/api/no-such-endpoint")
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"


def test_related_coverage_page(client):
    page = get(client, f"/paragraphs/{CNN}%237/related")
    doc = Elements(page)
    assert "<h1>Related coverage</h1>" in page
    assert "some friendly health advice to Iran" in page
    assert doc.hrefs("Back to the article") == [f"/articles/{CNN}#p7"]
    api = client.get(f"/api/paragraphs/{CNN}%237/related").get_json()["related"]
    assert api
    for hit in api:
        href = f"/articles/{hit['article_id']}#p{hit['paragraphs'][0]['number']}"
        assert href in [h for h, _ in doc.links]
        assert hit["paragraphs"][0]["snippet"] in page
    assert f"In {len({h['article_id'] for h in api})} other articles" in page
    assert_clean(page)


def test_without_an_index_the_page_says_so(tmp_path):
    client = create_app(tmp_path / "empty").test_client()
    response = client.get("/?q=Soleimani")
    assert response.status_code == 503 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "The archive is not available" in page and "searchsvc index" in page
    article = client.get(f"/articles/{CNN}")
    assert article.status_code == 503 and article.mimetype == "text/html"


def test_the_page_always_lists_articles(client):
    page = get(client, "/?q=Soleimani&group=paragraph")
    assert page.count('<li class="result">') == 4


# ------------------------------------------------------------------ headers, assets


@pytest.mark.parametrize("url", [
    "/", "/?q=Soleimani&source=cnn&from=2020-12-31&to=2020-12-31", "/?q=bombrs&source=amn",
    "/?q=%22abc&strict=true", "/?q=x&from=bad", "/?q=Soleimani&per_page=1&page=2",
    f"/articles/{CNN}?q=Soleimani", f"/articles/{ESTA}", f"/paragraphs/{AMN}%231/related",
    "/articles/missing", "/missing",
])
def test_pages_are_well_formed_and_self_contained(client, url):
    assert_clean(client.get(url).get_data(as_text=True))


def test_csp_without_unsafe_inline_on_every_page(client):
    for url in ("/", "/?q=Soleimani", f"/articles/{CNN}", "/nope", "/?q=%22&strict=1"):
        policy = client.get(url).headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_static_assets_are_served(client):
    page = get(client, "/")
    doc = Elements(page)
    assets = [a["href"] for a in doc.find("link") if a.get("rel") != "alternate"]
    assets += [a["src"] for a in doc.find("script")]
    assert sorted(assets) == ["/static/favicon.svg", "/static/site.css", "/static/site.js"]
    for asset in assets:
        response = client.get(asset)
        assert response.status_code == 200
        response.close()


def test_formatting_helpers():
    assert human_date("2020-12-31") == "31 Dec 2020"
    assert human_date("2020-01") == "Jan 2020"
    assert human_date("2020") == "2020"
    assert human_date(None) == "undated"
    assert labels.article_label(" Title ", "CNN", "text") == "Title"
    assert labels.article_label("", "CNN", "one two") == "CNN: one two"
    assert labels.article_label("", "", "") == "Unknown source: untitled article"
    assert labels.first_words("a b c d", 2) == "a b…"


def test_article_view_marks_name_variants_the_search_also_found(client):
    page = client.get("/articles/003_bf4d45bef3f202d2?q=Soleimani").get_data(as_text=True)
    assert "Maj. Gen. Qassim <mark>Suleimani</mark>, in Iraq." in page
    exact_only = client.get("/articles/003_bf4d45bef3f202d2?q=Soleimani&fuzzy=false")
    assert "<mark>Suleimani</mark>" not in exact_only.get_data(as_text=True)


# ------------------------------------------------------------------ a corpus the seeds lack


@pytest.fixture(scope="module")
def tiny_client(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("tiny-corpus")
    (corpus / "linked.txt").write_text("Harbour cranes were idle on Monday.\n\nDockers struck.\n")
    (corpus / "undated.txt").write_text("Harbour workers met again.\n")
    (corpus / "hostile.txt").write_text(
        "The harbour note said <b>bold</b> & <script>alert(1)</script> here.\n")
    with (corpus / "catalog.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["file", "id", "source", "date", "title", "url"])
        writer.writerow(["linked.txt", "linked", "Port Gazette", "2021-03-01", "Cranes idle",
                         "https://example.org/cranes"])
        writer.writerow(["undated.txt", "undated", "Port Gazette", "", "Workers meet", ""])
        writer.writerow(["hostile.txt", "hostile", "<i>Src</i>", "2021-03-02",
                         "<img src=x onerror=alert(1)>", "javascript:alert(1)"])
    root = tmp_path_factory.mktemp("tiny-index")
    index.build(root, corpus)
    return create_app(root).test_client()


def test_original_url_undated_and_hostile_metadata(tiny_client):
    page = get(tiny_client, "/articles/linked")
    assert ('<a class="original" href="https://example.org/cranes" '
            'rel="noopener noreferrer nofollow">Original article') in page
    undated = get(tiny_client, "/articles/undated")
    assert "<span>Undated</span>" in undated and 'class="original"' not in undated

    hostile = get(tiny_client, "/articles/hostile?q=harbour")
    assert "&lt;img src=x onerror=alert(1)&gt;" in hostile
    assert "&lt;i&gt;Src&lt;/i&gt;" in hostile
    assert "said &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;" in hostile
    assert "<mark>harbour</mark>" in hostile
    assert "javascript:" not in hostile  # only http(s) originals become links
    assert_clean(hostile)

    results = get(tiny_client, "/?q=harbour")
    assert "<img src=x" not in results and "<script>alert" not in results
    assert "<i>" not in results
    assert "&lt;img src=x onerror=alert(1)&gt;" in results
    assert "1 undated article" in results
    assert_clean(results)


def test_a_bug_is_our_own_500_page_and_the_api_error_shape(seed_index):
    """No Werkzeug page, no traceback, no server path: the page's own 500 and, under
    /api/, the JSON error body (the details go to the server's log)."""
    app = create_app(seed_index)
    engine = app.extensions["searchsvc.archive"]

    def fails(*_args, **_kwargs):
        raise RuntimeError("disk trouble in /srv/archive/index")

    engine.search = fails
    client = app.test_client()
    page = client.get("/?q=Iran")
    assert page.status_code == 500
    html = page.get_data(as_text=True)
    assert "Something went wrong" in html and "/srv/" not in html and "Traceback" not in html
    assert 'rel="stylesheet"' in html  # the site's own page, not Werkzeug's
    api = client.get("/api/search?q=Iran")
    assert api.status_code == 500
    assert api.get_json() == {"error": {"code": "internal_error",
                                        "message": "the server failed to answer this request"}}


def test_partial_matches_say_what_they_miss_and_offer_to_require_it(client):
    page = get(client, "/?q=bombers+Minot")
    doc = Elements(page)
    assert page.count('<p class="missing">') == 2  # CNN and AMN lack "Minot"
    assert page.count("<s>Minot</s>") == 2
    assert doc.hrefs("must include the word Minot") == ["/?q=bombers+%2BMinot"] * 2
    required = get(client, "/?q=bombers+%2BMinot")
    assert '<p class="missing">' not in required
    assert "2 articles" in squash(required)


def test_headline_words_are_marked_and_title_matches_show_their_opening(client):
    page = get(client, "/?q=US")
    assert "<mark>US</mark> defense officials divided" in page
    assert "Opening paragraph" not in page  # CNN has paragraphs saying "US" as well
    title_only = get(client, "/?q=%22grim+anniversary%22")  # in CNN's headline only
    assert "1 article" in squash(title_only)
    assert "eve of <mark>grim anniversary</mark></a>" in title_only
    assert squash(title_only).count("Opening paragraph (the headline matched):") == 1
    assert f"/articles/{CNN}?q=%22grim+anniversary%22#p1" in Elements(title_only).hrefs("¶1")


def test_a_results_page_does_not_take_the_focus(client):
    """Back from an article returns to the place in the list, not to the search box."""
    box = Elements(get(client, "/?q=Soleimani")).find("input", id="q")[0]
    assert "autofocus" not in box
    assert "autofocus" in Elements(get(client, "/")).find("input", id="q")[0]


def test_the_page_says_before_the_click_when_an_export_is_capped(seed_index):
    from searchsvc.settings import Settings

    capped = create_app(seed_index, Settings(export_limit=5)).test_client()
    page = squash(get(capped, "/?q=US"))
    assert ("(the first 5 of 35 paragraphs: narrow the dates or sources for the rest)"
            in page)
    assert "(the first" not in squash(get(capped, "/?q=Hezbollah"))


def test_catalog_bookkeeping_is_behind_details(tmp_path):
    from searchsvc import indexer as index_builder

    article = {"id": "r1", "title": "Cocoa arrivals rise", "source": "Reuters",
               "date": "1987-02-26", "paragraphs": ["Cocoa arrivals rose."],
               "places": "ivory-coast", "lewissplit": "TRAIN", "oldid": "5544"}
    corpus = tmp_path / "r.jsonl"
    corpus.write_text(json.dumps(article) + "\n", encoding="utf-8")
    index_builder.build(tmp_path / "ix", None, corpus)
    page = get(create_app(tmp_path / "ix").test_client(), "/articles/r1")
    head, details = page.split('<details class="extra-details">')
    assert "<dt>Places</dt><dd>ivory-coast</dd>" in head
    assert "Lewissplit" not in head and "<dt>Lewissplit</dt><dd>TRAIN</dd>" in details
    assert "<dt>Oldid</dt><dd>5544</dd>" in details


def test_past_the_end_and_too_deep_say_so_in_words(client, seed_index):
    from searchsvc.settings import Settings

    past = get(client, "/?q=Soleimani&page=3")
    assert "Page 3 is past the end" in past and "fill 1 page." in squash(past)
    assert Elements(past).hrefs("Go to the last page (1)") == ["/?q=Soleimani"]
    assert "Checking the spelling" not in past and "No results" not in past
    deep = get(client, "/?q=Soleimani&page=500", status=400)
    assert "Pages stop at result 1,000" in deep
    assert "hit 5000" not in deep  # no developer jargon
    doc = Elements(deep)
    assert doc.hrefs("Go to the last page") == ["/?q=Soleimani&page=100"]
    assert doc.hrefs("CSV") == ["/api/search?q=Soleimani&format=csv"]
    narrow = create_app(seed_index, Settings(max_window=2)).test_client()
    page = get(narrow, "/?q=Soleimani&per_page=1")
    assert "Pages stop at result 2: to read all 4 articles," in squash(page)
    assert Elements(page).hrefs("export them") == ["/api/search?q=Soleimani&format=csv"]


def test_a_search_offers_its_atom_feed(client):
    page = get(client, "/?q=Soleimani&source=cnn&sort=oldest&page=1")
    doc = Elements(page)
    feed = "/api/search?q=Soleimani&source=cnn&format=atom"  # the feed sorts by itself
    (alternate,) = [a for a in doc.find("link") if a.get("rel") == "alternate"]
    assert (alternate["type"], alternate["href"]) == ("application/atom+xml", feed)
    assert doc.hrefs("Subscribe") == [feed]
    assert client.get(feed).status_code == 200


def test_a_date_filter_draws_its_own_period_with_a_way_back_up(client):
    month = Elements(get(client, "/?q=Soleimani&from=2020-12&to=2020-12"))
    bars = [h for h, _ in month.links if re.search(r"from=(2020-12-\d\d)&to=\1$", h)]
    assert len(bars) == 3  # days with matches are links: 10, 11 and 31 December
    page = get(client, "/?q=Soleimani&from=2020-12&to=2020-12")
    assert page.count('<span class="bar empty"') == 28  # the month's other days, drawn empty
    assert month.hrefs("← Zoom out") == ["/?q=Soleimani&from=2020&to=2020"]
    # five labels along the axis: 1, 9, 16, 23 and 31 December
    assert re.findall(r'<div class="axis"[^>]*>\s*(.*?)\s*</div>', squash(page)) == [
        "<span>1 Dec 2020</span><span>9 Dec 2020</span><span>16 Dec 2020</span>"
        "<span>23 Dec 2020</span><span>31 Dec 2020</span>"]
    day = Elements(get(client, "/?q=Soleimani&from=2020-12-31&to=2020-12-31"))
    assert day.hrefs("← Zoom out") == ["/?q=Soleimani&from=2020-12&to=2020-12"]
    year = Elements(get(client, "/?q=Soleimani&from=2020&to=2020"))
    assert year.hrefs("← Zoom out") == ["/?q=Soleimani"]
    assert not Elements(get(client, "/?q=Soleimani")).hrefs("← Zoom out")


def test_presets_count_back_from_the_newest_article(client):
    doc = Elements(get(client, "/?q=Soleimani"))
    assert doc.hrefs("7 days") == ["/?q=Soleimani&from=2020-12-25&to=2020-12-31"]
    assert doc.hrefs("30 days") == ["/?q=Soleimani&from=2020-12-02&to=2020-12-31"]
    # 365 days back from 31 Dec of a leap year start on 2 January
    assert doc.hrefs("365 days") == ["/?q=Soleimani&from=2020-01-02&to=2020-12-31"]
    page = get(client, "/?q=Soleimani&from=2020-12-25&to=2020-12-31")
    assert '<strong aria-current="true">7 days</strong>' in page
    assert "(to 31 Dec 2020, the newest article)" in page
    assert "A year (2020), a month (2020-12) or a day (2020-12-31)." in page


def test_a_headline_match_says_so(tmp_path):
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(
        '{"id": "t1", "title": "Cocoa talks collapse", "source": "Wire", "date": "2021-01-01",'
        ' "text": ""}\n'
        '{"id": "t2", "title": "Coffee", "source": "Wire", "date": "2021-01-02",'
        ' "text": "Cocoa and coffee prices rose."}\n', encoding="utf-8")
    index.build(tmp_path / "index", None, jsonl)
    client = create_app(tmp_path / "index").test_client()
    page = squash(get(client, "/?q=cocoa"))
    assert ('<mark>Cocoa</mark> talks collapse</a></h2> <p class="result-meta"> <span'
            ' class="source">Wire</span>') in page
    assert '<span class="matched">matched in the headline</span>' in page
    assert '<span class="matched">1 matching paragraph</span>' in page
    article = squash(get(client, "/articles/t1?q=cocoa"))
    assert '<h1 id="article-title"><mark>Cocoa</mark> talks collapse</h1>' in article
    assert "<span>headline only</span>" in article and "0 paragraphs" not in article
    assert "The words of <q>cocoa</q> are in the headline." in article


def test_spellings_as_written_with_a_way_to_turn_them_off_and_on(client):
    page = squash(get(client, "/?q=Soleimani"))
    assert "Also matching other spellings: Suleimani for <q>Soleimani</q>." in page
    doc = Elements(get(client, "/?q=Soleimani"))
    assert doc.hrefs("Only the spelling typed") == ["/?q=Soleimani&fuzzy=false"]
    exact = get(client, "/?q=Soleimani&fuzzy=false")
    assert "Also matching" not in exact
    assert Elements(exact).hrefs("Search them too") == ["/?q=Soleimani"]


def test_echo_and_title_say_what_was_asked(client):
    phrase = squash(get(client, '/?q="Persian+Gulf"'))
    assert 'match <span class="query-echo">&#34;Persian Gulf&#34;</span>' in phrase
    assert "“" not in phrase.split("query-echo")[1][:40]  # no quotes around the quotes
    assert "<title>Soleimani (page 2) · News archive</title>" in get(
        client, "/?q=Soleimani&per_page=1&page=2")
    assert "<title>Soleimani · News archive</title>" in get(client, "/?q=Soleimani")
