"""`searchsvc index`: exit codes, warnings on stderr, the summary on stdout."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from searchsvc import indexer as index
from searchsvc import settings
from searchsvc.cli import main
from tests.paths import REPO

SUMMARY = re.compile(r"^indexed (\d+) articles, (\d+) paragraphs in \d+\.\d s → (\S+)$")


@pytest.fixture(autouse=True)
def _no_index_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(settings.INDEX_ENV, raising=False)


@pytest.fixture
def bad_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Rockets hit the embassy in Baghdad on Sunday.\n",
                                     encoding="utf-8")
    (corpus / "latin.txt").write_bytes(b"Caf\xe9 au lait.\n")
    (corpus / "catalog.csv").write_text("file,id\ngood.txt,g\nmissing.txt,m\n", encoding="utf-8")
    return corpus


def test_seed_build_without_warnings_exits_0_even_when_strict(tmp_path: Path, capsys,
                                                             monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    assert main(["index", "--index", str(tmp_path / "ix"), "--strict"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    assert match.group(1, 2) == ("4", "59")  # the default corpus is seeds/
    assert Path(match.group(3)).resolve() == index.live_path(tmp_path / "ix")
    assert re.fullmatch(r"read 4 files at [\d,]+\.\d paragraphs/s", lines[1])
    assert lines[2:] == ["skipped or repaired: 0", "near-duplicates folded: none"]
    assert "warning" not in err


def test_warnings_go_to_stderr_and_strict_exits_1(tmp_path: Path, bad_corpus: Path,
                                                  capsys) -> None:
    expected = [
        "warning: catalog.csv:3: catalog names missing file 'missing.txt'",
        "warning: latin.txt: skipped: not UTF-8 text (byte 0xe9 at offset 3)",
    ]
    root = tmp_path / "ix"
    assert main(["index", "--corpus", str(bad_corpus), "--index", str(root)]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == expected
    assert out.splitlines()[0].startswith("indexed 1 article, 1 paragraph")
    assert re.fullmatch(r"read 2 files at [\d,]+\.\d paragraphs/s; 1 skipped",
                        out.splitlines()[1])
    assert out.splitlines()[2:] == [
        "skipped or repaired: 2",
        "  catalog.csv:3: catalog names missing file 'missing.txt'",
        "  latin.txt: skipped: not UTF-8 text (byte 0xe9 at offset 3)",
        "near-duplicates folded: none",
    ]

    live = index.live_path(root)
    (bad_corpus / "late.txt").write_text("A paragraph added after the first build.\n")
    assert main(["index", "--corpus", str(bad_corpus), "--index", str(root), "--strict"]) == 1
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        *expected, "error: --strict: 2 warnings; the live index was not changed"]
    assert out.splitlines()[0] == "skipped or repaired: 2"
    assert index.live_path(root) == live  # the strict build that failed switched nothing
    assert not [p for p in root.iterdir() if p.name.endswith(".partial")]


def test_strict_exit_code_through_the_real_command(tmp_path: Path, bad_corpus: Path) -> None:
    command = [sys.executable, "-m", "searchsvc.cli", "index", "--index", str(tmp_path / "ix"),
               "--strict", "--workers", "1"]
    bad = subprocess.run([*command, "--corpus", str(bad_corpus)], capture_output=True,
                         text=True, timeout=60, cwd=tmp_path)
    assert bad.returncode == 1
    assert "warning: latin.txt: skipped: not UTF-8 text" in bad.stderr
    # No --corpus: ./seeds of the current directory.
    good = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=REPO)
    assert good.returncode == 0, good.stderr
    assert good.stderr == ""
    assert good.stdout.startswith("indexed 4 articles, 59 paragraphs")


def test_jsonl_only(tmp_path: Path, capsys) -> None:
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text(
        json.dumps({"id": "a1", "source": "AP", "date": "2021-01-04",
                    "paragraphs": ["Iran said it resumed enrichment.", "Talks go on."]}) + "\n"
        + "{broken\n", encoding="utf-8")
    root = tmp_path / "ix"
    assert main(["index", "--jsonl", str(jsonl), "--index", str(root)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("indexed 1 article, 2 paragraphs")
    assert err.splitlines() == [
        "warning: export.jsonl:2: skipped line: Expecting property name enclosed in double"
        " quotes: line 1 column 2 (char 1)",
    ]
    files = index.read_meta(index.live_path(root))["files"]
    assert list(files) == ["a1"]
    assert files["a1"]["path"] == "export.jsonl:1"


def test_update_prints_what_changed(tmp_path: Path, capsys) -> None:
    root = tmp_path / "ix"
    assert main(["index", "--index", str(root)]) == 0
    assert main(["index", "--index", str(root), "--update"]) == 0
    out, _ = capsys.readouterr()
    assert "update: 0 added, 0 changed, 0 removed, 4 unchanged" in out.splitlines()


def test_missing_corpus_is_an_error_with_exit_2(tmp_path: Path, capsys) -> None:
    root = tmp_path / "ix"
    code = main(["index", "--corpus", str(tmp_path / "nowhere"), "--index", str(root)])
    assert code == 2
    _, err = capsys.readouterr()
    assert err.strip() == (f"error: corpus folder {tmp_path / 'nowhere'} does not exist;"
                           " pass --corpus DIR or set SEARCHSVC_CORPUS")
    assert index.live_path(root) is None


def test_index_folder_from_the_environment(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv(settings.INDEX_ENV, str(tmp_path / "from-env"))
    assert main(["index"]) == 0
    assert index.live_path(tmp_path / "from-env") is not None


def _make_outdated(root: Path) -> Path:
    """Turn the live build into one an older searchsvc wrote (meta.json without a format)."""
    live = index.live_path(root)
    meta_file = live / index.META
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    del meta["format"]
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    return live


def test_if_needed_builds_only_a_missing_or_outdated_index(tmp_path: Path, capsys) -> None:
    from searchsvc.app import create_app

    root = tmp_path / "ix"
    assert main(["index", "--index", str(root), "--if-needed"]) == 0  # none yet: builds
    first = index.live_path(root)
    assert first is not None
    capsys.readouterr()
    assert main(["index", "--index", str(root), "--if-needed"]) == 0
    out, _ = capsys.readouterr()
    assert out.startswith(f"{root} has a usable index; nothing to do")
    assert index.live_path(root) == first

    outdated = _make_outdated(root)
    response = create_app(root).test_client().get("/api/search?q=Iran")
    assert response.status_code == 503
    assert response.get_json() == {"error": {
        "code": "index_outdated",
        "message": f"the index was built by an older searchsvc (format 1, this one"
                   f" reads {index.FORMAT}); rebuild it with `searchsvc index`"}}

    assert main(["index", "--index", str(root), "--if-needed"]) == 0  # outdated: rebuilds
    assert index.live_path(root) != outdated
    assert index.read_meta(index.live_path(root))["format"] == index.FORMAT


def test_update_of_an_outdated_index_is_a_full_build(tmp_path: Path, capsys) -> None:
    root = tmp_path / "ix"
    assert main(["index", "--index", str(root)]) == 0
    _make_outdated(root)
    capsys.readouterr()
    assert main(["index", "--index", str(root), "--update"]) == 0
    out, _ = capsys.readouterr()
    assert SUMMARY.match(out.splitlines()[0])
    assert not any(line.startswith("update:") for line in out.splitlines())
    assert index.is_usable(root)
