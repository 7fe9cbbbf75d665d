"""Query-string parameters (the API's, the page's, the CLI's) read into a
:class:`~searchsvc.models.SearchRequest`.

The parameters are described once, as the dataclasses :class:`SearchParams` and
:class:`RelatedParams`: pydantic validates a request against them, and
:mod:`searchsvc.openapi` generates the documented parameters from them. Every bad value is
a 400 whose message names the parameter and the value, in the service's own error shape.

Limits are policy, not the engine's: the deepest page a request may reach and the largest
page come from :class:`~searchsvc.settings.Settings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, TypeAdapter, ValidationError, with_config
from pydantic_core import PydanticCustomError

from .analysis import exact_words
from .errors import SearchError
from .models import SearchRequest
from .names import name_filters
from .settings import Settings

_DEFAULTS = Settings()
# Empty (or spaces) is no date: the schema says so too (schemathesis found the drift).
_DATE = r"^\s*(\d{4}(-\d{2}(-\d{2})?)?)?\s*$"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _word(value: object) -> object:
    """Choices are matched without regard to case or surrounding spaces."""
    return value.strip().lower() if isinstance(value, str) else value


def _flag(value: object) -> object:
    """true/false, 1/0, yes/no, on/off (any case); anything else fails as not a boolean."""
    if isinstance(value, str):
        word = value.strip().lower()
        return True if word in _TRUE else False if word in _FALSE else value
    return value


def _whole(value: object) -> object:
    """A whole number as written ("2", " 2 "), not "2.0", which pydantic would take."""
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            raise PydanticCustomError("int_parsing", "not a whole number") from None
    return value


def _trimmed(value: object) -> object:
    """Spaces around a date are ignored; only spaces is no date."""
    return (value.strip() or None) if isinstance(value, str) else value


Choice = BeforeValidator(_word)
Flag = BeforeValidator(_flag)
Whole = BeforeValidator(_whole)
Trimmed = BeforeValidator(_trimmed)

# ``source``, ``from`` and ``to`` as every endpoint filtering by them reads them.
Sources = Annotated[list[str] | None, Field(
    description="only these sources (repeat for several; any of them matches). Case and"
                " accents do not matter.", examples=[["CNN", "Zero Hedge"]])]
DayFrom = Annotated[str | None, Field(
    alias="from", pattern=_DATE,
    description="first day, inclusive: YYYY, YYYY-MM or YYYY-MM-DD (the first day of the"
                " year or month). Undated articles are left out when a date is given.",
    examples=["2020-12"]), Trimmed]
DayTo = Annotated[str | None, Field(
    alias="to", pattern=_DATE,
    description="last day, inclusive: YYYY, YYYY-MM or YYYY-MM-DD (the last day of the"
                " year or month)", examples=["2020-12-31"]), Trimmed]


@with_config(ConfigDict(extra="ignore", strict=False))
@dataclass
class SearchParams:
    """The parameters of ``GET /api/search`` (all optional), in their documented order."""

    q: Annotated[str, Field(
        description="the query: words (all must match), \"a phrase\", OR, AND, NOT or -word,"
                    " +word, (groups), prefix*, title:, source:. Empty: every article, newest"
                    " first.", examples=["B-52 bombers"])] = ""
    source: Sources = None
    date_from: DayFrom = None
    date_to: DayTo = None
    sort: Annotated[Literal["relevance", "newest", "oldest"], Field(
        description="relevance (default), newest or oldest (undated last)"), Choice] = "relevance"
    group: Annotated[Literal["article", "paragraph"], Field(
        description="article: one hit per article with its best paragraphs (default);"
                    " paragraph: one hit per paragraph"), Choice] = "article"
    page: Annotated[int, Field(
        ge=1, description=f"page number; page × per_page may not pass"
                          f" {_DEFAULTS.max_window}"), Whole] = 1
    # The bound and the default are the deployment's (Settings), applied by search_request.
    per_page: Annotated[int | None, Field(ge=1, description="hits per page"), Whole] = None
    fuzzy: Annotated[bool, Field(
        description="also search other spellings of names (Soleimani/Suleimani): true"
                    " (default) or false. Also 1/0, yes/no, on/off."), Flag] = True
    strict: Annotated[bool, Field(
        description="reject a malformed query with 400 invalid_query instead of searching its"
                    " words"), Flag] = False
    collapse: Annotated[bool, Field(
        description="fold later versions of a story from the same source (wire copies re-sent"
                    " with small changes) under the earliest: true (default) or false"),
        Flag] = True
    name: Annotated[list[str] | None, Field(
        description="only articles naming this (repeat for several: every one must be"
                    " named): a value of the names facet, the word for a name in the text"
                    " (soleimani) or person:, org:, place: and a catalog value"
                    " (person:reagan)", examples=[["soleimani"]])] = None
    rows: Annotated[Literal["paragraph", "article"], Field(
        description="for csv and jsonl: paragraph (default), one row per matching paragraph;"
                    " article, one row per matching article in the order of the pages, with"
                    " its score and its best paragraph"), Choice] = "paragraph"
    format: Annotated[Literal["json", "csv", "jsonl", "atom"], Field(
        description=f"json (default, one page); csv or jsonl: every matching paragraph (up to"
                    f" {_DEFAULTS.export_limit}), ungrouped, in the requested order; page,"
                    f" per_page and group are ignored; atom: an Atom feed of the newest"
                    f" {_DEFAULTS.feed_entries} matching articles (an alert for a feed"
                    " reader; sort, page, per_page and group are ignored)"), Choice] = "json"


@with_config(ConfigDict(extra="ignore"))
@dataclass
class RelatedParams:
    """The parameters of ``GET /api/paragraphs/{id}/related``."""

    # The default is the deployment's (Settings.related_limit).
    limit: Annotated[int | None, Field(ge=1, le=50, description="how many"), Whole] = None
    q: Annotated[str, Field(
        description="a search whose words are marked in the snippets too (the search the"
                    " reader came from)", examples=["Soleimani"])] = ""


_LISTS = ("source", "name")  # repeatable parameters


@lru_cache(maxsize=4)
def _adapter(model: type) -> TypeAdapter:
    return TypeAdapter(model)


def parse_params(model: type, params: Mapping[str, Any]) -> Any:
    """``params`` (a werkzeug MultiDict or a plain dict) validated against ``model``; empty
    values mean "not given". Raises :class:`SearchError` naming the first bad parameter."""
    adapter = _adapter(model)
    getlist = getattr(params, "getlist", None)
    data: dict[str, Any] = {}
    for name in params:
        if name in _LISTS:
            values = getlist(name) if getlist else params.get(name)
            values = [values] if isinstance(values, str) else list(values or [])
            data[name] = [v for v in values if v and str(v).strip()]
            continue
        value = params.get(name)
        if value is not None and value != "":
            data[name] = value
    try:
        return adapter.validate_python(data)
    except ValidationError as error:
        raise _as_search_error(error, data, adapter) from None


def _as_search_error(error: ValidationError, data: Mapping[str, Any],
                     adapter: TypeAdapter) -> SearchError:
    """pydantic's first complaint, said the way this service says it."""
    first = error.errors()[0]
    name = str(first["loc"][0]) if first["loc"] else "?"
    raw = data.get(name)
    kind = first["type"]
    spec = adapter.json_schema(by_alias=True)["properties"].get(name, {})
    if kind in ("int_parsing", "int_type", "int_from_float"):
        message = f"{name}={raw!r} is not a whole number"
    elif kind in ("greater_than_equal", "less_than_equal"):
        message = f"{name}={int(str(raw))} must be {_bounds(spec)}"
    elif kind == "literal_error":
        choices = ", ".join(spec.get("enum", []))
        message = f"{name}={raw!r} must be one of {choices}"
    elif kind in ("bool_parsing", "bool_type"):
        message = f"{name}={raw!r} must be true or false"
    elif kind == "string_pattern_mismatch":
        return SearchError("invalid_date", f"{name}={str(raw).strip()[:40]} is not a date; use"
                           " YYYY-MM-DD, YYYY-MM or YYYY", name)
    else:
        message = f"{name}={raw!r}: {first['msg']}"
    return SearchError("invalid_parameter", message, name)


