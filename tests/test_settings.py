"""The one settings object: defaults, overrides from the environment and from
``evaluate --set``, and that the engine and the server obey them."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from searchsvc.analysis import QUERY_STOP_WORDS
from searchsvc.archive import open_archive
from searchsvc.models import SearchRequest
from searchsvc.settings import Settings
from tests.server import running_server


def test_environment_overrides_are_typed_and_only_prefixed_fields_count() -> None:
    tuned = Settings.from_env({"SEARCHSVC_BM25_K1": "1.2", "SEARCHSVC_FALLBACK_BELOW": "0",
                               "SEARCHSVC_QUERY_STOP_WORDS": "lucene",
                               "SEARCHSVC_INDEX": "/elsewhere", "BM25_B": "0.1"})
    assert (tuned.bm25_k1, tuned.fallback_below, tuned.bm25_b) == (1.2, 0, 0.75)
    assert "what" in QUERY_STOP_WORDS and "what" not in tuned.query_stop_words
    assert Settings().with_overrides({"stop_words": "a, the"}).stop_words == {"a", "the"}


@pytest.mark.parametrize(("overrides", "message"), [
    ({"BM25_K": "1"}, "unknown setting 'BM25_K' (one of BM25_K1, BM25_B, "),
    ({"BM25_K1": "high"}, "setting BM25_K1='high' is not a float"),
    ({"MAX_PER_PAGE": "-1"}, "max_per_page must not be negative (-1)"),
    ({"BM25_IDF": "tfidf"}, "bm25_idf must be bm25 or whoosh, not 'tfidf'"),
])
def test_bad_overrides_say_what_is_wrong(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        Settings().with_overrides(overrides)
    assert str(caught.value).startswith(message)


def test_the_engine_obeys_its_settings(seed_index: Path) -> None:
    request = SearchRequest(q="bombers Minot")  # 2 articles hold both, 2 more "bombers"
    default = open_archive(seed_index)
    strict = open_archive(seed_index, Settings(fallback_below=0))
    try:
        relaxed = default.search(request)
        complete = strict.search(request)
    finally:
        default.close()
        strict.close()
    assert (relaxed.relaxed, relaxed.total_articles, relaxed.total_paragraphs) == (True, 4, 9)
    assert (complete.relaxed, complete.total_articles, complete.total_paragraphs) == (False, 2, 7)


def test_the_server_reads_settings_from_the_environment(seed_index: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEARCHSVC_FALLBACK_BELOW", "0")
    with running_server(seed_index) as base, urllib.request.urlopen(
            f"{base}/api/search?q=bombers+Minot", timeout=30) as response:
        body = json.load(response)
    assert (body["query"]["relaxed"], body["total"]["articles"]) == (False, 2)


def test_a_bad_environment_setting_is_one_line(seed_index: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "searchsvc.cli", "search", "Iran", "--index", str(seed_index)],
        env={"SEARCHSVC_BM25_K1": "high", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr == ("error: setting BM25_K1='high' is not a float (from the"
                             " environment)\n")
