"""The names facet in a real browser (the setup of tests/test_browser.py): clicking a name
keeps the articles naming it and shows a chip that takes it off again."""

from __future__ import annotations

import re

import pytest

from tests.test_browser import (  # noqa: F401  (fixtures)
    base,
    browser,
    count_text,
    params,
    watched,
)

pytestmark = pytest.mark.browser


def test_clicking_a_name_filters_to_its_articles_and_shows_a_chip(watched, base):  # noqa: F811
    page = watched.page
    page.goto(base + "/?q=Iran")
    assert count_text(page).startswith("4 articles match Iran")
    facet = page.locator(".names-facet")
    link = facet.get_by_role("link", name=re.compile(r"^Soleimani\b"))
    assert " ".join(link.inner_text().split()) == "Soleimani Name 3 articles"
    with page.expect_navigation():
        link.click()
    assert params(page.url) == {"q": ["Iran"], "name": ["soleimani"]}
    assert count_text(page).startswith("3 articles match")
    assert page.locator(".result").count() == 3
    assert {s.strip() for s in page.locator(".result .source").all_inner_texts()} == {
        "CNN", "ESTA", "AMN"}  # Zero Hedge spells him Suleimani
    chip = page.locator(".chips .chip")
    assert chip.count() == 1 and chip.inner_text().startswith("Name: Soleimani")
    # The selected name heads the facet; its link (like the chip) takes it off.
    assert page.locator(".names-facet .name-item").first.get_attribute("class") == \
        "name-item selected"
    with page.expect_navigation():
        chip.click()
    assert params(page.url) == {"q": ["Iran"]}
    assert page.locator(".result").count() == 4
    assert page.locator(".chips .chip").count() == 0


def test_a_new_search_from_the_form_keeps_the_name(watched, base):  # noqa: F811
    page = watched.page
    page.goto(base + "/?q=Iran&name=soleimani")
    page.fill("#q", "Soleimani")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert params(page.url)["name"] == ["soleimani"]
    assert count_text(page).startswith("3 articles match Soleimani")
    with page.expect_navigation():
        page.locator(".chips .chip").click()
    back = params(page.url)
    assert back == {"q": ["Soleimani"]}
    assert page.locator(".result").count() == 4
