"""Shared fixtures. Keep this file small: fixtures used by one test module live in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from searchsvc import config, index


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index root built once from the seed corpus (``seeds/`` with its catalog)."""
    root = tmp_path_factory.mktemp("seed-index")
    index.build(root, config.DEFAULT_CORPUS)
    return root


# --- API, search and CLI tests (test_api.py, test_search.py, test_cli_search.py, test_fuzz.py)


@pytest.fixture(scope="session")
def snapshot(seed_index: Path):
    """The seed index opened for :func:`searchsvc.search.search`."""
    from searchsvc.live import open_snapshot

    snap = open_snapshot(index.live_path(seed_index))
    yield snap
    snap.searcher.close()


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
