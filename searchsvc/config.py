"""Where things live. The only module-level state in the package."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT / "seeds"
DEFAULT_INDEX = REPO_ROOT / "index"
WEB_DIR = REPO_ROOT / "web"
INDEX_ENV = "SEARCHSVC_INDEX"


def index_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The index folder: the explicit argument, else $SEARCHSVC_INDEX, else the repo's index/."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(INDEX_ENV)
    return Path(env) if env else DEFAULT_INDEX
