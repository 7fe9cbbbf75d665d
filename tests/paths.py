"""Where the tests find the repository's own files (never through the installed package)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
CORPORA = REPO.parent / "shared" / "corpora"
