"""Build status: the report every build writes (build.json), the progress file of a running
build, and how the API (/api/status), the page (/status) and the CLI show them."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from openapi_schema_validator import OAS31Validator, oas31_format_checker

from searchsvc import indexer as index
from searchsvc.app import create_app
from searchsvc.cli import main
from searchsvc.corpus import Article, Problem, read_folder
from searchsvc.indexer import progress as build_progress
from searchsvc.indexer.report import REPORT
from searchsvc.openapi import openapi_document
from tests.paths import SEEDS

DOC = openapi_document()
LATIN = "latin.txt"


def seed_paragraphs() -> int:
    """The seeds' paragraphs as the corpus reader finds them: the independent count."""
    return sum(len(article.paragraphs) for article in read_folder(SEEDS, lambda _p: None))


def valid_status(body: dict) -> dict:
    """``body`` checked against the OpenAPI document's BuildStatus schema."""
    schema = {"$ref": "#/components/schemas/BuildStatus", "components": DOC["components"]}
    validator = OAS31Validator(schema, format_checker=oas31_format_checker)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(body)]
    assert not errors, errors[:5]
    return body


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the seeds that a test may change."""
    return Path(shutil.copytree(SEEDS, tmp_path / "corpus"))


def status_of(root: Path) -> dict:
    response = create_app(root).test_client().get("/api/status")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return valid_status(response.get_json())


def seed_ids() -> dict[str, str]:
    """Article id → its file, for the seeds."""
    return {article.id: article.path for article in read_folder(SEEDS, lambda _p: None)}


# ------------------------------------------------------------------ the report of a build


def test_the_seed_build_reports_4_files_4_articles_and_every_paragraph(client, engine):
    body = valid_status(client.get("/api/status").get_json())
    report = body["last_build"]
    assert body["building"] is False and body["progress"] is None and body["note"] is None
    assert (report["files"], report["articles"]) == (4, 4)
    assert report["paragraphs"] == seed_paragraphs() == engine.health().paragraphs == 59
    assert report["title_only"] == 0
    assert report["skipped"] == [] and report["warnings"] == []
    assert report["mode"] == "full" and report["update"] is None
    assert report["duplicates"] == {"clusters": 0, "folded": 0, "stories": []}
    assert report["engine"] == index.read_meta(index.live_path(engine.root))["engine"]
    assert report["build"] == index.live_path(engine.root).name
    started = dt.datetime.fromisoformat(report["started_at"])
    finished = dt.datetime.fromisoformat(report["finished_at"])
    assert started <= finished
    # the rate is of the unrounded seconds
    assert report["paragraphs_per_second"] == pytest.approx(59 / report["seconds"], rel=0.01)
    assert body["health"] == "/api/health"
    assert client.get("/api/health").status_code == 200  # health is still there, as it was


def test_skipped_files_are_listed_with_their_reasons(tmp_path: Path, corpus: Path):
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / LATIN).write_bytes(b"Caf\xe9 au lait.\n")
    index.build(tmp_path / "ix", corpus)
    report = status_of(tmp_path / "ix")["last_build"]
    assert (report["files"], report["articles"], report["paragraphs"]) == (6, 4, 59)
    assert report["skipped"] == [
        {"path": "empty.txt", "line": None, "reason": "empty file"},
        {"path": LATIN, "line": None, "reason": "not UTF-8 text (byte 0xe9 at offset 3)"},
    ]
    assert report["warnings"] == []


def test_the_report_is_in_the_build_folder_after_a_restart(tmp_path: Path):
    index.build(tmp_path / "ix", SEEDS)
    stored = json.loads((index.live_path(tmp_path / "ix") / REPORT).read_text("utf-8"))
    assert stored["report"] == 1
    first = status_of(tmp_path / "ix")["last_build"]
    assert first == {key: value for key, value in stored.items() if key != "report"}
    assert status_of(tmp_path / "ix")["last_build"] == first  # another app, the same report


def test_the_report_names_the_near_duplicates_folded_under_the_first(tmp_path: Path,
                                                                     corpus: Path):
    """A later copy of the CNN article with its last paragraph cut: one story, two versions."""
    cnn = next(a for a in read_folder(SEEDS, lambda _p: None) if a.source == "CNN")
    text = (SEEDS / cnn.path).read_text(encoding="utf-8")
    (corpus / "later.txt").write_text(text.rsplit("\n", 2)[0] + "\n", encoding="utf-8")
    with (corpus / "catalog.csv").open("a", encoding="utf-8") as catalog:
        catalog.write("later.txt,CNN,2021-01-01,,a later copy\n")
    index.build(tmp_path / "ix", corpus)
    duplicates = status_of(tmp_path / "ix")["last_build"]["duplicates"]
    assert duplicates == {"clusters": 1, "folded": 1, "stories": [
        {"article": cnn.id, "title": cnn.title, "folded": ["later"]}]}
    # The search folds the same: the copy is a "more version" of the first.
    found = create_app(tmp_path / "ix").test_client().get("/api/search?q=Nimitz").get_json()
    assert found["total"]["folded"] == 1
    page = create_app(tmp_path / "ix").test_client().get("/status").get_data(as_text=True)
    assert "1 later version folded under 1 story" in page
    assert re.search(rf'<a href="/articles/{cnn.id}">{re.escape(cnn.title)}</a></td>\s*<td>'
                     r'<a href="/articles/later"><code>later</code></a></td>', page)


def test_folded_stories_list_every_cluster_largest_first():
    from searchsvc.indexer.report import folded_stories

    ids = ["a", "b", "c", "d", "e", "f"]
    # a folds c and e (e earlier than c by day), b folds f, d stands alone
    duplicate_of = [0, 1, 0, 3, 0, 1]
    day = [1, 1, 5, 2, 3, 9]
    found = folded_stories(duplicate_of, ids, day, {"a": "Headline A"})
    assert (found.clusters, found.folded) == (2, 3)
    assert [(s.article, s.title, s.folded) for s in found.stories] == [
        ("a", "Headline A", ["e", "c"]), ("b", "", ["f"])]


def _change_one_add_one_remove_one(corpus: Path) -> tuple[str, str, str]:
    ids = sorted(seed_ids())
    changed, removed = ids[1], ids[3]
    with (corpus / seed_ids()[changed]).open("a", encoding="utf-8") as handle:
        handle.write("\n\nA paragraph added later about the drones over the Gulf.\n")
    (corpus / seed_ids()[removed]).unlink()
    catalog = corpus / "catalog.csv"
    catalog.write_text("".join(line for line in catalog.read_text("utf-8").splitlines(True)
                               if not line.startswith(seed_ids()[removed])), "utf-8")
    (corpus / "004_new.txt").write_text("A new headline\n\nA new article about drones.\n\n"
                                        "And its second paragraph.\n", encoding="utf-8")
    return "004_new", changed, removed


def test_an_update_reports_the_new_the_changed_and_the_removed_file(tmp_path: Path,
                                                                    corpus: Path):
    root = tmp_path / "ix"
    index.build(root, corpus)
    new, changed, removed = _change_one_add_one_remove_one(corpus)
    summary = index.build(root, corpus, update=True)
    report = status_of(root)["last_build"]
    paths = seed_ids()
    assert report["mode"] == "update"
    assert report["update"] == {
        "new": [{"id": new, "path": "004_new.txt"}],
        "changed": [{"id": changed, "path": paths[changed]}],
        "removed": [{"id": removed, "path": paths[removed]}],
        "unchanged": 2, "rebuilt": True}
    assert (report["files"], report["articles"]) == (4, 4)
    expected = sum(len(a.paragraphs) for a in read_folder(corpus, lambda _p: None))
    assert report["paragraphs"] == expected == summary.paragraphs
    assert report["skipped"] == [] and report["warnings"] == []


def test_an_update_that_only_adds_appends_and_says_so(tmp_path: Path, corpus: Path):
    root = tmp_path / "ix"
    index.build(root, corpus)
    (corpus / "004_new.txt").write_text("Late news\n\nOne more paragraph.\n", encoding="utf-8")
    index.build(root, corpus, update=True)
    update = status_of(root)["last_build"]["update"]
    assert update == {"new": [{"id": "004_new", "path": "004_new.txt"}], "changed": [],
                      "removed": [], "unchanged": 4, "rebuilt": False}


def test_a_build_without_a_report_still_serves_and_says_how_to_get_one(tmp_path: Path):
    root = tmp_path / "ix"
    index.build(root, SEEDS)
    (index.live_path(root) / REPORT).unlink()  # as a build made before reports existed
    client = create_app(root).test_client()
    body = valid_status(client.get("/api/status").get_json())
    assert body["last_build"] is None
    assert body["note"].startswith(f"the build being served ({index.live_path(root).name}) has"
                                   " no report: it was built before searchsvc wrote build"
                                   " reports; build the index again")
    assert client.get("/api/search?q=Soleimani").get_json()["total"]["articles"] == 4
    assert client.get("/api/health").status_code == 200
    page = client.get("/status")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "No build report" in text and "`searchsvc index`" in text
    (index.live_path(root) / REPORT).write_text("{broken", encoding="utf-8")
    assert "cannot be read (JSONDecodeError)" in status_of(root)["note"]


def test_without_an_index_the_status_answers_and_says_so(tmp_path: Path):
    body = status_of(tmp_path / "none")
    assert body["last_build"] is None and body["building"] is False
    assert body["note"] == "no index has been built yet; build one with `searchsvc index`"
    page = create_app(tmp_path / "none").test_client().get("/status")
    assert page.status_code == 200 and "No index has been built yet" in page.get_data(True)


def test_the_openapi_document_describes_the_status():
    operation = DOC["paths"]["/api/status"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/BuildStatus"}
    docs = (SEEDS.parent / "docs" / "api.md").read_text(encoding="utf-8")
    assert "GET /api/status" in docs
    for name in ("BuildStatus", "BuildReport", "BuildProgress", "UpdateChanges"):
        for field in DOC["components"]["schemas"][name]["properties"]:
            assert f"`{field}`" in docs, (name, field)


# ------------------------------------------------------------------ a running build


def _article(number: int, paragraphs: int) -> Article:
    return Article(id=f"a{number}", title=f"Headline {number}", source="AP", date=None, url="",
                   paragraphs=[f"Paragraph {i}." for i in range(paragraphs)])


def test_the_progress_writer_counts_files_articles_paragraphs_and_skips(tmp_path: Path):
    tracker = build_progress.BuildTracker(tmp_path, "full", files_total=10, interval=3600)
    for number, paragraphs in enumerate((3, 5, 2)):
        tracker.article(_article(number, paragraphs))
    tracker.problem(Problem("empty.txt", "skipped: empty file"))
    tracker.problem(Problem("feed.jsonl", "skipped line: not a JSON object", 3))  # no file
    tracker.problem(Problem("a.txt", "malformed date '2020-13'; article kept as undated"))
    tracker.started -= 20  # as if it had read these in 20 seconds
    tracker.start()  # writes at once, then every hour (never, in this test)
    found = build_progress.read_progress(tmp_path)
    assert found is not None
    assert (found.files_total, found.files_done, found.articles, found.paragraphs,
            found.skipped) == (10, 4, 3, 10, 2)
    assert found.percent == 40.0 and found.phase == "reading" and found.mode == "full"
    assert found.seconds == 20.0 and found.paragraphs_per_second == 0.5
    assert found.eta_seconds == 30.0  # 6 files left at 4 files in 20 s
    assert list(tracker.read_all([])) == []  # the input read: only finishing is left
    tracker.write()
    finishing = build_progress.read_progress(tmp_path)
    assert finishing is not None and finishing.phase == "finishing"
    assert finishing.eta_seconds is None
    written = dt.datetime.fromisoformat(finishing.updated_at)
    late = written + dt.timedelta(seconds=build_progress.STALE + 1)
    assert build_progress.read_progress(tmp_path, now=late) is None  # a killed build's file
    assert build_progress.read_progress(tmp_path, now=written) is not None
    tracker.stop()
    assert not (tmp_path / build_progress.PROGRESS).exists()
    assert build_progress.read_progress(tmp_path) is None


def test_a_build_writes_its_progress_while_it_runs_and_removes_it(tmp_path: Path,
                                                                   corpus: Path, monkeypatch):
    root = tmp_path / "ix"
    seen = []
    phases: list[str] = []
    enter = build_progress.BuildTracker.enter
    monkeypatch.setattr(build_progress.BuildTracker, "enter",
                        lambda self, phase: (phases.append(phase), enter(self, phase)))

    def during(article: Article) -> None:
        seen.append(build_progress.read_progress(root))

    index.build(root, corpus, on_article=during)
    assert len(seen) == 4 and all(progress is not None for progress in seen)
    assert {progress.files_total for progress in seen} == {4}  # type: ignore[union-attr]
    assert {progress.phase for progress in seen} == {"reading"}  # type: ignore[union-attr]
    assert phases == ["finishing"]  # once the last article is read
    assert not (root / build_progress.PROGRESS).exists()
    assert status_of(root)["building"] is False
    _change_one_add_one_remove_one(corpus)
    phases.clear()
    index.build(root, corpus, update=True)
    assert phases == ["finishing", "rebuilding", "finishing"]  # a change: read again
    assert not (root / build_progress.PROGRESS).exists()


def test_the_page_of_a_running_build_shows_its_progress_and_reloads(tmp_path: Path):
    root = tmp_path / "ix"
    index.build(root, SEEDS)
    tracker = build_progress.BuildTracker(root, "update", files_total=8, interval=3600)
    tracker.article(_article(1, 6))
    tracker.problem(Problem(LATIN, "skipped: not UTF-8 text"))
    tracker.start()
    client = create_app(root).test_client()
    try:
        page = client.get("/status").get_data(as_text=True)
        body = valid_status(client.get("/api/status").get_json())
    finally:
        tracker.stop()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "A build is running (--update)" in page
    assert re.search(r"<strong id=\"progress-files\">2 of 8 files</strong> \(25.0%\)", page)
    assert "1 article, 6 paragraphs, 1 skipped" in page
    assert body["building"] is True and body["progress"]["files_done"] == 2
    assert body["last_build"]["articles"] == 4  # the build being served meanwhile
    after = client.get("/status").get_data(as_text=True)
    assert "http-equiv=\"refresh\"" not in after and "A build is running" not in after


# ------------------------------------------------------------------ the page and the CLI


def test_the_page_shows_the_numbers_skips_and_changes(tmp_path: Path, corpus: Path):
    root = tmp_path / "ix"
    index.build(root, corpus)
    _change_one_add_one_remove_one(corpus)
    (corpus / LATIN).write_bytes(b"Caf\xe9 au lait.\n")
    index.build(root, corpus, update=True)
    page = create_app(root).test_client().get("/status").get_data(as_text=True)
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    assert facts["Files"] == "5" and facts["Articles"] == "4" and facts["Skipped"] == "1"
    assert facts["Kind"] == "an update (--update)"
    assert "<td><code>latin.txt</code></td><td>not UTF-8 text (byte 0xe9 at offset 3)</td>" \
        in page
    assert re.search(r'id="update-new">\s*<li><code>004_new.txt</code>', page)
    assert "Removed: 1" in page and "Changed: 1" in page


def test_the_cli_prints_the_report_after_a_build_and_on_demand(tmp_path: Path, corpus: Path,
                                                               capsys):
    root = tmp_path / "ix"
    assert main(["index", "--corpus", str(corpus), "--index", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"read 4 files at [\d,]+\.\d paragraphs/s", out[1])
    assert out[2:] == ["skipped or repaired: 0", "near-duplicates folded: none"]
    new, changed, removed = _change_one_add_one_remove_one(corpus)
    assert main(["index", "--corpus", str(corpus), "--index", str(root), "--update"]) == 0
    paths = seed_ids()
    changes = [f"  new: 004_new.txt ({new})", f"  changed: {paths[changed]} ({changed})",
               f"  removed: {paths[removed]} ({removed})",
               "  (a change or removal: the index was rebuilt, not appended to)"]
    out = capsys.readouterr().out.splitlines()
    assert out[1:6] == ["update: 1 added, 1 changed, 1 removed, 2 unchanged", *changes]
    assert re.fullmatch(r"read 4 files at [\d,]+\.\d paragraphs/s", out[6])
    for command in (["status"], ["index", "--status"]):
        assert main([*command, "--index", str(root)]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].startswith(f"last build: {index.live_path(root).name}, an update")
        paragraphs = sum(len(a.paragraphs) for a in read_folder(corpus, lambda _p: None))
        assert lines[1].startswith(f"indexed 4 articles, {paragraphs} paragraphs in ")
        assert lines[2:7] == ["update: 1 added, 1 changed, 1 removed, 2 unchanged", *changes]
        assert re.fullmatch(r"read 4 files at [\d,]+\.\d paragraphs/s", lines[7])
        assert lines[8:] == ["skipped: 0", "near-duplicates folded: none"]
    assert main(["status", "--index", str(root), "--json"]) == 0
    assert valid_status(json.loads(capsys.readouterr().out))["last_build"]["articles"] == 4
    assert main(["status", "--index", str(tmp_path / "none")]) == 1
    assert capsys.readouterr().out == ("no build report: no index has been built yet; build"
                                       " one with `searchsvc index`\n")
