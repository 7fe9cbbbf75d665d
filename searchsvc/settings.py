"""Where the corpus and the index are: flags first, then environment variables, then the
current directory (``./seeds``, ``./index``), never the installed package's folder."""

from __future__ import annotations

import os
from pathlib import Path

CORPUS_ENV = "SEARCHSVC_CORPUS"
INDEX_ENV = "SEARCHSVC_INDEX"
DEFAULT_CORPUS = Path("seeds")
DEFAULT_INDEX = Path("index")


def _resolve(explicit: str | os.PathLike[str] | None, env: str, default: Path) -> Path:
    if explicit:
        return Path(explicit)
    value = os.environ.get(env)
    return Path(value) if value else default


def index_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The index folder: ``explicit``, else $SEARCHSVC_INDEX, else ``./index``."""
    return _resolve(explicit, INDEX_ENV, DEFAULT_INDEX)


def corpus_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The corpus folder: ``explicit``, else $SEARCHSVC_CORPUS, else ``./seeds``."""
    return _resolve(explicit, CORPUS_ENV, DEFAULT_CORPUS)
