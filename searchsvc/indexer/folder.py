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

import contextlib
import errno
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
# 4 added the arrays (tables/); 5 records the engine and adds the vocabulary artifact;
# 6 adds the names each article mentions (tables/names.*). Older builds must be rebuilt.
# build.json (the build report, report.py) is optional, not a format change: a build
# without it still serves, and /status says it is missing.
FORMAT = 6
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


def previous_builds(root: Path, live: Path | None) -> list[Path]:
    """The finished builds kept besides ``live``, newest first (a server falls back to
    one when the live build is damaged)."""
    kept = [child for child in Path(root).iterdir()
            if child.is_dir() and child.name.startswith("build-")
            and not child.name.endswith(PARTIAL) and child != live
            and (child / META).is_file()]
    return sorted(kept, key=lambda p: p.name, reverse=True)  # names hold the build time


def copy_build(live: Path, partial: Path) -> None:
    """Copy the live build to start an update from. Unlike ``shutil.copytree``, the first
    failure raises its own ``OSError`` (a full disk is ENOSPC, not a list of every file)."""
    for folder, _subfolders, names in os.walk(live):
        target = partial / Path(folder).relative_to(live)
        target.mkdir(parents=True, exist_ok=True)
        for name in names:
            shutil.copy2(Path(folder) / name, target / name)


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


# What an operator is told for the write failures a build cannot get past by itself.
STORAGE_FAULTS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


def folder_bytes(path: Path) -> int:
    """Bytes of the files under ``path`` (0 when it is gone)."""
    total = 0
    for child in Path(path).rglob("*"):
        with contextlib.suppress(OSError):  # a file removed while counting
            total += child.stat().st_size if child.is_file() else 0
    return total


def storage_problem(error: OSError, root: Path, written: int,
                    building: Path | None = None) -> BuildError | None:
    """The one line to say for a build stopped by the disk or its permissions (None for
    any other error): what failed, where (the file, else the folder being written), and
    how much space a build needs."""
    fault = STORAGE_FAULTS.get(error.errno or 0)
    if fault is None:
        return None
    where = error.filename2 or error.filename or building or root  # a copy: target second
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        live = live_path(root)
        needed = max(written, folder_bytes(live) if live else 0)
        free = shutil.disk_usage(root).free if Path(root).exists() else 0
        return BuildError(
            f"the build stopped writing {where}: {fault} after {_mb(written)}; a build of this"
            f" index needs about {_mb(needed)} free beside the live one ({_mb(free)} free in"
            f" {root} now); free space and run it again. The live index is unchanged")
    return BuildError(
        f"the build cannot write {where}: {fault}; the index folder {root} must be writable"
        " by this user. The live index is unchanged")


def _mb(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"
