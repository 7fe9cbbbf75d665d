"""A running build's progress, in a small JSON file the server reads.

The build holds the index folder's lock (:mod:`.folder`), so there is one running build at
a time and one progress file, ``.build-progress.json`` beside the lock. A thread of the
build replaces it atomically (write, then ``os.replace``) every ``INTERVAL`` seconds, also
during the long phases when no article is read (the engine's commit, the artifacts), and
removes it when the build ends. A build that was killed leaves its file behind, no longer
refreshed: a file not replaced for ``STALE`` seconds is not a running build. (Its age, not
the process id, tells: a server in another container sees other process ids.)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path

from ..build_status import BuildProgress
from ..corpus import Article, Problem

PROGRESS = ".build-progress.json"
INTERVAL = 1.0  # seconds between two writes of the file
STALE = 15.0  # seconds without a write after which the build is taken for dead
TITLE_KEPT = 120  # characters of a headline kept for the report's folded stories


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stamp(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def count_files(corpus: Path | None, jsonl: Path | None) -> int | None:
    """The article files a build of ``corpus`` will read or skip (every ``*.txt`` under
    it that is not a folder, as :func:`searchsvc.corpus.read_folder` finds them); None
    when there is no corpus folder (JSON Lines alone: its lines are not counted ahead)."""
    if corpus is None or not Path(corpus).is_dir():
        return None
    return sum(1 for path in Path(corpus).rglob("*.txt") if not path.is_dir())


def is_skipped_file(problem: Problem) -> bool:
    """Whether a problem is a whole file left out (not a repair, nor a JSON Lines line)."""
    return problem.line is None and problem.reason.startswith("skipped:")


class BuildTracker:
    """What a build has read so far: counts for the progress file and the report, and
    each article's headline (the report names the folded stories by them)."""

    def __init__(self, root: Path, mode: str, files_total: int | None,
                 interval: float = INTERVAL):
        self.path = Path(root) / PROGRESS
        self.mode = mode
        self.files_total = files_total
        self.interval = interval
        self.started_at = now_utc()
        self.started = time.monotonic()
        self.phase = "reading"
        self.articles = self.paragraphs = self.skipped = self.files_done = 0
        self.titles: dict[str, str] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- what the pipeline tells it

    def article(self, article: Article) -> None:
        with self._lock:
            self.articles += 1
            self.files_done += 1
            self.paragraphs += len(article.paragraphs)
            self.titles.setdefault(article.id, article.title[:TITLE_KEPT])

    def problem(self, problem: Problem) -> None:
        with self._lock:
            if problem.reason.startswith("skipped"):
                self.skipped += 1
            if is_skipped_file(problem):
                self.files_done += 1

    def enter(self, phase: str) -> None:
        """``rebuilding`` (counts start again: the input is read a second time) or
        ``finishing``."""
        with self._lock:
            self.phase = phase
            if phase == "rebuilding":
                self.articles = self.paragraphs = self.files_done = 0

    def read_all(self, articles: Iterable[Article]) -> Iterator[Article]:
        """``articles``, then the ``finishing`` phase: once the input is read, what is
        left is the engine's commit (whoosh merges its segments: minutes on a large
        corpus) and the artifacts, with no ETA."""
        yield from articles
        self.enter("finishing")

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    # --- the progress file

    def progress(self) -> BuildProgress:
        with self._lock:
            seconds = self.elapsed()
            rate = self.paragraphs / seconds if seconds > 0 else 0.0
            percent = eta = None
            if self.files_total:
                done = min(self.files_done, self.files_total)
                percent = round(100 * done / self.files_total, 1)
                files_rate = done / seconds if seconds > 0 else 0.0
                if self.phase != "finishing" and files_rate > 0:
                    eta = round((self.files_total - done) / files_rate, 1)
            return BuildProgress(
                mode=self.mode, phase=self.phase, pid=os.getpid(),  # type: ignore[arg-type]
                started_at=stamp(self.started_at), updated_at=stamp(now_utc()),
                seconds=round(seconds, 1), files_total=self.files_total,
                files_done=self.files_done, articles=self.articles,
                paragraphs=self.paragraphs, skipped=self.skipped,
                paragraphs_per_second=round(rate, 1), percent=percent, eta_seconds=eta)

    def write(self) -> None:
        """Replace the progress file (best effort: a full disk must not fail the build)."""
        temporary = self.path.with_name(f"{PROGRESS}.{os.getpid()}.tmp")
        try:
            temporary.write_text(json.dumps(asdict(self.progress())), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            temporary.unlink(missing_ok=True)

    def start(self) -> BuildTracker:
        self.write()
        self._thread = threading.Thread(target=self._run, name="build-progress", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.write()

    def stop(self) -> None:
        """Stop writing and remove the file: no build runs any more."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.path.unlink(missing_ok=True)


def read_progress(root: Path, now: dt.datetime | None = None) -> BuildProgress | None:
    """The running build's progress, or None when no build runs (no file, a file a killed
    build left, or one that cannot be read)."""
    try:
        data = json.loads((Path(root) / PROGRESS).read_text(encoding="utf-8"))
        progress = BuildProgress(**data)
        updated = dt.datetime.fromisoformat(progress.updated_at)
    except (OSError, ValueError, TypeError):
        return None
    if ((now or now_utc()) - updated).total_seconds() > STALE:
        return None
    return progress
