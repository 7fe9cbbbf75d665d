"""The attention page in a real browser (Debian's Chromium, a real ``searchsvc serve`` over
the seeds): the form compares two searches, the SVG chart has a styled line per search,
the table beneath gives the counts and links to each period's search; without
JavaScript too; every text keeps its contrast. No request leaves the server."""

from __future__ import annotations

import pytest

from tests.test_browser import (  # noqa: F401  # fixtures: the browser and the server
    CONTRAST_JS,
    base,
    browser,
    params,
    tab,
    watched,
)

pytestmark = pytest.mark.browser


def test_two_searches_compared_as_svg_lines_and_a_table(watched, base):  # noqa: F811
    page = watched.page
    page.goto(base + "/attention")
    assert page.locator("svg.attention-chart").count() == 0  # the empty form
    page.fill("#q1", "drone")
    page.fill("#q2", "Israel")
    page.select_option("#interval", "day")
    with page.expect_navigation():
        page.click("#attention-form button[type=submit]")
    assert params(page.url)["q"] == ["drone", "Israel"]
    assert params(page.url)["interval"] == ["day"]
    chart = page.locator("svg.attention-chart")
    assert chart.is_visible()
    series = chart.locator("g.series")
    assert series.count() == 2
    # Lines are broken where a day has no article at all (3 of the 22 days have some).
    assert [series.nth(i).locator("polyline").count() for i in range(2)] == [2, 2]
    assert [series.nth(i).locator("circle").count() for i in range(2)] == [3, 3]
    # The site's CSS styles the lines (no inline style): two colours, no fill.
    strokes = [series.nth(i).locator("polyline").first.evaluate(
        "l => [getComputedStyle(l).stroke, getComputedStyle(l).fill]") for i in range(2)]
    assert strokes[0][0] != strokes[1][0] and {s[1] for s in strokes} == {"none"}
    assert all(s[0].startswith("rgb(") for s in strokes)
    assert page.locator(".legend li").all_inner_texts() == ["drone 3 articles",
                                                            "Israel 2 articles"]
    rows = page.locator(".attention-table tbody tr")
    assert rows.count() == 22
    assert " ".join(rows.first.inner_text().split()) == "10 Dec 2020 1 1 100% 1 100%"
    assert " ".join(rows.last.inner_text().split()) == "31 Dec 2020 2 2 100% 0 0%"
    # A count opens its period's search.
    with page.expect_navigation():
        rows.last.locator("td a").first.click()
    assert params(page.url) == {"q": ["drone"], "from": ["2020-12-31"], "to": ["2020-12-31"],
                                "collapse": ["false"]}
    assert page.locator(".result").count() == 2
    # So does a point of the chart (Israel on 11 Dec, its second point).
    page.go_back()
    with page.expect_navigation():
        page.locator("svg.attention-chart g.series.s2 circle").nth(1).click()
    assert params(page.url) == {"q": ["Israel"], "from": ["2020-12-11"], "to": ["2020-12-11"],
                                "collapse": ["false"]}
    assert page.locator(".result").count() == 1


def test_the_page_works_without_javascript(browser, base):  # noqa: F811
    with tab(browser, java_script_enabled=False) as page:
        page.goto(base + "/attention?q=Pentagon&q=nuclear&q=Tehran&interval=week")
        assert page.locator("svg.attention-chart g.series").count() == 3
        assert page.locator(".attention-table tbody tr").count() == 4
        page.fill("#q3", "")
        page.select_option("#interval", "month")
        with page.expect_navigation():
            page.click("#attention-form button[type=submit]")
        assert page.locator("svg.attention-chart g.series").count() == 2
        assert " ".join(page.locator(".attention-table tbody tr").inner_text().split()) == \
            "Dec 2020 4 2 50% 3 75%"


def test_a_bad_query_is_said_on_the_page(watched, base):  # noqa: F811
    page = watched.page
    page.goto(base + '/attention?q=drone&q=(Israel')
    alert = page.locator("[role=alert]")
    assert "q number 2 ('(Israel'): '(' is never closed at character 1" in alert.inner_text()
    assert page.input_value("#q2") == "(Israel"  # kept, to be corrected
    assert page.locator("svg.attention-chart").count() == 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_page_keeps_its_contrast(browser, base, scheme):  # noqa: F811
    with tab(browser, viewport={"width": 1280, "height": 900}, color_scheme=scheme) as page:
        page.goto(base + "/attention?q=drone&q=Israel&q=nuclear&interval=week")
        texts = page.evaluate(CONTRAST_JS)
        assert len(texts) > 30
        low = [t for t in texts if t["ratio"] < t["needed"]]
        assert low == []
