"""The wheel a user installs with ``pip install .``: built from a clean copy of the
repository, installed in a fresh virtualenv, and used from an empty directory, as a new
user would (no editable install, no repository on the path)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.request
import venv
from pathlib import Path

import pytest

from tests.paths import REPO, SEEDS
from tests.server import running_server


def _clean_copy(target: Path) -> Path:
    """The repository's files as git sees them (committed or not), without .venv or index/."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, check=True, capture_output=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read().decode()


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with only the wheel (and its dependencies) installed: its bin/."""
    work = tmp_path_factory.mktemp("wheel")
    source = _clean_copy(work / "source")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                    "--outdir", str(work / "dist"), str(source)],
                   check=True, capture_output=True)
    wheels = list((work / "dist").glob("searchsvc-*.whl"))
    assert len(wheels) == 1, wheels
    venv.create(work / "venv", with_pip=True)
    bin_dir = work / "venv" / "bin"
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet",
                    "--disable-pip-version-check", str(wheels[0])],
                   check=True, capture_output=True)
    return bin_dir


def test_wheel_holds_the_page_and_no_repository_path(installed: Path) -> None:
    found = subprocess.run(
        [str(installed / "python"), "-c",
         "import importlib.resources as r, searchsvc;"
         "web = r.files('searchsvc.web');"
         "print(searchsvc.__file__);"
         "print((web / 'templates' / 'error.html').is_file(),"
         " (web / 'static' / 'site.css').is_file())"],
        check=True, capture_output=True, text=True, cwd="/",
    ).stdout.splitlines()
    assert "site-packages" in found[0]
    assert found[1] == "True True"


def test_wheel_indexes_serves_and_renders_from_an_empty_directory(installed: Path,
                                                                  tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEARCHSVC_")}
    searchsvc = str(installed / "searchsvc")

    # No ./seeds here: one clear line that says what to set, exit 2, nothing built.
    missing = subprocess.run([searchsvc, "index"], cwd=empty, env=env, capture_output=True,
                             text=True)
    assert missing.returncode == 2
    assert missing.stderr == ("error: corpus folder seeds does not exist; pass --corpus DIR or"
                              " set SEARCHSVC_CORPUS\n")
    assert not (empty / "index").exists()

    # The corpus from the variable, the index in ./index by default.
    built = subprocess.run([searchsvc, "index"], cwd=empty, capture_output=True, text=True,
                           env={**env, "SEARCHSVC_CORPUS": str(SEEDS)})
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("indexed 4 articles, 59 paragraphs")
    assert (empty / "index" / "current").is_symlink()

    with running_server(None, command=[searchsvc], cwd=empty) as base:
        status, kind, page = _get(f"{base}/?q=Soleimani")
        assert (status, kind) == (200, "text/html; charset=utf-8")
        assert "<mark>Soleimani</mark>" in page
        stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page)
        assert stylesheet, "the page links its stylesheet"
        status, kind, css = _get(base + stylesheet.group(1))
        assert (status, kind.split(";")[0]) == (200, "text/css")
        assert "mark" in css
        article = re.search(r'href="(/articles/[^"#]+)', page)
        assert article, "the results link to an article page"
        status, kind, body = _get(base + article.group(1))
        assert (status, kind) == (200, "text/html; charset=utf-8")
        assert "<article" in body
