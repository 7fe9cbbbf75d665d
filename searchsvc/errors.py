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
