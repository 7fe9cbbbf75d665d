"""The status page (/status) in a real browser, against a real ``searchsvc serve``: the
report's numbers, and a running build's progress that reloads without JavaScript."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from searchsvc import indexer as index
from searchsvc.corpus import read_folder
from searchsvc.indexer.progress import BuildTracker
from tests.paths import SEEDS
from tests.server import running_server
from tests.test_browser import TIMEOUT_MS, browser, watched  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds and one file that is not UTF-8."""
    folder = Path(shutil.copytree(SEEDS, tmp_path_factory.mktemp("status") / "corpus"))
    (folder / "latin.txt").write_bytes(b"Caf\xe9 au lait.\n")
    return folder


@pytest.fixture(scope="module")
def root(corpus: Path) -> Path:
    built = corpus.parent / "index"
    index.build(built, corpus)
    return built


@pytest.fixture(scope="module")
def base(root: Path) -> Iterator[str]:
    with running_server(root) as url:
        yield url


def facts(page) -> dict[str, str]:
    names = page.locator("#build-facts dt").all_text_contents()  # not as CSS capitalises
    values = page.locator("#build-facts dd").all_inner_texts()
    return dict(zip(names, values, strict=True))


def test_the_status_page_shows_the_builds_numbers(watched, base, corpus):  # noqa: F811
    page = watched.page
    page.goto(base + "/")
    with page.expect_navigation():
        page.get_by_role("link", name="Index status").click()
    assert page.url == base + "/status"
    paragraphs = sum(len(a.paragraphs) for a in read_folder(corpus, lambda _p: None))
    shown = facts(page)
    assert (shown["Files"], shown["Articles"], shown["Paragraphs"], shown["Skipped"]) == (
        "5", "4", str(paragraphs), "1")
    assert shown["Kind"] == "a full build"
    assert shown["Rate"].endswith(" paragraphs/s")
    assert page.locator("#skipped tbody tr").all_inner_texts() == [
        "latin.txt\tnot UTF-8 text (byte 0xe9 at offset 3)"]
    assert page.locator("#duplicates-count").inner_text().startswith("None")
    assert page.locator("#build-running").count() == 0
    assert page.locator('meta[http-equiv="refresh"]').count() == 0


def test_a_running_build_shows_and_the_page_reloads_without_javascript(
        browser, base, root):  # noqa: F811
    tracker = BuildTracker(root, "full", files_total=40, interval=0.2)
    tracker.files_done = tracker.articles = 10
    tracker.paragraphs = 120
    tracker.start()
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(base + "/status")
        running = page.locator("#build-running")
        assert running.is_visible()
        assert page.locator("#progress-files").inner_text() == "10 of 40 files"
        assert "(25.0%)" in running.inner_text()
        assert "10 articles, 120 paragraphs" in running.inner_text()
        assert "left" in page.locator("#progress-rate").inner_text()  # an ETA
        assert facts(page)["Articles"] == "4"  # the build being served meanwhile
        tracker.stop()
        # No script runs: only the meta refresh can bring the page without the notice.
        page.wait_for_selector("#build-running", state="detached")
        assert facts(page)["Articles"] == "4"
    finally:
        tracker.stop()
        context.close()
