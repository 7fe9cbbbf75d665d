"""What the parts of a benchmark run share: where files go, the loopback host, the request
timeout, the SQLite table's name, and progress notes on stderr."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

# benchlib/common.py → the repository's root
REPO = Path(__file__).resolve().parent.parent.parent
WORK = Path(tempfile.gettempdir()) / "searchsvc-bench"
HOST = "127.0.0.1"
REQUEST_TIMEOUT = 30.0
TABLE = "paragraphs"


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
