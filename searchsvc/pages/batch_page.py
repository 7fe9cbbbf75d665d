"""The batch page (``/batch``): a list of queries (typed, pasted or a file) sent by a plain
form, then the job's page (``/batch/<id>``), which refreshes itself (``<meta refresh>``, no
script) while the job runs and shows the result table, a page of rows at a time, with
its downloads.

The form is a POST without a token: the service has no accounts or cookies, so a forged
post could only start a count, whose address the forger never learns.
"""

from __future__ import annotations

import time

from flask import redirect, render_template, request, url_for

from ..batch import MAX_QUERIES
from ..batch.input import read_items
from ..batch.table import eta_seconds, row_dict, sources_text
from ..batch_api import find_job, request_text, runner
from ..errors import SearchError
from .error_pages import error_page

ROWS_PER_PAGE = 500
WAIT_SECONDS = 3.0  # a short list is counted before its page is shown
REFRESH_SECONDS = 2


def batch_page():
    """The form (GET), or a new job from it (POST: to the job's page, 303)."""
    if request.method == "GET":
        return render_template("batch.html", text="", exact=False, error=None,
                               max_queries=MAX_QUERIES)
    text, said, exact = "", None, False
    try:
        text, said = request_text(request)  # first: it sets the size limit of the form
        exact = bool(request.form.get("exact"))
        items = read_items(text, said or "auto")
        job_id = runner().submit(items, fuzzy=not exact)
    except SearchError as error:
        if error.status == 503:
            return error_page(error)
        return render_template("batch.html", text=text, exact=exact, error=error.message,
                               max_queries=MAX_QUERIES), error.status
    runner().wait(job_id, WAIT_SECONDS)
    return redirect(url_for("web.batch_job_page", job_id=job_id), code=303)


def batch_job_page(job_id: str):
    try:
        job = find_job(job_id)
        page = max(1, int(request.args.get("page", "1") or 1))
    except ValueError:
        page = 1
    except SearchError as error:
        return error_page(error)
    pages = max(1, -(-job.done // ROWS_PER_PAGE))
    page = min(page, pages)
    first = (page - 1) * ROWS_PER_PAGE
    shown = min(ROWS_PER_PAGE, job.done - first)
    stored = runner().store.rows(job.id, first, shown) if shown > 0 else []
    root = url_for("web.search_page")
    rows = [row_dict(row, job.fuzzy, root) for row in stored]
    status = url_for("batch_api.batch_job", job_id=job.id)
    return render_template(
        "batch_job.html", job=job, rows=rows, sources_text=sources_text,
        eta=_eta_words(eta_seconds(job, time.time())), refresh=REFRESH_SECONDS,
        page=page, pages=pages, first=first,
        page_href=lambda n: url_for("web.batch_job_page", job_id=job.id,
                                    **({"page": n} if n > 1 else {})),
        csv_href=f"{status}?format=csv", jsonl_href=f"{status}?format=jsonl")


def _eta_words(seconds: int | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return f"about {max(seconds, 1)} second{'s' if seconds != 1 else ''} left"
    minutes = round(seconds / 60)
    return f"about {minutes} minute{'s' if minutes != 1 else ''} left"
