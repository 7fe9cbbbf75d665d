"""What a build did and what a running build is doing: the report of a finished build
(``build.json`` in its build folder), the progress of a running one, and the status the
page, the API (``GET /api/status``) and ``searchsvc status`` show.

Plain dataclasses, the API's contract like :mod:`searchsvc.models` (the OpenAPI schemas
are generated from these annotations). The report is engine-neutral: the service's
pipeline writes it (:mod:`searchsvc.indexer.report`), whichever engine wrote the index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, with_config

from .models import EXACT

REPORT_VERSION = 1  # build.json "report": bumped when a field changes meaning

When = Annotated[str, Field(description="UTC, ISO 8601", json_schema_extra={
    "format": "date-time"})]
Seconds = Annotated[float, Field(ge=0, description="wall-clock seconds")]
Rate = Annotated[float, Field(ge=0, description="paragraphs indexed per second")]


def duration(seconds: float | None) -> str:
    """``0.4 s``, ``42 s``, ``3 min 5 s``, ``1 h 2 min``."""
    if seconds is None:
        return "unknown"
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min {secs} s"


@with_config(EXACT)
@dataclass
class SkippedFile:
    """A file (or a JSON Lines line) the build did not index, or one it indexed with a
    repair or a warning (an unreadable date kept as undated, a catalog row for no file)."""

    path: Annotated[str, Field(description="relative to the corpus folder (or the JSON"
                                           " Lines or catalog file's name)")]
    line: Annotated[int | None, Field(description="the line, in a catalog or JSON Lines"
                                                  " file; null for a whole file")]
    reason: Annotated[str, Field(description="why, as `searchsvc index` warned")]


@with_config(EXACT)
@dataclass
class FoldedStory:
    """A story with several versions from one source: the earliest stands for the rest."""

    article: Annotated[str, Field(description="the id of the version results show")]
    title: Annotated[str, Field(description="its headline (empty when it has none)")]
    folded: Annotated[list[str], Field(description="the ids of the later versions folded"
                                                   " under it, earliest first")]


@with_config(EXACT)
@dataclass
class Duplicates:
    clusters: Annotated[int, Field(ge=0, description="stories with more than one version")]
    folded: Annotated[int, Field(ge=0, description="later versions folded under the first")]
    stories: Annotated[list[FoldedStory], Field(description="every such story, largest"
                                                            " first")]


@with_config(EXACT)
@dataclass
class FileChange:
    id: Annotated[str, Field(description="article id")]
    path: Annotated[str, Field(description="its file, relative to the corpus folder")]


@with_config(EXACT)
@dataclass
class UpdateChanges:
    """What ``searchsvc index --update`` found by comparing content hashes."""

    new: Annotated[list[FileChange], Field(description="articles not in the previous build")]
    changed: Annotated[list[FileChange], Field(description="articles whose content changed")]
    removed: Annotated[list[FileChange], Field(description="articles no longer in the input")]
    unchanged: Annotated[int, Field(ge=0, description="articles with the same content")]
    rebuilt: Annotated[bool, Field(description="true when a change or removal made the"
                                               " update rebuild everything (new articles"
                                               " alone are appended)")]


@with_config(EXACT)
@dataclass
class BuildReport:
    """The report of one finished build, as written into its build folder."""

    build: Annotated[str, Field(description="the build folder's name")]
    mode: Annotated[Literal["full", "update"], Field(description="a full build or --update")]
    engine: Annotated[str, Field(description="the engine that wrote the index")]
    version: Annotated[str, Field(description="the searchsvc version that built it")]
    started_at: When
    finished_at: When
    seconds: Seconds
    paragraphs_per_second: Rate
    files: Annotated[int, Field(ge=0, description="article files found: each read, or listed"
                                                  " in skipped (a JSON Lines file counts"
                                                  " once)")]
    articles: Annotated[int, Field(ge=0, description="articles indexed")]
    paragraphs: Annotated[int, Field(ge=0, description="paragraphs indexed")]
    title_only: Annotated[int, Field(ge=0, description="articles that are a headline only")]
    skipped: Annotated[list[SkippedFile], Field(description="files and lines not indexed,"
                                                            " with the reason")]
    warnings: Annotated[list[SkippedFile], Field(description="indexed, but repaired or"
                                                             " warned about")]
    duplicates: Duplicates
    update: Annotated[UpdateChanges | None, Field(description="what --update found; null"
                                                              " for a full build")]

    @classmethod
    def from_dict(cls, data: dict) -> BuildReport:
        """The report read back from build.json (raises KeyError or TypeError when a
        field is missing or wrong)."""
        fields = dict(data)
        fields.pop("report", None)
        fields["skipped"] = [SkippedFile(**item) for item in data["skipped"]]
        fields["warnings"] = [SkippedFile(**item) for item in data["warnings"]]
        duplicates = data["duplicates"]
        fields["duplicates"] = Duplicates(
            duplicates["clusters"], duplicates["folded"],
            [FoldedStory(**story) for story in duplicates["stories"]])
        update = data["update"]
        if update is not None:
            fields["update"] = UpdateChanges(
                **{**update, **{key: [FileChange(**item) for item in update[key]]
                                for key in ("new", "changed", "removed")}})
        return cls(**fields)


@with_config(EXACT)
@dataclass
class BuildProgress:
    """A build that is running now (its progress file, replaced about every second)."""

    mode: Annotated[Literal["full", "update"], Field(description="a full build or --update")]
    phase: Annotated[Literal["reading", "rebuilding", "finishing"], Field(
        description="reading the corpus; rebuilding (an --update that found a change);"
                    " finishing (the engine's commit and the artifacts: no ETA)")]
    pid: Annotated[int, Field(description="the building process")]
    started_at: When
    updated_at: When
    seconds: Seconds
    files_total: Annotated[int | None, Field(description="article files to read (null for"
                                                         " JSON Lines only)")]
    files_done: Annotated[int, Field(ge=0, description="files read or skipped so far")]
    articles: Annotated[int, Field(ge=0, description="articles read so far")]
    paragraphs: Annotated[int, Field(ge=0, description="paragraphs read so far")]
    skipped: Annotated[int, Field(ge=0, description="files and lines skipped so far")]
    paragraphs_per_second: Rate
    percent: Annotated[float | None, Field(ge=0, le=100, description="of the files read"
                                                                     " (null when unknown)")]
    eta_seconds: Annotated[float | None, Field(ge=0, description="seconds left to read the"
                                                                 " rest, at the rate so"
                                                                 " far (null when unknown)")]


@with_config(EXACT)
@dataclass
class BuildStatus:
    """The answer of ``GET /api/status``: the live build's report and any running build."""

    building: Annotated[bool, Field(description="whether a build is running now")]
    progress: Annotated[BuildProgress | None, Field(description="the running build; null"
                                                                " when none runs")]
    last_build: Annotated[BuildReport | None, Field(description="the report of the build"
                                                                " being served; null when"
                                                                " there is none")]
    note: Annotated[str | None, Field(description="why last_build is null, and what to do")]
    health: Annotated[str, Field(description="the address of the health check")]
