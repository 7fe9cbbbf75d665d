"""The batch page in a real browser against a real ``searchsvc serve`` (gunicorn, one
process per core, the runner a thread of a worker): a short list typed into the form is
counted and its table shown, with JavaScript on and off."""

from __future__ import annotations

import csv
import io
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from searchsvc import indexer as index
from searchsvc.batch.input import read_items
from searchsvc.batch.store import FILE, BatchStore
from tests.paths import SEEDS
from tests.server import running_server
from tests.test_browser import browser, watching  # noqa: F401 - the fixture, shared

pytestmark = pytest.mark.browser

LIST = 'Soleimani\n"Quds Force"\n(unclosed\nZzyzxnobody'
ROOTS: dict[str, Path] = {}  # each server's index folder


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over a seed index of this module's own (its jobs file is no other test's)."""
    root = tmp_path_factory.mktemp("batch-browser-index")
    index.build(root, SEEDS)
    with running_server(root) as url:
        ROOTS[url] = root
        yield url


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def watched(browser, base, request):  # noqa: F811 - browser is the imported fixture
    yield from watching(browser.new_context(viewport={"width": 1280, "height": 900},
                                            java_script_enabled=request.param,
                                            accept_downloads=True), base)


def cells(page, row: int) -> list[str]:
    return [" ".join(t.split()) for t in
            page.locator(f"#batch-table tbody tr:nth-child({row}) > *").all_inner_texts()]


def test_a_short_list_typed_into_the_page_shows_its_table(watched, base):
    page = watched.page
    page.goto(base + "/")
    with page.expect_navigation():
        page.get_by_role("link", name="Batch search").click()
    page.locator("#queries").fill(LIST)
    with page.expect_navigation():
        page.locator("#batch-submit").click()
    assert re.fullmatch(re.escape(base) + r"/batch/[0-9a-f]{16}", page.url)
    # a short list is counted before its page is shown; else the page refreshes itself
    page.locator("#batch-table").wait_for()
    page.locator("#batch-progress").wait_for(state="detached")
    assert " ".join(page.locator("#batch-summary").inner_text().split()) == \
        "4 queries, name variants on. Counted; 1 line with an error."
    assert cells(page, 1) == ["1", "Soleimani", "4", "13", "10 Dec 2020", "31 Dec 2020",
                              "AMN (1); CNN (1); ESTA (1)"]
    assert cells(page, 2)[:4] == ["2", '"Quds Force"', "4", "4"]
    assert cells(page, 3) == ["3", "(unclosed",
                              "Not counted: q: '(' is never closed at character 1"]
    assert cells(page, 4) == ["4", "Zzyzxnobody", "0", "0", "–", "–", ""]
    # each query links to its search
    with page.expect_navigation():
        page.get_by_role("link", name="Soleimani", exact=True).click()
    assert page.url == base + "/?q=Soleimani"
    page.go_back()
    # the table as a file: one row per query
    with page.expect_download() as download:
        page.locator("#batch-csv").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [r["query"] for r in rows] == LIST.splitlines()
    assert [r["articles"] for r in rows] == ["4", "4", "", "0"]


def test_a_list_the_page_refuses_keeps_what_was_typed(watched, base):
    page = watched.page
    page.goto(base + "/batch")
    page.locator("#queries").fill("   \n\n")
    with page.expect_navigation():
        page.locator("#batch-submit").click()
    assert page.url == base + "/batch"
    assert page.locator("#batch-error .error-message").inner_text() == \
        "the list has no queries: give one query a line, or a CSV with a query column"


def test_exact_spellings_and_a_csv_file(watched, base, tmp_path):
    page = watched.page
    table = tmp_path / "names.csv"
    table.write_text("query,source\nSuleimani,\nSuleimani,CNN\n", encoding="utf-8")
    page.goto(base + "/batch")
    page.locator("#file").set_input_files(str(table))
    page.locator('input[name="exact"]').check()
    with page.expect_navigation():
        page.locator("#batch-submit").click()
    page.locator("#batch-table").wait_for()
    page.locator("#batch-progress").wait_for(state="detached")
    assert "name variants off" in page.locator("#batch-summary").inner_text()
    assert cells(page, 1)[:4] == ["2", "Suleimani", "1", "2"]
    assert cells(page, 2)[:4] == ["3", "Suleimani (CNN)", "0", "0"]


def test_without_javascript_the_job_page_refreshes_until_the_table_is_there(browser, base):  # noqa: F811
    """A job still counting when its page opens: the page shows its progress and refreshes
    itself (<meta refresh>, no script) until the table is there. The job is held by a live
    process that is not the server, which then dies; the server takes the job over."""
    store = BatchStore(ROOTS[base] / FILE)
    job_id = store.create(read_items(LIST), fuzzy=True)
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert store.claim(f"{socket.gethostname()}:{holder.pid}:holder", lambda job: True)
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{base}/batch/{job_id}")
        assert page.locator("#batch-progress progress").get_attribute("value") == "0"
        assert "0 of 4 counted" in page.locator("#batch-progress").inner_text()
        holder.kill()
        holder.wait()
        page.locator("#batch-table").wait_for()  # after a refresh or two
        assert page.locator("#batch-progress").count() == 0
        assert cells(page, 1)[:4] == ["1", "Soleimani", "4", "13"]
        context.close()
    finally:
        holder.kill()
        holder.wait()
