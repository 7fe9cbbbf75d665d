"""The batch endpoints of the JSON API: ``POST /api/batch`` takes a list of queries and
answers 202 with the job; ``GET /api/batch/{id}`` gives its state, progress and rows, or the
rows as CSV or JSON Lines. docs/api.md and /api/openapi.json describe them."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict

from flask import Blueprint, Request, Response, current_app, jsonify, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from .batch import MAX_BYTES, MAX_QUERIES
from .batch.input import Item, TooLarge, decode, items_from_json, read_items
from .batch.models import BatchJob, BatchLinks
from .batch.params import BatchParams, BatchRowsParams
from .batch.runner import Runner
from .batch.store import Job
from .batch.table import csv_lines, eta_seconds, jsonl_lines, row_dict, when
from .errors import NotFound
from .params import parse_params

RUNNER = "searchsvc.batch"
SLACK = 64 * 1024  # a form's or a CSV's own bytes on top of the list's
bp = Blueprint("batch_api", __name__, url_prefix="/api")


def runner() -> Runner:
    return current_app.extensions[RUNNER]


def too_large() -> TooLarge:
    return TooLarge("batch_too_large", f"the request is larger than {MAX_BYTES // 2**20} MiB;"
                    f" send at most {MAX_QUERIES:,} queries", "queries")


def request_text(incoming: Request) -> tuple[str, str | None]:
    """The list a request sends, and what its content type says it is (``csv``, or None):
    the ``file`` or ``queries`` field of a form, or the whole body."""
    if (incoming.content_length or 0) > MAX_BYTES + SLACK:
        raise too_large()
    incoming.max_content_length = MAX_BYTES + SLACK  # also for a body of no stated length
    try:
        if incoming.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded") \
                and ("queries" in incoming.form or "file" in incoming.files):
            upload = incoming.files.get("file")
            if upload is not None and upload.filename:
                kind = "csv" if upload.filename.lower().endswith(".csv") else None
                return decode(upload.read(MAX_BYTES + 1)), kind
            return incoming.form.get("queries", ""), None
        return decode(incoming.get_data()), "csv" if incoming.mimetype == "text/csv" else None
    except RequestEntityTooLarge:
        raise too_large() from None


def request_items(incoming: Request, kind: str) -> list[Item]:
    """The items a request sends (raises the 4xx of an empty or too long list)."""
    if incoming.mimetype == "application/json":
        try:
            data = incoming.get_json(silent=True)
        except RequestEntityTooLarge:
            raise too_large() from None
        return items_from_json(data)
    text, said = request_text(incoming)
    return read_items(text, said if kind == "auto" and said else kind)


def job_body(job: Job, offset: int = 0, limit: int | None = None) -> dict:
    """The job as the API sends it, with its counted rows from ``offset``."""
    wanted = max(0, job.done - offset) if limit is None else min(limit, job.done - offset)
    rows = runner().store.rows(job.id, offset, wanted) if wanted > 0 else []
    root = url_for("web.search_page", _external=True)
    status = url_for("batch_api.batch_job", job_id=job.id, _external=True)
    return asdict(BatchJob(
        id=job.id, state=job.state,  # type: ignore[arg-type]  # the store's states
        fuzzy=job.fuzzy, total=job.total, done=job.done, errors=job.errors,
        progress=round(job.done / job.total, 4), eta_seconds=eta_seconds(job, time.time()),
        created=when(job.created) or "", finished=when(job.finished),
        links=BatchLinks(status=status,
                         page=url_for("web.batch_job_page", job_id=job.id, _external=True),
                         csv=f"{status}?format=csv", jsonl=f"{status}?format=jsonl"),
        offset=offset, rows=[row_dict(row, job.fuzzy, root) for row in rows]))


def find_job(job_id: str) -> Job:
    job = runner().store.job(job_id) if job_id.isalnum() and len(job_id) <= 64 else None
    if job is None:
        raise NotFound("batch_not_found", f"no batch job with id {job_id[:64]!r} (finished"
                       " jobs are kept 30 days)", "id")
    if job.state != "done":
        runner().resume()  # its runner may have died with its process: this one takes over
    return job


@bp.post("/batch")
def batch_create():
    given: BatchParams = parse_params(BatchParams, request.args)
    items = request_items(request, given.input)
    job_id = runner().submit(items, given.fuzzy)
    job = find_job(job_id)
    return jsonify(job_body(job, limit=0)), 202, {
        "Location": url_for("batch_api.batch_job", job_id=job_id, _external=True)}


@bp.get("/batch/<job_id>")
def batch_job(job_id: str):
    given: BatchRowsParams = parse_params(BatchRowsParams, request.args)
    job = find_job(job_id)
    if given.format == "json":
        return jsonify(job_body(job, given.offset, given.limit))
    root = url_for("web.search_page", _external=True)
    rows = (row_dict(row, job.fuzzy, root) for row in runner().store.rows(job.id, 0, job.done))
    body, mimetype = (csv_lines(rows), "text/csv; charset=utf-8") if given.format == "csv" \
        else (jsonl_lines(rows), "application/x-ndjson; charset=utf-8")
    response = Response(body, content_type=mimetype)
    name = f"batch-{job.id}-{dt.date.today().isoformat()}.{given.format}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Total-Rows"] = str(job.done)
    response.headers["X-Batch-State"] = job.state
    return response
