"""The build report, ``build.json`` in each build folder: when the build ran, how long it
took, what it read, what it skipped and why, which near-duplicates it folded and what an
``--update`` found. Written by the pipeline before ``meta.json``, whichever engine built,
so a restarted server still has it.

It is optional in a build folder (folder.py's FORMAT is unchanged): builds made before
reports existed still serve, and the status says their report is missing.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ..build_status import (
    REPORT_VERSION,
    BuildReport,
    BuildStatus,
    Duplicates,
    FileChange,
    FoldedStory,
    SkippedFile,
    UpdateChanges,
)
from ..corpus import Problem
from .folder import PARTIAL, live_path
from .progress import BuildTracker, now_utc, read_progress, stamp
from .summary import BuildSummary

REPORT = "build.json"
_SKIPPED = re.compile(r"^skipped( line)?: ")


class ReportMissing(Exception):
    """The build has no readable report (built before reports, or the file is damaged)."""


def problems_of(problems: list[Problem]) -> tuple[list[SkippedFile], list[SkippedFile]]:
    """The problems a build reported: what it left out, and what it indexed with a
    repair or a warning."""
    skipped: list[SkippedFile] = []
    warnings: list[SkippedFile] = []
    for problem in problems:
        reason = _SKIPPED.sub("", problem.reason)
        entry = SkippedFile(problem.path, problem.line, reason)
        (skipped if reason != problem.reason else warnings).append(entry)
    return skipped, warnings


def folded_stories(duplicate_of: np.ndarray, article_ids: list[str], day: np.ndarray,
                   titles: dict[str, str]) -> Duplicates:
    """The clusters of ``duplicate_of`` (by article code: its story's earliest version),
    the versions of each earliest first, the largest stories first."""
    first = np.asarray(duplicate_of)
    later = np.flatnonzero(first != np.arange(len(first)))
    if not len(later):
        return Duplicates(0, 0, [])
    days = np.asarray(day)
    order = later[np.lexsort((later, days[later], first[later]))]
    by_story: dict[int, list[str]] = {}
    for code in order.tolist():
        by_story.setdefault(int(first[code]), []).append(article_ids[code])
    stories = [FoldedStory(article_ids[root], titles.get(article_ids[root], ""), folded)
               for root, folded in by_story.items()]
    stories.sort(key=lambda story: (-len(story.folded), story.article))
    return Duplicates(len(stories), len(later), stories)


def update_changes(summary: BuildSummary) -> UpdateChanges | None:
    if summary.mode != "update":
        return None
    return UpdateChanges(
        new=[FileChange(*pair) for pair in summary.new_files],
        changed=[FileChange(*pair) for pair in summary.changed_files],
        removed=[FileChange(*pair) for pair in summary.removed_files],
        unchanged=summary.unchanged, rebuilt=summary.rebuilt)


def make_report(path: Path, summary: BuildSummary, tracker: BuildTracker, engine: str,
                version: str, duplicates: Duplicates) -> BuildReport:
    seconds = tracker.elapsed()
    skipped, warnings = problems_of(summary.problems)
    return BuildReport(
        build=path.name.removesuffix(PARTIAL), mode=summary.mode,  # type: ignore[arg-type]
        engine=engine, version=version, started_at=stamp(tracker.started_at),
        finished_at=stamp(now_utc()), seconds=round(seconds, 3),
        paragraphs_per_second=round(summary.paragraphs / seconds, 1) if seconds > 0 else 0.0,
        files=summary.files, articles=summary.articles, paragraphs=summary.paragraphs,
        title_only=summary.title_only, skipped=skipped, warnings=warnings,
        duplicates=duplicates, update=update_changes(summary))


def write_report(path: Path, report: BuildReport) -> None:
    data = {"report": REPORT_VERSION, **asdict(report)}
    (path / REPORT).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def read_report(path: Path) -> BuildReport:
    """The report in the build folder ``path``; raises :class:`ReportMissing`."""
    try:
        data = json.loads((path / REPORT).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportMissing("it was built before searchsvc wrote build reports") from None
    except (OSError, ValueError) as error:
        raise ReportMissing(f"its {REPORT} cannot be read ({type(error).__name__})") from None
    if not isinstance(data, dict) or data.get("report") != REPORT_VERSION:
        raise ReportMissing(f"its {REPORT} is of another version of searchsvc")
    try:
        return BuildReport.from_dict(data)
    except (KeyError, TypeError, AttributeError):
        raise ReportMissing(f"its {REPORT} is incomplete") from None


def read_status(root: Path, health: str) -> BuildStatus:
    """The live build's report and the running build's progress, whatever the state of
    the index folder: no index yet, a first build running, a build without a report."""
    progress = read_progress(root)
    live = live_path(root)
    report, note = None, None
    if live is None:
        note = "no index has been built yet; build one with `searchsvc index`"
    else:
        try:
            report = read_report(live)
        except ReportMissing as why:
            note = (f"the build being served ({live.name}) has no report: {why}; build the"
                    " index again (`searchsvc index`, or `searchsvc index --update`) to"
                    " get one")
    return BuildStatus(building=progress is not None, progress=progress, last_build=report,
                       note=note, health=health)
