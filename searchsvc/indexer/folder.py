"""The index folder: its builds, the ``current`` link, the build lock and the switch.

Layout of an index folder (``index/`` by default)::

    index/current -> build-20201231T120000-4242   (symlink, swapped atomically)
    index/build-20201231T120000-4242/              one complete build: meta.json, the
                                                   engine's own files, the service's
                                                   artifacts (tables/) and the build
                                                   report (build.json)
    index/build-….partial/                         a build in progress (or killed)
    index/.build.lock                              held while a build runs
    index/.build-progress.json                     the running build's progress (progress.py)

A build writes a new folder and switches ``current`` to it only once it is complete, so
a reader never sees a half-built index and a build that fails or is killed leaves the old
one serving. This is the service's, the same whichever engine wrote the build.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
from pathlib import Path

from ..errors import BuildError, IndexProblem

CURRENT = "current"
META = "meta.json"
# meta.json "format": 2 added the article index; 3 moved the analysis the schema pickles;
# 4 added the arrays (tables/); 5 records the engine and adds the vocabulary artifact.
# Older builds must be rebuilt. build.json (the build report, report.py) is optional, not a
# format change: a format 5 build without it still serves, and /status says it is missing.
FORMAT = 5
LOCK = ".build.lock"
PARTIAL = ".partial"
KEEP_PREVIOUS = 1  # builds kept besides the live one, for readers that still have it open


class IndexCorrupt(IndexProblem):
    pass


class IndexOutdated(IndexCorrupt):
    def __init__(self, message: str, public: str):
        super().__init__(message)
        self.public = public  # the same without the server's paths, for HTTP answers


def live_path(root: Path) -> Path | None:
    """The folder ``current`` points at, or None when there is no index yet."""
    link = Path(root) / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = (Path(root) / target).resolve()
    return path if path.is_dir() else None


def read_meta(path: Path) -> dict:
    try:
        meta = json.loads((path / META).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise IndexCorrupt(
            f"index at {path} has no readable {META} ({error}); rebuild it") from None
    if meta.get("format", 1) != FORMAT:
        why = (f"was built by an older searchsvc (format {meta.get('format', 1)}, this one"
               f" reads {FORMAT}); rebuild it with `searchsvc index`")
        raise IndexOutdated(f"index at {path} {why}", f"the index {why}")
    return meta


def write_meta(path: Path, meta: dict) -> None:
    (path / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def is_usable(root: Path) -> bool:
    """Whether ``root`` has a live index this version can read (for ``index --if-needed``)."""
    live = live_path(root)
    if live is None:
        return False
    try:
        read_meta(live)
    except IndexProblem:
        return False
    return True


def switch(root: Path, build: Path) -> None:
    """Point ``current`` at ``build``: readers see the old build or the new, never neither."""
    temporary = root / f".{CURRENT}.{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(build.name, temporary)
    os.replace(temporary, root / CURRENT)  # atomic on POSIX


def remove_killed_builds(root: Path) -> None:
    """Under the build lock no other build runs: every ``.partial`` folder is a killed
    build's, and goes before this build starts (not only after it succeeds)."""
    for child in root.iterdir():
        if child.is_dir() and child.name.startswith("build-") and child.name.endswith(PARTIAL):
            shutil.rmtree(child, ignore_errors=True)


def clean(root: Path, live: Path) -> None:
    """Remove killed builds and all but the newest KEEP_PREVIOUS finished ones."""
    finished = []
    for child in root.iterdir():
        if not child.is_dir() or not child.name.startswith("build-") or child == live:
            continue
        if child.name.endswith(PARTIAL):
            shutil.rmtree(child, ignore_errors=True)
        else:
            finished.append(child)
    finished.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in finished[KEEP_PREVIOUS:]:
        shutil.rmtree(old, ignore_errors=True)


class BuildLock:
    """One build at a time per index folder, across processes (a POSIX record lock on
    ``.build.lock``) and within one (a set of the folders this process is building)."""

    _held: set[str] = set()
    _guard = threading.Lock()

    def __init__(self, root: Path):
        self.path = root / LOCK
        self.key = str(Path(root).resolve())

    def __enter__(self) -> BuildLock:
        with self._guard:
            if self.key in self._held:
                raise BuildError(f"another build is running in {self.path.parent}")
            self.handle = self.path.open("a")
            try:
                # lockf, not flock: the build's forked worker processes do not inherit a
                # record lock, so the orphaned workers of a killed build cannot keep it.
                fcntl.lockf(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except (BlockingIOError, PermissionError):
                self.handle.close()
                raise BuildError(f"another build is running in {self.path.parent}") from None
            self._held.add(self.key)
        return self

    def __exit__(self, *exc: object) -> None:
        with self._guard:
            fcntl.lockf(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self._held.discard(self.key)
