"""``searchsvc status`` (and ``searchsvc index --status``): the last build's report and any
running build's progress, as lines for a terminal, or the API's JSON."""

from __future__ import annotations

import json
from dataclasses import asdict

from .build_status import BuildProgress, BuildReport, BuildStatus, duration
from .indexer.summary import change_lines, duplicate_lines, read_line
from .models import count


def counted(number: int, noun: str) -> str:
    """``1 article``, ``12,345 paragraphs``."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def progress_line(progress: BuildProgress) -> str:
    """``a build is running (reading): 120 of 4,000 files (3.0%), …, about 1 min 5 s left``."""
    files = f"{progress.files_done:,}"
    if progress.files_total is not None:
        files += f" of {progress.files_total:,}"
    percent = f" ({progress.percent}%)" if progress.percent is not None else ""
    left = (f", about {duration(progress.eta_seconds)} left"
            if progress.eta_seconds is not None else "")
    return (f"a build is running ({progress.phase}, process {progress.pid}): {files} files"
            f"{percent}, {counted(progress.articles, 'article')},"
            f" {counted(progress.paragraphs, 'paragraph')} at"
            f" {progress.paragraphs_per_second:,.1f} paragraphs/s, for"
            f" {duration(progress.seconds)}{left}")


def report_lines(report: BuildReport) -> list[str]:
    kind = "an update (--update)" if report.mode == "update" else "a full build"
    out = [
        f"last build: {report.build}, {kind}, finished {report.finished_at}"
        f" ({report.engine}, searchsvc {report.version})",
        f"indexed {count(report.articles, 'article')}, {count(report.paragraphs, 'paragraph')}"
        + (f" ({count(report.title_only, 'article')} a title only)" if report.title_only
           else "")
        + f" in {duration(report.seconds)}",
    ]
    if report.update is not None:
        changes = report.update
        out.append(f"update: {len(changes.new)} added, {len(changes.changed)} changed,"
                   f" {len(changes.removed)} removed, {changes.unchanged} unchanged")
        out.extend(change_lines(report))
    out.append(read_line(report))
    out.append(f"skipped: {len(report.skipped)}")
    out.extend(f"  {entry.path}{f':{entry.line}' if entry.line else ''}: {entry.reason}"
               for entry in report.skipped)
    if report.warnings:
        out.append(f"indexed with a warning: {len(report.warnings)}")
        out.extend(f"  {entry.path}{f':{entry.line}' if entry.line else ''}: {entry.reason}"
                   for entry in report.warnings)
    out.extend(duplicate_lines(report))
    return out


def status_lines(status: BuildStatus) -> list[str]:
    out = [progress_line(status.progress)] if status.progress else []
    if status.last_build is not None:
        out.extend(report_lines(status.last_build))
    elif status.note:
        out.append(f"no build report: {status.note}")
    return out


def print_status(status: BuildStatus, as_json: bool) -> int:
    """Print the status; exit 0 with a report, 1 without one (no index, or a build made
    before reports)."""
    if as_json:
        print(json.dumps(asdict(status), ensure_ascii=False, indent=2))
    else:
        for line in status_lines(status):
            print(line)
    return 0 if status.last_build is not None else 1
