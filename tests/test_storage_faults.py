"""A build stopped by a full disk, a read-only file system or a permission is one line:
what failed, where, how much space a build needs; a non-zero exit; the live index serving,
untouched."""

from __future__ import annotations

import errno
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from searchsvc.errors import BuildError
from searchsvc.indexer import folder
from searchsvc.indexer.folder import live_path
from tests.paths import SEEDS

# Room for one seed build (about 0.7 MB) and not for a second beside it.
SMALL_DISK = "1200k"


def index(root: Path, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "searchsvc.cli", "index", "--corpus",
                           str(SEEDS), "--index", str(root), *flags],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1.2 MB tmpfs holding one seed build (mounting needs root, as in CI)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={SMALL_DISK}", "tmpfs",
                           str(mount)], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        first = index(mount / "index")
        assert first.returncode == 0, first.stderr
        yield mount / "index"
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def live_state(root: Path) -> tuple[Path | None, list[str]]:
    return live_path(root), sorted(child.name for child in root.iterdir())


def assert_one_line_and_untouched(done: subprocess.CompletedProcess, root: Path,
                                  before: tuple) -> str:
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert lines[0].endswith("The live index is unchanged")
    assert live_state(root) == before  # no partial build left, the live one in place
    checked = subprocess.run([sys.executable, "-m", "searchsvc.cli", "check", "--index",
                              str(root)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0 and ": live, sound: " in checked.stdout
    return lines[0]


@pytest.mark.parametrize("flags", [(), ("--update",)], ids=["full", "update"])
def test_a_full_disk(small_disk: Path, flags):
    before = live_state(small_disk)
    live = live_path(small_disk)
    assert live is not None
    needed = sum(path.stat().st_size for path in live.rglob("*") if path.is_file())
    line = assert_one_line_and_untouched(index(small_disk, *flags), small_disk, before)
    assert line.startswith(f"error: the build stopped writing {small_disk}/build-")
    assert ": the disk is full after " in line
    assert 0.6e6 < needed < 1e6
    assert (f"a build of this index needs about {needed / 1e6:,.1f} MB free beside the live"
            " one") in line


def test_a_read_only_file_system(small_disk: Path):
    before = live_state(small_disk)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk.parent)], check=True)
    line = assert_one_line_and_untouched(index(small_disk), small_disk, before)
    assert line == (f"error: the build cannot write {small_disk}/.build.lock: the file system"
                    f" is read-only; the index folder {small_disk} must be writable by this"
                    " user. The live index is unchanged")


def test_permission_denied_names_the_folder(tmp_path: Path):
    """Root ignores file modes, so the error is made as the kernel gives it to a user."""
    denied = PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "index"))
    problem = folder.storage_problem(denied, tmp_path, 0)
    assert isinstance(problem, BuildError)
    assert str(problem) == (f"the build cannot write {tmp_path / 'index'}: permission denied;"
                            f" the index folder {tmp_path} must be writable by this user."
                            " The live index is unchanged")
    assert folder.storage_problem(OSError(errno.EIO, "I/O error"), tmp_path, 0) is None
