"""What a build did, as ``searchsvc index`` prints it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

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
        out.append(f"skipped or repaired: {len(self.problems)}")
        out.extend(f"  {problem}" for problem in self.problems)
        return out
