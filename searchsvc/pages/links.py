"""The search state a page carries in its URL, read from a request and written into
links to other states (paging, sort, chips, facets, the way back from an article)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app, url_for

from ..archive import Archive
from ..errors import SearchError
from ..models import SearchRequest

# The search state a page carries in its URL, in the order links spell it.
STATE_KEYS = ("q", "source", "from", "to", "sort", "page", "per_page", "fuzzy", "strict",
              "collapse", "name")
_REPEATED = ("source", "name")


def engine() -> Archive:
    """The app's engine (create_app keeps it in app.extensions)."""
    return current_app.extensions["searchsvc.archive"]


@dataclass
class FormState:
    """What the form shows, read leniently from the URL (also when it does not validate)."""

    q: str = ""
    sources: list[str] = field(default_factory=list)
    date_from: str = ""
    date_to: str = ""
    sort: str = "relevance"
    per_page: str = ""

    @classmethod
    def from_args(cls, args) -> FormState:
        return cls(
            q=args.get("q", ""),
            sources=[s for s in args.getlist("source") if s.strip()],
            date_from=args.get("from", "").strip(),
            date_to=args.get("to", "").strip(),
            sort=(args.get("sort") or "relevance").strip().lower(),
            per_page=args.get("per_page", "").strip(),
        )


def state_args(args) -> dict:
    """The search state of ``args`` (a MultiDict) as url_for keyword arguments."""
    out: dict = {}
    facets = _facet_names()
    for key in STATE_KEYS + facets:
        values = [v for v in args.getlist(key) if v.strip()]
        if values:
            out[key] = values if key in _REPEATED or key in facets else values[0]
    return out


def _facet_names() -> tuple[str, ...]:
    """The index's catalog facets (none while there is no index)."""
    try:
        return engine().catalog_facets()
    except SearchError:
        return ()


def search_url(**params) -> str:
    return url_for("web.search_page", **params)


def link_args(req: SearchRequest, **changes) -> dict:
    """Query-string parameters for ``req`` with ``changes``, defaults left out (for links)."""
    values = {
        "q": req.q, "source": list(req.sources), "from": req.date_from,
        "to": req.date_to, "sort": req.sort, "group": req.group, "page": req.page,
        "per_page": req.per_page, "fuzzy": req.fuzzy, "strict": req.strict,
        "collapse": req.collapse, "name": list(req.names),
        **{name: list(chosen) for name, chosen in req.catalog},
    }
    values.update(changes)
    defaults = SearchRequest()
    omitted = {"sort": defaults.sort, "group": defaults.group, "page": defaults.page,
               "per_page": engine().settings.default_per_page, "fuzzy": defaults.fuzzy,
               "strict": defaults.strict, "collapse": defaults.collapse}
    out = {}
    for key, value in values.items():
        if value in (None, "", []) or omitted.get(key, object()) == value:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return out


def with_q(q: str) -> dict[str, Any]:
    """The search to carry along in a link (none when empty)."""
    return {"q": q} if q.strip() else {}
