"""``searchsvc serve``: the app under gunicorn, one process per core.

Search is CPU-bound Python, so on two cores two processes answer twice what threads in one
process can (the GIL lets one thread run at a time). Each worker process creates the app
after the fork (no ``preload``), so each opens the index files itself: whoosh readers are
never shared between processes, and within a worker each thread has its own searchers
(``engine/whoosh/live.py``). A few threads per worker keep a slow client from holding a
whole process.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from .settings import Settings


class _Gunicorn(BaseApplication):
    def __init__(self, index: Path, tuning: Settings, options: dict[str, Any]):
        self.index, self.tuning, self.options = index, tuning, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from .app import create_app

        return create_app(self.index, self.tuning)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1)


def serve(index: Path, tuning: Settings, host: str, port: int, workers: int,
          threads: int) -> None:
    """Serve until stopped (SIGTERM or Ctrl-C stop the workers gracefully)."""
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        # gthread, with the request headers read before a thread is spent (worker.py)
        "worker_class": "searchsvc.worker.HeaderBufferingWorker",
        "threads": threads,
        "timeout": 60,  # a worker silent this long is restarted
        "graceful_timeout": 10,
        "keepalive": 5,
        # No cap of gunicorn's (its largest is 8,190 bytes, answered with an HTML page): the
        # worker refuses heads over 64 KiB in JSON, and the app says what is too long.
        "limit_request_line": 0,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "searchsvc",
    }
    _Gunicorn(index, tuning, options).run()
