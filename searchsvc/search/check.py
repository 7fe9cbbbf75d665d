"""``searchsvc check``: is every build of an index folder whole, and which one is damaged.

Each build is verified as a server would (every file's size and checksum against what the
build recorded: :mod:`searchsvc.indexer.integrity`), then opened, and its counts compared
with meta.json: the articles and paragraph entries the engine holds against those the
build reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import IndexProblem, Unavailable
from ..indexer import integrity
from ..indexer.folder import live_path, previous_builds, read_meta
from ..settings import Settings
from .snapshot import open_snapshot


@dataclass
class BuildCheck:
    """What ``check`` found in one build folder."""

    path: Path
    live: bool
    problems: list[str] = field(default_factory=list)
    files: int = 0  # files verified
    articles: int = 0
    paragraphs: int = 0

    @property
    def sound(self) -> bool:
        return not self.problems


def check_folder(root: Path, settings: Settings) -> list[BuildCheck]:
    """The live build first, then the previous ones, newest first."""
    live = live_path(root)
    builds = ([live] if live is not None else []) + previous_builds(root, live)
    return [check_build(path, path == live, settings) for path in builds]


def check_build(path: Path, live: bool, settings: Settings) -> BuildCheck:
    found = BuildCheck(path, live)
    try:
        meta = read_meta(path)
    except IndexProblem as error:
        found.problems.append(str(error))
        return found
    recorded = meta.get(integrity.CHECKSUMS)
    if not recorded:
        found.problems.append("no checksums recorded (built before searchsvc recorded them):"
                              " rebuild it to make it verifiable")
        return found
    found.problems += [str(damage) for damage in integrity.verify(path, meta)]
    found.files = len(recorded)
    if found.problems:
        return found
    try:
        snapshot = open_snapshot(path, settings)
    except Unavailable as error:
        found.problems.append(error.message)
        return found
    try:
        columns = snapshot.columns
        found.articles = len(columns.article_ids)
        found.paragraphs = int(np.count_nonzero(np.asarray(columns.para) > 0))
        expected = (meta.get("articles"), meta.get("paragraphs"))
        if (found.articles, found.paragraphs) != expected:
            found.problems.append(
                f"holds {found.articles:,} articles and {found.paragraphs:,} paragraphs; the"
                f" build reported {expected[0]:,} and {expected[1]:,}")
    finally:
        snapshot.close()
    return found
