"""Whether a build's files are still the ones the build wrote.

A failing disk or an interrupted copy leaves a file cut short or zeroed. Read as if it were
whole, it gives errors in the middle of a search, or worse, wrong answers. So a build
records each file's size and CRC-32 in meta.json (``checksums``); a server verifies them
when it opens the build and again whenever a file's size or modification time changes under
it (a ``stat`` of each file, cheap enough to repeat every few seconds), and ``searchsvc
check`` verifies every build of an index folder.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from pathlib import Path

from .report import REPORT

CHECKSUMS = "checksums"  # the key in meta.json
META = "meta.json"  # written after the checksums, so not among them
# Not verified: the build report is optional (a build serves without it, and /status says
# that a report is missing or unreadable), so losing it must not take the build down.
UNCHECKED = frozenset({META, REPORT})
CHUNK = 1 << 20


@dataclass(frozen=True)
class Damage:
    """One file of a build that is not as it was written."""

    file: str  # relative to the build folder
    why: str

    def __str__(self) -> str:
        return f"{self.file}: {self.why}"


def _files(build: Path) -> list[Path]:
    return sorted(path for path in build.rglob("*")
                  if path.is_file() and path.relative_to(build).as_posix() not in UNCHECKED)


def crc32(path: Path) -> int:
    value = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            value = zlib.crc32(chunk, value)
    return value


def record(build: Path) -> dict[str, list[int]]:
    """``{relative path: [size, crc32]}`` of every file of the build but meta.json and the
    report."""
    return {path.relative_to(build).as_posix(): [path.stat().st_size, crc32(path)]
            for path in _files(build)}


def verify(build: Path, meta: dict, contents: bool = True) -> list[Damage]:
    """Every file the build recorded that is missing, of another size or (``contents``)
    of other bytes. A build from before checksums were recorded verifies as sound."""
    damage = []
    for name, (size, checksum) in (meta.get(CHECKSUMS) or {}).items():
        path = build / name
        try:
            actual = path.stat().st_size
        except OSError as error:
            damage.append(Damage(name, f"cannot be read ({error.strerror or error})"))
            continue
        if actual != size:
            damage.append(Damage(name, f"has {actual:,} bytes, the build wrote {size:,}"))
        elif contents:
            try:
                if crc32(path) != checksum:
                    damage.append(Damage(name, "its bytes are not the ones the build wrote"
                                               " (checksum differs)"))
            except OSError as error:
                damage.append(Damage(name, f"cannot be read ({error.strerror or error})"))
    return damage


def fingerprint(build: Path, meta: dict) -> tuple[tuple[str, int, int], ...]:
    """(name, size, mtime) of the recorded files: changes when one is cut, zeroed or
    replaced, without reading it."""
    marks = []
    for name in sorted(meta.get(CHECKSUMS) or {}):
        try:
            status = os.stat(build / name)
            marks.append((name, status.st_size, status.st_mtime_ns))
        except OSError:
            marks.append((name, -1, -1))
    return tuple(marks)
