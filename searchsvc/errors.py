"""Errors that are part of the interface: each has a stable code and names the parameter.

Every error the API sends is ``{"error": {"code", "message", "param"?}}``
(:class:`ErrorBody`); the codes are :data:`ERROR_CODES`.
"""

from __future__ import annotations

from typing import Annotated, NotRequired

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict

ERROR_CODES = {
    "invalid_parameter": "a parameter has a value outside what it accepts (param names it)",
    "invalid_date": "from or to is not YYYY, YYYY-MM or YYYY-MM-DD, or not a real date",
    "invalid_range": "from is after to",
    "invalid_query": "strict=true and q is malformed; the message gives the character position",
    "query_too_long": "q has more characters or words than one search may have (the message"
                      " says how many)",
    "pattern_too_broad": "a prefix* or wildcard in q stands for more words than one search may"
                         " expand to (the message says how many); type more letters",
    "page_too_deep": "page × per_page goes past the deepest hit a page reaches; export instead",
    "article_not_found": "no article with this id",
    "paragraph_not_found": "no paragraph with this id (or not ARTICLE#NUMBER)",
    "key_required": "access keys are on and the request has none: send Authorization: Bearer"
                    " KEY (401)",
    "invalid_key": "the key sent is not one of this archive's (401)",
    "key_revoked": "the key sent was revoked (403)",
    "admin_required": "the endpoint is for admin keys (403)",
    "rate_limited": "too many expensive requests (exports, related coverage) from this key or"
                    " address; Retry-After says when to try again (429)",
    "not_found": "no such endpoint",
    "invalid_host": "the Host header names another site than the server's public URL or its"
                    " aliases (param: Host)",
    "empty_batch": "POST /api/batch: the list has no queries",
    "batch_too_long": "POST /api/batch: the list has more queries than a batch may (10,000)",
    "invalid_batch": "POST /api/batch: a CSV without a query column or that cannot be read,"
                     " or a JSON body that is not {\"queries\": [...]}",
    "batch_too_large": "POST /api/batch: the body passes 4 MiB (413)",
    "batch_not_found": "no batch job with this id (finished jobs are kept 30 days)",
    "batch_unavailable": "batch jobs cannot be stored now: the jobs file beside the index"
                         " cannot be written (503)",
    "request_too_large": "the request line and headers together pass 64 KiB (431)",
    "method_not_allowed": "only GET is served (and POST on /api/batch)",
    "index_missing": "no index has been built yet (503)",
    "index_corrupt": "the index cannot be read; rebuild it (503)",
    "index_outdated": "the index was built by an older searchsvc; rebuild it (503)",
    "internal_error": "a bug in the service (500); please report it",
}


@with_config(ConfigDict(extra="forbid"))
class ErrorDetail(TypedDict):
    code: Annotated[str, Field(
        description="stable, for programs: "
                    + "; ".join(f"{code}: {what}" for code, what in ERROR_CODES.items()),
        json_schema_extra={"enum": list(ERROR_CODES)})]
    message: Annotated[str, Field(description="for people; wording may change")]
    param: NotRequired[Annotated[str, Field(
        description="the parameter at fault (q, source, from, to, sort, group, page, per_page,"
                    " fuzzy, strict, format, limit, id, input, offset, queries)")]]


@with_config(ConfigDict(extra="forbid"))
class ErrorBody(TypedDict):
    error: ErrorDetail


class SearchError(Exception):
    """A request the service cannot answer as asked. ``status`` is the HTTP status."""

    status = 400

    def __init__(self, code: str, message: str, param: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.param = param

    def to_dict(self) -> ErrorBody:
        body = ErrorDetail(code=self.code, message=self.message)
        if self.param:
            body["param"] = self.param
        return {"error": body}


class NotFound(SearchError):
    status = 404


class Unavailable(SearchError):
    """No index to answer from (missing or unreadable): the operator must build one."""

    status = 503


class IndexProblem(Exception):
    """An index problem the operator must act on; the message says what to do."""


class BuildError(IndexProblem):
    """A build that could not run (no corpus, another build running, …)."""


class StrictBuildError(BuildError):
    """A --strict build that met problems: nothing was switched."""

    def __init__(self, problems: list[str]):
        super().__init__(f"--strict: {len(problems)} warnings; the live index was not changed")
        self.problems = problems  # one line each, as the build summary prints them
