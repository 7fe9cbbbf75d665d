"""A running server picks up a rebuilt index without a restart and without failing a request
(8 clients during 10 rebuilds, full and --update, each switch seen)."""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.request
from pathlib import Path

from searchsvc import indexer as index
from tests.paths import SEEDS

from .server import running_server


def _get(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, json.loads(response.read())


def test_rebuild_while_serving_switches_without_errors(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    root = tmp_path / "index"
    index.build(root, corpus)

    with running_server(root) as base:
        status, before = _get(f"{base}/api/health")
        assert (status, before["articles"], before["paragraphs"]) == (200, 4, 59)

        failures: list[str] = []
        statuses: list[int] = []
        stop = threading.Event()

        def hammer() -> None:
            while not stop.is_set() and len(statuses) < 5000:
                try:
                    code, body = _get(f"{base}/api/search?q=Soleimani&per_page=3")
                    statuses.append(code)
                    if body["total"]["articles"] < 4:
                        failures.append(f"short answer: {body['total']}")
                except Exception as error:  # noqa: BLE001 - any failure is what we look for
                    failures.append(repr(error))

        workers = [threading.Thread(target=hammer) for _ in range(8)]
        for worker in workers:
            worker.start()
        for number in range(10):  # ten switches, full and --update, while requests fly
            (corpus / f"{number + 4:03d}_added.txt").write_text(
                f"Suleimani anniversary {number}\n\nA new paragraph about Qasem Soleimani"
                f" for the test, number {number}.\n", encoding="utf-8")
            summary = index.build(root, corpus, update=number % 2 == 1)
            assert summary.mode == ("update" if number % 2 else "full")
            deadline = time.monotonic() + 10  # each switch is seen without a restart
            while _get(f"{base}/api/health")[1]["articles"] != 5 + number:
                assert time.monotonic() < deadline, f"switch {number} not seen"
                time.sleep(0.05)
        stop.set()
        for worker in workers:
            worker.join(timeout=30)

        status, after = _get(f"{base}/api/health")
        assert failures == []
        assert statuses and set(statuses) == {200}
        assert (status, after["articles"], after["paragraphs"]) == (200, 14, 69)
        assert after["built_at"] >= before["built_at"]
        _, found = _get(f"{base}/api/search?q=%22number+9%22")
        assert [hit["article_id"] for hit in found["hits"]] == ["013_added"]


def test_a_search_asked_again_is_remembered_until_the_index_changes(tmp_path: Path) -> None:
    from searchsvc.archive import open_archive
    from searchsvc.models import SearchRequest
    from searchsvc.settings import Settings

    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    root = tmp_path / "index"
    index.build(root, corpus)
    engine = open_archive(root)
    first = engine.search(SearchRequest(q="Soleimani"))
    again = engine.search(SearchRequest(q="Soleimani"))
    assert again.hits is first.hits  # remembered, not computed again
    assert again.total_articles == first.total_articles == 4
    assert engine.search(SearchRequest(q="Soleimani", page=2)).hits is not first.hits
    related = engine.related(first.hits[0].paragraphs[0].id, 10)
    assert engine.related(first.hits[0].paragraphs[0].id, 10) is related  # remembered too
    (corpus / "extra.txt").write_text("Soleimani again\n\nA new report on Soleimani.\n",
                                      encoding="utf-8")
    index.build(root, corpus)
    after = engine.search(SearchRequest(q="Soleimani"))
    assert after.total_articles == 5  # a new build: nothing remembered from the old one
    engine.close()

    forgetful = open_archive(root, Settings(response_cache=0))
    assert forgetful.search(SearchRequest(q="Soleimani")).hits is not \
        forgetful.search(SearchRequest(q="Soleimani")).hits
    forgetful.close()
