"""Shared fixtures. Keep this file small: fixtures used by one test module live in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from searchsvc import indexer as index
from searchsvc.engine import installed
from tests.paths import SEEDS


@pytest.fixture(scope="session", params=installed())
def engine_name(request: pytest.FixtureRequest) -> str:
    """Every engine installed: each test using a built index runs once per engine."""
    return request.param


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory, engine_name: str) -> Path:
    """An index root built once from the seed corpus (``seeds/`` with its catalog)."""
    root = tmp_path_factory.mktemp(f"seed-index-{engine_name}")
    index.build(root, SEEDS, engine=engine_name)
    return root


# --- API, search and CLI tests (test_api.py, test_search.py, test_cli_search.py, test_fuzz.py)


@pytest.fixture(scope="session")
def engine(seed_index: Path):
    """The seed index, opened through the engine interface."""
    from searchsvc.archive import open_archive

    with open_archive(seed_index) as opened:
        yield opened


@pytest.fixture(scope="session")
def app(seed_index: Path):
    """The Flask app over the seed index."""
    from searchsvc.app import create_app

    return create_app(seed_index)


@pytest.fixture(scope="session")
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def server(seed_index: Path):
    """A real ``searchsvc serve`` on 127.0.0.1 over the seed index: its base URL."""
    from tests.server import running_server

    with running_server(seed_index) as base:
        yield base


TINY_ARTICLES = [
    {"id": "a", "title": "Widgets <b>bold</b> & co", "source": "Alpha", "date": "2019-05-02",
     "url": "https://example.org/a?x=1&y=2",
     "paragraphs": ["The page said <script>alert(1)</script> and &amp; to the widgets reviewer.",
                    "A second paragraph about gadgets."]},
    {"id": "b", "title": "Second", "source": "Beta", "date": "2020-01-15",
     "paragraphs": ["Widgets are sold in January; widget sales rose."]},
    {"id": "c", "title": "Third", "source": "Alpha", "date": "2020-12-31",
     "paragraphs": ["Year-end widgets report."]},
    {"id": "d", "title": "Undated", "source": "Gamma", "paragraphs": ["Undated widgets note."]},
    {"id": "e", "title": "Gadgets, a title only", "source": "Delta", "date": "2020-06-01",
     "paragraphs": []},
]


@pytest.fixture(scope="session")
def tiny_index(tmp_path_factory: pytest.TempPathFactory, engine_name: str) -> Path:
    """An index root of five articles (JSON Lines): HTML-looking text, four dates, one
    undated article, one title-only article."""
    import json

    folder = tmp_path_factory.mktemp(f"tiny-index-{engine_name}")
    jsonl = folder / "articles.jsonl"
    jsonl.write_text("".join(json.dumps(a) + "\n" for a in TINY_ARTICLES), encoding="utf-8")
    index.build(folder / "index", None, jsonl, engine=engine_name)
    return folder / "index"
