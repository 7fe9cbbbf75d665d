"""Errors that are part of the interface: each has a stable code and names the parameter."""

from __future__ import annotations


class SearchError(Exception):
    """A request the service cannot answer as asked. ``status`` is the HTTP status."""

    status = 400

    def __init__(self, code: str, message: str, param: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.param = param

    def to_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
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
