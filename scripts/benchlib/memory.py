"""The servers' resident memory: VmRSS summed over each process and its children, sampled
throughout a run for its peak."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from .servers import Server

SAMPLE_EVERY = 0.2


def tree_rss_kib(root: int) -> int:
    """VmRSS of a process and all its descendants, in KiB (0 once it is gone)."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue  # ended while we looked
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        tree.update(children)
        frontier = children
    total = 0
    for pid in tree:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total += int(match.group(1)) if match else 0
    return total


class RssSampler(threading.Thread):
    """Samples every server's RSS until stopped; keeps the peak of each."""

    def __init__(self, servers: list[Server]) -> None:
        super().__init__(daemon=True)
        self.servers = servers
        self.peak_kib = {s.name: tree_rss_kib(s.process.pid) for s in servers}
        self.start_kib = dict(self.peak_kib)
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_EVERY):
            for server in self.servers:
                rss = tree_rss_kib(server.process.pid)
                self.peak_kib[server.name] = max(self.peak_kib[server.name], rss)
