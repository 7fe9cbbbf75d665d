"""A damaged index (a file cut short or zeroed, as a failing disk or an interrupted copy
leaves it) answers 503 index_corrupt or is served from the previous build: never a 500,
never a wrong answer; `searchsvc check` says which build is damaged."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from searchsvc.app import create_app
from searchsvc.archive import open_archive
from searchsvc.indexer.folder import live_path
from searchsvc.search import snapshot as snapshots
from tests.paths import SEEDS
from tests.server import running_server

SEARCH = "/api/search?q=Soleimani"


def largest_file(build: Path) -> Path:
    return max((p for p in build.rglob("*") if p.is_file()), key=lambda p: p.stat().st_size)


def cut_in_half(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def zero(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.write(b"\0" * size)


def check(index: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "searchsvc.cli", "check", "--index",
                           str(index)], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seed index built twice: the live build and the previous one."""
    root = tmp_path_factory.mktemp("two-builds")
    with open_archive(root) as archive:
        archive.build(SEEDS)
        archive.build(SEEDS)
    return root


@pytest.fixture
def index(two_builds: Path, tmp_path: Path) -> Path:
    """A fresh copy of the two builds for one test to damage."""
    copy = tmp_path / "index"
    shutil.copytree(two_builds, copy, symlinks=True)
    return copy


def only_live(index: Path) -> Path:
    live = live_path(index)
    for build in index.glob("build-*"):
        if build != live:
            shutil.rmtree(build)
    return index


def test_check_verifies_every_build(index: Path):
    done = check(index)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{live_path(index)}: live, sound: ")
    assert lines[0].endswith(" files verified, 4 articles, 59 paragraphs")
    assert ": previous, sound: " in lines[1]


@pytest.mark.parametrize("damage", [cut_in_half, zero])
def test_a_damaged_live_build_with_no_other_answers_503(index: Path, damage):
    victim = largest_file(live_path(only_live(index)))
    damage(victim)
    client = create_app(index).test_client()
    for path in (SEARCH, "/api/search?q=Iran&format=csv", "/api/sources"):
        response = client.get(path)
        assert response.status_code == 503, path
        error = response.get_json()["error"]
        assert error["code"] == "index_corrupt"
        assert victim.name in error["message"]
        assert str(index) not in error["message"]  # no server path over HTTP
    done = check(index)
    assert done.returncode == 1
    assert f"  {victim.relative_to(live_path(index))}: " in done.stdout
    assert "DAMAGED" in done.stdout and "answers 503 index_corrupt" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_damaged_live_build_is_served_from_the_previous_one(index: Path):
    client = create_app(index).test_client()
    before = client.get(SEARCH).get_json()
    live = live_path(index)
    cut_in_half(largest_file(live))
    fresh = create_app(index).test_client()
    answer = fresh.get(SEARCH)
    assert answer.status_code == 200
    assert answer.get_json()["total"] == before["total"] == {"paragraphs": 13, "articles": 4,
                                                             "folded": 0}
    assert [hit["article_id"] for hit in answer.get_json()["hits"]] == [
        hit["article_id"] for hit in before["hits"]]
    previous = next(build for build in index.glob("build-*") if build != live)
    assert fresh.get("/api/health").get_json()["built_at"] == json.loads(
        (previous / "meta.json").read_text())["built_at"]
    done = check(index)
    assert done.returncode == 1
    assert "live, DAMAGED" in done.stdout and "previous, sound" in done.stdout
    assert "serves the previous build" in done.stderr


def test_damage_while_serving_answers_503_not_500(index: Path, monkeypatch):
    """The server had the build open when a file was cut: the next requests that read it
    answer 503, whether the engine fails first or the periodic look at the files sees it."""
    only_live(index)
    client = create_app(index).test_client()
    assert client.get("/api/search?q=bombers").status_code == 200
    monkeypatch.setattr(snapshots, "CHECK_SECONDS", 3600.0)  # the engine fails first
    cut_in_half(largest_file(live_path(index)))
    # A search reading only what is still whole may answer (rightly); none answers 500,
    # and once one has failed on the damage, every one answers 503.
    statuses = [client.get(f"/api/search?q={q}").status_code
                for q in ("Quds", "Iran bombers", "B-52", "Soleimani", "Persian Gulf")]
    assert set(statuses) <= {200, 503} and 503 in statuses, statuses
    assert statuses[statuses.index(503):] == [503] * (len(statuses) - statuses.index(503))
    assert client.get("/api/search?q=Iran").get_json()["error"]["code"] == "index_corrupt"


def test_zeroed_while_serving_is_seen_by_the_look_at_the_files(index: Path, monkeypatch):
    only_live(index)
    monkeypatch.setattr(snapshots, "CHECK_SECONDS", 0.0)
    client = create_app(index).test_client()
    assert client.get("/api/search?q=bombers").status_code == 200
    zero(largest_file(live_path(index)))
    # the same search again: without the look, the remembered answer would come back
    assert client.get("/api/search?q=bombers").status_code == 503


def test_a_real_server_on_a_damaged_index(index: Path):
    only_live(index)
    with running_server(index) as base:
        urllib.request.urlopen(base + SEARCH, timeout=10).read()
        cut_in_half(largest_file(live_path(index)))
        deadline = time.monotonic() + snapshots.CHECK_SECONDS + 10
        while True:
            try:
                urllib.request.urlopen(base + "/api/search?q=Iran+bombers", timeout=10).read()
            except urllib.error.HTTPError as error:
                body = error.read()
                assert error.code == 503, body
                assert b'"index_corrupt"' in body
                break
            assert time.monotonic() < deadline, "still answering 200 from a damaged build"
            time.sleep(0.5)
