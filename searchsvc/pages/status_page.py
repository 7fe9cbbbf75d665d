"""The status page (``/status``): the last build's report, and a running build's progress.

While a build runs the page reloads itself every ``REFRESH_SECONDS`` with ``<meta
http-equiv="refresh">`` (no JavaScript needed); once no build runs it stays put.
"""

from __future__ import annotations

import datetime as dt

from flask import render_template, url_for

from ..build_status import BuildReport, duration
from .links import engine
from .views import MONTHS

REFRESH_SECONDS = 2
STORIES_SHOWN = 100  # folded stories listed on the page; the API lists all


def moment(value: str) -> str:
    """``2026-12-03T09:52:33+00:00`` → ``3 Dec 2026, 09:52:33 UTC``."""
    try:
        when = dt.datetime.fromisoformat(value).astimezone(dt.UTC)
    except ValueError:
        return value
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}, {when:%H:%M:%S} UTC"


def facts(report: BuildReport) -> list[tuple[str, str]]:
    """The report's numbers, as the page's list shows them."""
    paragraphs = f"{report.paragraphs:,}"
    if report.title_only:
        paragraphs += f" ({report.title_only:,} more articles are a headline only)"
    return [
        ("Finished", moment(report.finished_at)),
        ("Started", moment(report.started_at)),
        ("Took", duration(report.seconds)),
        ("Rate", f"{report.paragraphs_per_second:,.1f} paragraphs/s"),
        ("Kind", "an update (--update)" if report.mode == "update" else "a full build"),
        ("Files", f"{report.files:,}"),
        ("Articles", f"{report.articles:,}"),
        ("Paragraphs", paragraphs),
        ("Skipped", f"{len(report.skipped):,}"),
        ("Engine", f"{report.engine} (searchsvc {report.version})"),
        ("Build folder", report.build),
    ]


def status_page():
    status = engine().status(url_for("api.health"))
    report = status.last_build
    progress = status.progress
    return render_template(
        "status.html",
        status=status,
        report=report,
        progress=progress,
        facts=facts(report) if report else [],
        stories=report.duplicates.stories[:STORIES_SHOWN] if report else [],
        refresh=REFRESH_SECONDS if progress else None,
        elapsed=duration(progress.seconds) if progress else "",
        started=moment(progress.started_at) if progress else "",
        eta=duration(progress.eta_seconds) if progress else "",
    ), 200, {"Cache-Control": "no-store"}
