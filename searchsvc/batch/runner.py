"""Batch jobs counted in a background thread of the server process, one job at a time.

Each server process (gunicorn starts one per core, each with its own app) has one runner,
started when the process first takes a batch, or when it opens and finds a job unfinished
(a restart resumes it). The runner claims the oldest job nobody is counting
(:meth:`~.store.BatchStore.claim`), counts its rows in order and saves them a few at a time
with a heartbeat, so that a job outlives the process that started it: rows already saved
stay, the others are counted by whichever runner claims the job next.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time

from ..archive import Archive
from ..errors import Unavailable
from .count import Outcome, count_item
from .input import Item
from .store import BatchStore, Job

log = logging.getLogger(__name__)

CHUNK = 20  # rows counted between two saves (and heartbeats)
POLL_SECONDS = 2.0  # an idle runner looks for jobs this often (others' may be orphaned)
STALE_SECONDS = 60.0  # an owner silent this long is taken for dead
KEEP_SECONDS = 30 * 24 * 3600  # finished jobs are forgotten after 30 days
FAILED = Outcome(error_code="internal_error",
                 error="this query could not be counted (a bug in the service; the server's"
                       " log says more)")


def _host_and_pid(owner: str) -> tuple[str, int]:
    host, pid, _token = owner.rsplit(":", 2)
    return host, int(pid)


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class Runner:
    def __init__(self, store: BatchStore, archive: Archive, poll: float = POLL_SECONDS):
        self.store = store
        self.archive = archive
        self.poll = poll
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the thread (once; again after a fork, where threads do not survive)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
            self._stopping.clear()
            self._thread = threading.Thread(target=self._loop, name="searchsvc-batch",
                                            daemon=True)
            self._thread.start()

    def resume(self) -> None:
        """Start the thread if a job is waiting in the store (a server restarted)."""
        try:
            if self.store.exists() and self.store.unfinished():
                self.start()
        except Unavailable as error:  # the app still serves searches; the log says why
            log.warning("batch jobs not resumed: %s", error.message)

    def submit(self, items: list[Item], fuzzy: bool) -> str:
        """A new job for ``items``: its id. Counted as soon as the runner is free."""
        job_id = self.store.create(items, fuzzy)
        self.start()
        self._wake.set()
        return job_id

    def wait(self, job_id: str, seconds: float) -> Job | None:
        """The job once done, or as it is after ``seconds``."""
        deadline = time.monotonic() + seconds
        while True:
            job = self.store.job(job_id)
            if job is None or job.state == "done" or time.monotonic() >= deadline:
                return job
            time.sleep(0.05)

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _stale(self, job: Job) -> bool:
        if job.heartbeat is None or job.heartbeat < time.time() - STALE_SECONDS:
            return True
        host, pid = _host_and_pid(job.owner or "::0")
        return host == socket.gethostname() and pid != os.getpid() and _process_gone(pid)

    def _loop(self) -> None:
        try:
            self.store.prune(time.time() - KEEP_SECONDS)
        except Unavailable as error:
            log.warning("batch jobs not pruned: %s", error.message)
        while not self._stopping.is_set():
            try:
                job = self.store.claim(self.owner, self._stale)
                if job is not None:
                    self._count(job)
                    continue
            except Exception:  # noqa: BLE001 - the thread must outlive a failure
                log.exception("batch runner: a job could not be read or saved")
            self._wake.wait(self.poll)
            self._wake.clear()

    def _count(self, job: Job) -> None:
        while not self._stopping.is_set():
            pending = self.store.pending(job.id, CHUNK)
            if not pending:
                self.store.finish(job.id, self.owner)
                return
            counted: list[tuple[int, Outcome]] = []
            try:
                for row in pending:
                    counted.append((row.n, self._outcome(row.item, job.fuzzy)))
            except Unavailable as error:  # no index now: wait for one, the job stays ours
                log.warning("batch %s waits for the index: %s", job.id, error.message)
                self._stopping.wait(self.poll)
            if not self.store.save(job.id, self.owner, counted):
                return  # another runner took it over (this one was taken for dead)

    def _outcome(self, item: Item, fuzzy: bool) -> Outcome:
        try:
            return count_item(self.archive, item, fuzzy)
        except Unavailable:
            raise
        except Exception:  # noqa: BLE001 - one query's bug must not fail the job
            log.exception("batch: counting %r failed", item.query)
            return FAILED