def _bounds(spec: Mapping[str, Any]) -> str:
    low, high = spec.get("minimum"), spec.get("maximum")
    return f"from {low} to {high}" if high is not None else f"at least {low}"


def search_request(params: Mapping[str, Any], settings: Settings,
                   facets: tuple[str, ...] = ()) -> SearchRequest:
    """A validated request; ``per_page`` defaults to, and may not pass, the settings'.
    ``facets``: the index's catalog facets, whose parameters filter too."""
    return to_request(parse_params(SearchParams, params), settings,
                      catalog_filters(params, facets))


MAX_FACET_VALUES = 100  # values of one facet in one request
MAX_FACET_VALUE_CHARS = 200


def catalog_filters(params: Mapping[str, Any], facets: tuple[str, ...],
                    ) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``topics=cocoa&topics=coffee`` for each catalog facet of the index."""
    chosen = []
    for name in facets:
        getlist = getattr(params, "getlist", None)
        given = getlist(name) if getlist else params.get(name, [])
        values = [given] if isinstance(given, str) else list(given or [])
        values = [v for v in values if isinstance(v, str) and v.strip()]
        if len(values) > MAX_FACET_VALUES:
            raise SearchError("invalid_parameter", f"{name} is given {len(values)} times; at"
                              f" most {MAX_FACET_VALUES}", name)
        for value in values:
            if len(value) > MAX_FACET_VALUE_CHARS or "\x00" in value:
                raise SearchError("invalid_parameter", f"{name}={value[:40]!r}… is not a value"
                                  f" (at most {MAX_FACET_VALUE_CHARS} characters)", name)
        if values:
            chosen.append((name, tuple(values)))
    return tuple(chosen)


def check_query(q: str, settings: Settings) -> None:
    """A query longer than the settings allow is refused before it is parsed: whoosh's
    matcher tree overflows Python's stack at about 1,000 words, and long before that one
    query can keep a worker busy for seconds."""
    if len(q) > settings.max_query_chars:
        raise SearchError("query_too_long", f"q is {len(q):,} characters long; a search may"
                          f" have at most {settings.max_query_chars:,}", "q")
    words = len(exact_words(q))
    if words > settings.max_query_words:
        raise SearchError("query_too_long", f"q has {words:,} words; a search may have at"
                          f" most {settings.max_query_words:,}", "q")


def to_request(given: SearchParams, settings: Settings,
               catalog: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> SearchRequest:
    check_query(given.q, settings)
    per_page = settings.default_per_page if given.per_page is None else given.per_page
    if per_page > settings.max_per_page:
        raise SearchError("invalid_parameter",
                          f"per_page={per_page} must be from 1 to {settings.max_per_page}",
                          "per_page")
    request = SearchRequest(
        q=given.q,
        sources=tuple(given.source or ()),
        date_from=given.date_from or None,
        date_to=given.date_to or None,
        sort=given.sort,
        group=given.group,
        page=given.page,
        per_page=per_page,
        fuzzy=given.fuzzy,
        strict=given.strict,
        collapse=given.collapse,
        catalog=catalog,
        names=name_filters(given.name or []),
    )
    request.filters()  # validate dates as days (and from ≤ to) now, not mid-search
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
