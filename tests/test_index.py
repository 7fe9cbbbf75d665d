"""Index builds: what the seed index holds, atomic switching, --update, cleaning old builds."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.qparser import QueryParser

from searchsvc import indexer as index
from searchsvc.errors import BuildError
from tests.paths import SEEDS

SEED_PARAGRAPHS = {
    "000_a2d3934c72cc6993": 19,
    "001_6c93bd1d9ff11c7a": 16,
    "002_2597359e734cd98a": 10,
    "003_bf4d45bef3f202d2": 14,
}
QUERIES = ["bomber", "iran militia", "soleimani", "B-52", "embassy baghdad", "qassem",
           "kataib", "us", "drone strike anniversary"]


def open_live(root: Path):
    live = index.live_path(root)
    assert live is not None, f"no live index in {root}"
    return whoosh_index.open_dir(str(live))


def stored(root: Path) -> dict[str, dict]:
    ix = open_live(root)
    with ix.searcher() as searcher:
        entries = {fields["pid"]: fields for fields in searcher.all_stored_fields()}
    ix.close()
    return entries


def answers(root: Path, queries: list[str] = QUERIES) -> dict[str, list[tuple[str, float]]]:
    """Each query's hits as (paragraph id, score rounded to 6 places), best first."""
    ix = open_live(root)
    out = {}
    with ix.searcher() as searcher:
        parser = QueryParser("text", searcher.schema)
        for text in queries:
            hits = searcher.search(parser.parse(text), limit=None)
            out[text] = [(hit["pid"], round(hit.score, 6)) for hit in hits]
    ix.close()
    return out


def builds(root: Path) -> list[str]:
    return sorted(child.name for child in root.iterdir() if child.name.startswith("build-"))


def copy_seeds(folder: Path) -> Path:
    shutil.copytree(SEEDS, folder)
    return folder


# ---------------------------------------------------------------- the seed index


def test_seed_index_has_every_paragraph_of_every_article(seed_index: Path) -> None:
    entries = stored(seed_index)
    assert len(entries) == sum(SEED_PARAGRAPHS.values()) == 59
    for article_id, count in SEED_PARAGRAPHS.items():
        numbers = sorted(e["para"] for e in entries.values() if e["article_id"] == article_id)
        assert numbers == list(range(1, count + 1))


def test_seed_index_stores_source_date_and_title(seed_index: Path) -> None:
    entries = stored(seed_index)
    first = {a: entries[f"{a}#1"] for a in SEED_PARAGRAPHS}
    assert {a: e["source_name"] for a, e in first.items()} == {
        "000_a2d3934c72cc6993": "CNN",
        "001_6c93bd1d9ff11c7a": "ESTA",
        "002_2597359e734cd98a": "AMN",
        "003_bf4d45bef3f202d2": "Zero Hedge",
    }
    for article_id in SEED_PARAGRAPHS:  # every entry of an article carries its metadata
        assert len({(e["source_name"], e["day"], e["title"]) for e in entries.values()
                    if e["article_id"] == article_id}) == 1
    assert {a: e["day"] for a, e in first.items()} == {
        "000_a2d3934c72cc6993": "2020-12-31",
        "001_6c93bd1d9ff11c7a": "2020-12-31",
        "002_2597359e734cd98a": "2020-12-11",
        "003_bf4d45bef3f202d2": "2020-12-10",
    }
    assert first["000_a2d3934c72cc6993"]["title"].startswith("US defense officials divided")
    assert first["002_2597359e734cd98a"]["title"].startswith("Report: Iran-backed militias")
    assert first["001_6c93bd1d9ff11c7a"]["title"] == first["003_bf4d45bef3f202d2"]["title"] == ""
    assert first["003_bf4d45bef3f202d2"]["text"].startswith("The Pentagon ordered two B-52")


def test_seed_index_meta(seed_index: Path) -> None:
    meta = index.read_meta(index.live_path(seed_index))
    assert (meta["articles"], meta["paragraphs"], meta["title_only"]) == (4, 59, 0)
    assert meta["sources"] == {"cnn": "CNN", "esta": "ESTA", "amn": "AMN",
                               "zero hedge": "Zero Hedge"}
    assert sorted(meta["files"]) == sorted(SEED_PARAGRAPHS)
    # Name variants across the seeds: Soleimani (CNN, ESTA, AMN) and Suleimani (Zero Hedge).
    groups = [set(group) for group in meta["names"].values()]
    assert any({"soleimani", "suleimani"} <= group for group in groups)


