"""What a build did, as ``searchsvc index`` prints it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..build_status import BuildReport
from ..corpus import Problem
from ..models import count


@dataclass
class BuildSummary:
    path: Path
    articles: int = 0
    paragraphs: int = 0
    title_only: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    mode: str = "full"
    files: int = 0  # article files found (read or skipped), a JSON Lines file once
    # --update: (article id, path) of each new, changed and removed article
    new_files: list[tuple[str, str]] = field(default_factory=list)
    changed_files: list[tuple[str, str]] = field(default_factory=list)
    removed_files: list[tuple[str, str]] = field(default_factory=list)
    rebuilt: bool = False  # --update found a change or removal and rebuilt everything
    report: BuildReport | None = None  # what build.json holds

    def lines(self) -> list[str]:
        title_only = (f" ({count(self.title_only, 'article')} "
                      f"{'is' if self.title_only == 1 else 'are'} a title only)")
        out = [
            f"indexed {count(self.articles, 'article')}, {count(self.paragraphs, 'paragraph')}"
            + (title_only if self.title_only else "")
            + f" in {self.seconds:.1f} s → {self.path}"
        ]
        if self.mode == "update":
            out.append(
                f"update: {self.added} added, {self.changed} changed, {self.removed} removed,"
                f" {self.unchanged} unchanged"
            )
            if self.report is not None and self.report.update is not None:
                out.extend(change_lines(self.report))
        if self.report is not None:
            out.append(read_line(self.report))
        out.append(f"skipped or repaired: {len(self.problems)}")
        out.extend(f"  {problem}" for problem in self.problems)
        if self.report is not None:
            out.extend(duplicate_lines(self.report))
        return out


def read_line(report: BuildReport) -> str:
    """``read 4 files at 210.3 paragraphs/s; 1 skipped``."""
    skipped = f"; {len(report.skipped)} skipped" if report.skipped else ""
    return (f"read {count(report.files, 'file')} at {report.paragraphs_per_second:,.1f}"
            f" paragraphs/s{skipped}")


def change_lines(report: BuildReport) -> list[str]:
    """What an --update found, one file a line (and whether it rebuilt everything)."""
    assert report.update is not None
    changes = report.update
    out: list[str] = []
    for word, files in (("new", changes.new), ("changed", changes.changed),
                        ("removed", changes.removed)):
        out.extend(f"  {word}: {change.path} ({change.id})" for change in files)
    if changes.rebuilt:
        out.append("  (a change or removal: the index was rebuilt, not appended to)")
    return out


def duplicate_lines(report: BuildReport, shown: int = 20) -> list[str]:
    """The near-duplicates folded: how many, then the largest stories."""
    found = report.duplicates
    if not found.clusters:
        return ["near-duplicates folded: none"]
    out = [f"near-duplicates folded: {count(found.folded, 'later version')} under"
           f" {found.clusters} {'story' if found.clusters == 1 else 'stories'}"]
    for story in found.stories[:shown]:
        out.append(f"  {story.article} ({story.title or 'untitled'}) folds"
                   f" {', '.join(story.folded)}")
    if len(found.stories) > shown:
        out.append(f"  … and {len(found.stories) - shown:,} more (searchsvc status --json)")
    return out
