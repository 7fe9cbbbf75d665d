"""The parameters of an attention comparison (``GET /api/attention``, the ``/attention``
page, ``searchsvc attention``) read into an
:class:`~searchsvc.attention_models.AttentionRequest`.

Described once, as :class:`AttentionParams`: pydantic validates against it and
:mod:`searchsvc.openapi` documents it, as for :class:`~searchsvc.params.SearchParams`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, with_config

from .attention_models import MAX_PERIODS, MAX_QUERIES, MIN_QUERIES, AttentionRequest, naming
from .errors import SearchError
from .params import (
    Choice,
    DayFrom,
    DayTo,
    Flag,
    Sources,
    catalog_filters,
    check_query,
    parse_params,
)
from .settings import Settings


@with_config(ConfigDict(extra="ignore", strict=False))
@dataclass
class AttentionParams:
    """The parameters of ``GET /api/attention``, in their documented order."""

    q: Annotated[list[str], Field(
        description=f"a query to compare, in the search's language; repeat {MIN_QUERIES} to"
                    f" {MAX_QUERIES} times (empty ones are ignored). A query the language"
                    " rejects (as the search's strict=true) is a 400 naming it.",
        examples=[["ceasefire", "sanctions"]])]
    interval: Annotated[Literal["day", "week", "month"], Field(
        description="day, week (ISO weeks, Monday to Sunday, each keyed by its Monday) or"
                    " month (default); the periods run from the one holding from (else the"
                    " first dated article's) to the one holding to (else the last's), at"
                    f" most {MAX_PERIODS:,}"), Choice] = "month"
    # As the search's; they narrow both counts.
    source: Sources = None
    date_from: DayFrom = None
    date_to: DayTo = None
    fuzzy: Annotated[bool, Field(
        description="also match other spellings of names, as the search does: true"
                    " (default) or false"), Flag] = True
    format: Annotated[Literal["json", "csv"], Field(
        description="json (default) or csv: one row per query and period"), Choice] = "json"


def attention_params(args: Any, settings: Settings,
                     facets: tuple[str, ...] = ()) -> tuple[AttentionRequest, str]:
    """The request and the format asked for by ``args`` (a MultiDict or a dict of lists).
    Raises :class:`SearchError` naming the parameter (and the query at fault)."""
    getlist = getattr(args, "getlist", None)

    def listed(name: str) -> list[str]:
        values = getlist(name) if getlist else args.get(name, [])
        return [values] if isinstance(values, str) else list(values or [])

    data: dict[str, Any] = {name: args.get(name) for name in args
                            if name not in ("q", "source")}
    data["q"] = [q for q in listed("q") if isinstance(q, str) and q.strip()]
    data["source"] = listed("source")
    given: AttentionParams = parse_params(AttentionParams, data)
    for number, q in enumerate(given.q, start=1):
        try:
            check_query(q, settings)
        except SearchError as error:
            raise naming(error, q, number) from None
    request = AttentionRequest(
        queries=tuple(given.q), interval=given.interval, sources=tuple(given.source or ()),
        date_from=given.date_from, date_to=given.date_to, fuzzy=given.fuzzy,
        catalog=catalog_filters(args, facets))
    request.filters()  # dates as days (and from ≤ to) now
    return request, given.format


def query_list(args: Mapping[str, Any]) -> list[str]:
    """The queries of ``args`` as typed, blanks left out (for a form shown again)."""
    getlist = getattr(args, "getlist", None)
    values = getlist("q") if getlist else args.get("q", [])
    return [q for q in ([values] if isinstance(values, str) else values) if q.strip()]