def test_seed_index_has_no_residue_or_nbsp(seed_index: Path) -> None:
    texts = [e["text"] for e in stored(seed_index).values()]
    for residue in ["Navigation", "•", "A1F", "Hezbollah Flag. (upyernoz/Flickr)",
                    "December 11, 2020", "by Zero Hedge Thu, 12/10/2020 – 09:25"]:
        assert residue not in texts
    assert not any("Telegram" in text for text in texts)
    assert not any("\u00a0" in text for text in texts)


# ---------------------------------------------------------------- atomic switching


def test_killed_build_leaves_the_old_index_serving(tmp_path: Path) -> None:
    root = tmp_path / "ix"
    old = index.build(root, SEEDS)
    old_live = index.live_path(root)
    big = tmp_path / "big"
    big.mkdir()
    for number in range(3000):
        paragraphs = [f"Synthetic article {number} paragraph {p} about militia rockets near"
                      " the embassy, tankers in the Gulf and bombers over the desert."
                      for p in range(4)]
        (big / f"a{number:05d}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")

    process = subprocess.Popen(
        [sys.executable, "-m", "searchsvc.cli", "index", "--corpus", str(big),
         "--index", str(root), "--workers", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, bufsize=0,
    )
    try:
        progress = [""]
        deadline = time.monotonic() + 60
        while (left := deadline - time.monotonic()) > 0:
            if not select.select([process.stderr], [], [], left)[0]:
                break
            line = process.stderr.readline().decode()  # unbuffered: reads just this line
            progress.append(line)
            if not line or "1000 articles" in line:
                break
        assert "… 1000 articles" in progress[-1], f"build did not get going: {progress}"
        partials = [p for p in root.iterdir() if p.name.endswith(index.PARTIAL)]
        assert len(partials) == 1 and partials[0].is_dir()
        os.killpg(process.pid, signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stderr.close()

    assert index.live_path(root) == old_live
    ix = open_live(root)
    assert ix.doc_count() == old.paragraphs == 59
    ix.close()
    assert index.read_meta(old_live)["articles"] == 4
    assert partials[0].exists()  # the killed build's folder is left behind …

    with pytest.raises(BuildError):  # … the next build removes it as it starts, even one
        index.build(root, tmp_path / "no-such-corpus")  # that fails
    assert not partials[0].exists()
    again = index.build(root, SEEDS)  # … the lock was released with the process
    assert not any(p.name.endswith(index.PARTIAL) for p in root.iterdir())
    assert index.live_path(root) == again.path.resolve()


def test_build_that_fails_midway_leaves_the_old_index_serving(tmp_path: Path) -> None:
    root = tmp_path / "ix"
    index.build(root, SEEDS)
    old_live = index.live_path(root)
    corpus = copy_seeds(tmp_path / "corpus")
    (corpus / "004_new.txt").write_text("A new article about the embassy.\n", encoding="utf-8")

    seen = []

    def explode(article) -> None:
        seen.append(article.id)
        if len(seen) == 3:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        index.build(root, corpus, on_article=explode)
    assert index.live_path(root) == old_live
    assert builds(root) == [old_live.name]
    assert open_live(root).doc_count() == 59

    index.build(root, corpus)  # the lock was released
    assert open_live(root).doc_count() == 60


def test_build_that_fails_after_commit_leaves_the_old_index_serving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ix"
    index.build(root, SEEDS)
    old_live = index.live_path(root)

    def fail(*args, **kwargs):
        raise OSError("no space left on device")

    from searchsvc.indexer import pipeline

    monkeypatch.setattr(pipeline, "_finish", fail)
    for update in (False, True):
        with pytest.raises(OSError, match="no space left"):
            index.build(root, SEEDS, update=update)
        assert index.live_path(root) == old_live
        assert builds(root) == [old_live.name]


def test_a_second_build_at_once_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "ix"
    root.mkdir()
    with index.BuildLock(root), pytest.raises(BuildError, match="another build is running"):
        index.build(root, SEEDS)
    assert index.live_path(root) is None
    assert builds(root) == []


def test_missing_corpus_is_a_build_error_and_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "ix"
    index.build(root, SEEDS)
    old_live = index.live_path(root)
    with pytest.raises(BuildError, match="does not exist"):
        index.build(root, tmp_path / "nowhere")
    assert index.live_path(root) == old_live
    assert builds(root) == [old_live.name]


def test_old_builds_are_cleaned(tmp_path: Path) -> None:
    root = tmp_path / "ix"
    paths = [index.build(root, SEEDS).path for _ in range(4)]
    assert len(set(paths)) == 4
    assert builds(root) == sorted(p.name for p in paths[-2:])  # live + one previous
    assert index.live_path(root) == paths[-1].resolve()
    assert os.readlink(root / index.CURRENT) == paths[-1].name


def test_no_index_yet(tmp_path: Path) -> None:
    assert index.live_path(tmp_path) is None


# ---------------------------------------------------------------- --update


def _edit_corpus(corpus: Path) -> None:
    """Modify one file, add one, delete one, and change one catalog row only."""
    esta = corpus / "001_6c93bd1d9ff11c7a.txt"
    esta.write_text(esta.read_text(encoding="utf-8")
                    + "\nTwo more B-52 bombers flew over the Gulf, a week after militia"
                      " leaders marked Soleimani’s death.\n", encoding="utf-8")
    (corpus / "004_new.txt").write_text(
        "Iraq militia warns of revenge\n\nAn Iran-backed militia in Iraq warned of revenge for"
        " Qassem Soleimani as bombers flew overhead.\n\nThe U.S. embassy in Baghdad was on"
        " alert.\n", encoding="utf-8")
    (corpus / "003_bf4d45bef3f202d2.txt").unlink()
    catalog = corpus / "catalog.csv"
    lines = catalog.read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if not line.startswith("003_")]
    lines = [line.replace("CNN,2020-12-31", "CNN,2021-01-01") for line in lines]
    lines.append("004_new.txt,Rudaw,2021-01-02,,")
    catalog.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_update_equals_a_full_rebuild(tmp_path: Path) -> None:
    corpus = copy_seeds(tmp_path / "corpus")
    updated = tmp_path / "updated"
    index.build(updated, corpus)
    before = answers(updated)
    _edit_corpus(corpus)

    summary = index.build(updated, corpus, update=True)
    assert summary.mode == "update"
    assert (summary.added, summary.changed, summary.removed, summary.unchanged) == (1, 2, 1, 1)
    assert summary.articles == 4
    assert summary.problems == []
    assert summary.lines()[1] == "update: 1 added, 2 changed, 1 removed, 1 unchanged"

    fresh = tmp_path / "fresh"
    full = index.build(fresh, corpus)
    assert (summary.paragraphs, summary.title_only) == (full.paragraphs, full.title_only) == (
        19 + 17 + 10 + 2, 0)

    after = answers(updated)
    assert after == answers(fresh)
    assert after != before  # the queries do see the edits
    assert all(after[q] for q in QUERIES)
    assert stored(updated) == stored(fresh)
    assert stored(updated)["000_a2d3934c72cc6993#1"]["day"] == "2021-01-01"
    assert not any(pid.startswith("003_") for pid in stored(updated))

    meta_updated = index.read_meta(index.live_path(updated))
    meta_fresh = index.read_meta(index.live_path(fresh))
    for meta in (meta_updated, meta_fresh):
        meta.pop("built_at")
        # each build's own files (whoosh names its segments at random): verified by check
        assert meta.pop("checksums")
    assert meta_updated == meta_fresh


def test_update_with_only_additions_equals_a_full_rebuild(tmp_path: Path) -> None:
    corpus = copy_seeds(tmp_path / "corpus")
    updated = tmp_path / "updated"
    index.build(updated, corpus)
    (corpus / "004_new.txt").write_text(
        "Bombers over the Gulf\n\nTwo bombers flew over the Gulf as a militia in Iraq"
        " threatened the US embassy.\n", encoding="utf-8")
    summary = index.build(updated, corpus, update=True)
    assert (summary.added, summary.changed, summary.removed, summary.unchanged) == (1, 0, 0, 4)

    fresh = tmp_path / "fresh"
    index.build(fresh, corpus)
    assert answers(updated) == answers(fresh)
    assert stored(updated) == stored(fresh)
    assert article_ranking(updated) == article_ranking(fresh)  # the article index too
    assert article_ranking(updated)["bomber"][0][0] == "004_new"


def article_ranking(root: Path) -> dict[str, list[tuple[str, float]]]:
    """Each query's articles as ranked by the article index, (article id, rounded score)."""
    from searchsvc.archive import open_archive
    from searchsvc.models import SearchRequest

    engine = open_archive(root)
    try:
        return {q: [(a, round(score, 6)) for a, score in
                    engine.ranked(SearchRequest(q=q), 1000)] for q in QUERIES}
    finally:
        engine.close()


def test_update_without_changes_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "ix"
    index.build(root, SEEDS)
    before = answers(root)
    summary = index.build(root, SEEDS, update=True)
    assert (summary.added, summary.changed, summary.removed, summary.unchanged) == (0, 0, 0, 4)
    assert (summary.articles, summary.paragraphs) == (4, 59)
    assert answers(root) == before


def test_update_without_an_index_is_a_full_build(tmp_path: Path) -> None:
    summary = index.build(tmp_path / "ix", SEEDS, update=True)
    assert summary.mode == "full"
    assert (summary.articles, summary.paragraphs) == (4, 59)


def test_meta_is_json_with_build_time(seed_index: Path) -> None:
    text = (index.live_path(seed_index) / index.META).read_text(encoding="utf-8")
    meta = json.loads(text)
    assert meta["built_at"].endswith("+00:00")
    assert meta["files"]["003_bf4d45bef3f202d2"]["path"] == "003_bf4d45bef3f202d2.txt"


def test_a_build_in_two_processes_answers_the_same(tmp_path: Path) -> None:
    """SEARCHSVC_BUILD_PROCESSES=2: two segments, the same hits, order and scores (ties
    are broken by article and paragraph, never by how the index was written)."""
    from searchsvc.archive import open_archive
    from searchsvc.models import SearchRequest
    from searchsvc.settings import Settings
    from tests.mixed import mixed_jsonl

    jsonl = mixed_jsonl(tmp_path, 600)
    index.build(tmp_path / "two", None, jsonl, settings=Settings(build_processes=2))
    index.build(tmp_path / "one", None, jsonl)
    assert len(list(index.live_path(tmp_path / "two").glob("*.seg"))) == 2
    assert len(list(index.live_path(tmp_path / "one").glob("*.seg"))) == 1
    two, one = open_archive(tmp_path / "two"), open_archive(tmp_path / "one")
    try:
        for q in ("Soleimani bombers", "US", '"Persian Gulf"', "iran OR iraq", "militia -iraq"):
            for group in ("article", "paragraph"):
                request = SearchRequest(q=q, group=group, per_page=5)
                answers = [engine.search(request).to_dict() for engine in (two, one)]
                for answer in answers:
                    answer.pop("took_ms")
                assert answers[0] == answers[1], (q, group)
    finally:
        two.close()
        one.close()


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped does not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc (Linux)")
def test_reader_processes_die_with_a_killed_build(tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.mkdir()
    paragraph = "Militia rockets fell near the embassy compound again, officials said. " * 40
    for number in range(2500):  # enough for the pool of readers (2,000 files and more),
        # long enough that a reader is busy with its files when the builder dies
        (big / f"a{number:05d}.txt").write_text(
            f"Synthetic article {number}\n\n" + "\n\n".join([paragraph] * 10) + "\n",
            encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "searchsvc.cli", "index", "--corpus", str(big),
         "--index", str(tmp_path / "ix"), "--workers", "3"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True, bufsize=0)
    try:
        children_file = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        deadline = time.monotonic() + 60
        readers: list[int] = []
        while len(readers) < 2 and time.monotonic() < deadline:  # the readers have started
            time.sleep(0.05)
            readers = [int(pid) for pid in children_file.read_text().split()]
        assert len(readers) == 2, readers  # --workers 3: two readers besides the builder
        time.sleep(0.3)  # reading their first files
        os.kill(process.pid, signal.SIGKILL)  # the builder alone, not its process group
        assert process.wait(timeout=30) == -signal.SIGKILL
        # They go with it: the next result a reader sends meets a closed pipe.
        deadline = time.monotonic() + 2
        while any(_alive(pid) for pid in readers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in readers)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stderr.close()
