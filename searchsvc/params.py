"""Query-string parameters (the API's, the page's, the CLI's) read into a
:class:`~searchsvc.models.SearchRequest`, every bad value a 400 that names its parameter.

Limits are policy, not the engine's: the deepest page a request may reach and the number
of rows in an export come from :class:`~searchsvc.settings.Settings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import SearchError
from .models import GROUPS, SORTS, SearchRequest
from .settings import Settings

EXPORT_FORMATS = ("json", "csv", "jsonl")


def int_param(params: Mapping[str, Any], name: str, default: int, low: int,
              high: int | None = None) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError:
        raise SearchError("invalid_parameter", f"{name}={raw!r} is not a whole number",
                          name) from None
    if value < low or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise SearchError("invalid_parameter", f"{name}={value} must be {bounds}", name)
    return value


def bool_param(params: Mapping[str, Any], name: str, default: bool) -> bool:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    value = str(raw).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SearchError("invalid_parameter", f"{name}={raw!r} must be true or false", name)


def choice_param(params: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> str:
    value = str(params.get(name) or choices[0]).strip().lower()
    if value not in choices:
        raise SearchError("invalid_parameter",
                          f"{name}={params.get(name)!r} must be one of {', '.join(choices)}", name)
    return value


def search_request(params: Mapping[str, Any], settings: Settings) -> SearchRequest:
    """From query-string parameters (a werkzeug MultiDict or a plain dict)."""
    getlist = getattr(params, "getlist", None)
    raw_sources = getlist("source") if getlist else params.get("source") or []
    if isinstance(raw_sources, str):
        raw_sources = [raw_sources]
    request = SearchRequest(
        q=str(params.get("q") or ""),
        sources=tuple(s for s in raw_sources if s and s.strip()),
        date_from=(params.get("from") or "").strip() or None,
        date_to=(params.get("to") or "").strip() or None,
        sort=choice_param(params, "sort", SORTS),
        group=choice_param(params, "group", GROUPS),
        page=int_param(params, "page", 1, 1),
        per_page=int_param(params, "per_page", settings.default_per_page, 1,
                           settings.max_per_page),
        fuzzy=bool_param(params, "fuzzy", True),
        strict=bool_param(params, "strict", False),
    )
    request.filters()  # validate dates now, not halfway through a search
    return request


def check_window(request: SearchRequest, settings: Settings) -> None:
    """A page deeper than ``max_window`` hits is an export's job, not a page's."""
    if request.last > settings.max_window:
        raise SearchError(
            "page_too_deep",
            f"page {request.page} with per_page {request.per_page} reaches hit {request.last};"
            f" pages stop at hit {settings.max_window}: narrow the search or export it with"
            " format=jsonl or csv",
            "page",
        )


def export_format(params: Mapping[str, Any]) -> str:
    fmt = str(params.get("format") or "json").strip().lower()
    if fmt not in EXPORT_FORMATS:
        raise SearchError("invalid_parameter",
                          f"format={fmt!r} must be one of {', '.join(EXPORT_FORMATS)}", "format")
    return fmt
