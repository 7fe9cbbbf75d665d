"""Building an index: the pipeline (:mod:`.pipeline`), the build folder with its lock and
switch (:mod:`.folder`), and the engine-neutral artifacts (:mod:`.catalog`,
:mod:`.duplicates`).

``build(root, corpus)`` builds with the default engine; the rest is re-exported for the
callers that inspect a build folder.
"""

from __future__ import annotations

from pathlib import Path

from ..engine import DEFAULT, builder
from .folder import (
    CURRENT,
    FORMAT,
    META,
    PARTIAL,
    BuildLock,
    IndexCorrupt,
    IndexOutdated,
    is_usable,
    live_path,
    read_meta,
)
from .pipeline import TABLES
from .summary import BuildSummary

__all__ = ["CURRENT", "FORMAT", "META", "PARTIAL", "TABLES", "BuildLock", "IndexCorrupt",
           "IndexOutdated", "build", "is_usable", "live_path", "read_meta"]


def build(root: Path, corpus: Path | None = None, jsonl: Path | None = None, *,
          engine: str = DEFAULT, **options) -> BuildSummary:
    """:func:`.pipeline.build` with the engine called ``engine``."""
    from .pipeline import build as run

    return run(root, builder(engine), corpus, jsonl, **options)
