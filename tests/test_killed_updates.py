"""20 SIGKILLs at random moments of ``searchsvc index --update``: after each the old build
serves, whole; the next ``--update`` then gives the answers of a full rebuild."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from searchsvc.archive import open_archive
from searchsvc.indexer.folder import PARTIAL, live_path, switch
from searchsvc.models import SearchRequest
from searchsvc.search.check import check_folder
from searchsvc.settings import Settings
from tests.paths import SEEDS

KILLS = 20
QUERIES = ("Soleimani", "Iran bombers", '"Persian Gulf"', "ceasefire", "militia rockets")
ADDED = "A new report on militia rockets near the embassy, and a ceasefire offer.\n"


def answers(root: Path) -> dict:
    with open_archive(root, Settings(response_cache=0)) as archive:
        return {q: (found.total, [hit.article_id for hit in found.hits])
                for q in QUERIES
                for found in [archive.search(SearchRequest(q=q, per_page=20))]}


def update(root: Path, corpus: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "searchsvc.cli", "index", "--update",
                             "--corpus", str(corpus), "--index", str(root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def test_killed_updates_leave_the_old_build_and_the_next_update_catches_up(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    root = tmp_path / "index"
    with open_archive(root) as archive:
        archive.build(corpus)
    served = answers(root)
    live = live_path(root)
    # The change every killed update was making: one article edited, one added.
    edited = next(iter(sorted(corpus.glob("*.txt"))))
    edited.write_text(edited.read_text(encoding="utf-8") + "\n" + ADDED, encoding="utf-8")
    (corpus / "new.txt").write_text("Militia rockets\n\n" + ADDED, encoding="utf-8")

    started = time.monotonic()
    assert update(root, corpus).wait(timeout=120) == 0  # how long one takes here
    whole = time.monotonic() - started
    target = answers(root)
    assert target != served  # the change shows
    # Back to the old build, to kill updates of the same change from it.
    updated = live_path(root)
    switch(root, live)
    shutil.rmtree(updated)
    assert answers(root) == served

    rng = random.Random(7)
    before_switch = 0
    for _ in range(KILLS):
        process = update(root, corpus)
        try:
            process.wait(timeout=rng.uniform(0.05, whole))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        assert check_folder(root, Settings())[0].sound
        if live_path(root) == live:  # killed before the switch: the old build, whole
            before_switch += 1
            assert answers(root) == served
        else:  # killed (or done) after the switch: the new build, complete
            assert answers(root) == target
            updated = live_path(root)
            switch(root, live)
            shutil.rmtree(updated)
    # Most kills land before the switch (it is the update's last step).
    assert before_switch >= KILLS // 2, before_switch

    assert update(root, corpus).wait(timeout=120) == 0
    assert not [p for p in root.iterdir() if p.name.endswith(PARTIAL)]
    assert answers(root) == target
    full = tmp_path / "full"
    with open_archive(full) as archive:
        archive.build(corpus)
    assert answers(full) == target
