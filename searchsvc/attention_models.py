"""Attention over time: what goes in and out of a comparison of 2 to 5 queries, as plain
dataclasses (the API's contract too: :mod:`searchsvc.openapi` reads their annotations).

Each query's series is, per day, ISO week or month, the share of all the period's
articles (within the same source, catalog and date filters) that match the query: the
count of matching articles over the count of articles, both from the engine's date
histogram. Every article counts once, later versions of a wire story too (the search's
``collapse=false``), so the denominator is simply the archive's articles of the period.
Undated articles are in no period: they are left out of both counts (and reported).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Annotated, Literal

from pydantic import Field, with_config

from .errors import SearchError
from .filters import Filters
from .models import EXACT, FiltersEcho, SearchRequest

Interval = Literal["day", "week", "month"]
INTERVALS: tuple[Interval, ...] = ("day", "week", "month")
MIN_QUERIES, MAX_QUERIES = 2, 5
#: more periods than this in one comparison is refused: use a wider interval or narrow
#: from/to (a chart of thousands of days is unreadable, and its table unwieldy)
MAX_PERIODS = 1_000


@dataclass(frozen=True)
class AttentionRequest:
    """Compare ``queries`` per ``interval`` within the filters."""

    queries: tuple[str, ...]
    interval: Interval = "month"
    sources: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    fuzzy: bool = True
    # Catalog facet filters: (facet name, values), as SearchRequest's.
    catalog: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def filters(self) -> Filters:
        return Filters.make(self.sources, self.date_from, self.date_to, self.catalog)

    def search_of(self, q: str, date_from: str | None = None,
                  date_to: str | None = None) -> SearchRequest:
        """The search that lists ``q``'s articles (of one period, given its days): every
        version counted, as here, and the query read strictly, as here."""
        return SearchRequest(q=q, sources=self.sources, date_from=date_from or self.date_from,
                             date_to=date_to or self.date_to, fuzzy=self.fuzzy, strict=True,
                             collapse=False, catalog=self.catalog)


@with_config(EXACT)
@dataclass
class AttentionPeriod:
    """One day, ISO week (Monday to Sunday) or month, and all its articles."""

    period: Annotated[str, Field(description="YYYY-MM-DD for a day, YYYY-MM for a month; a"
                                 " week is its Monday, YYYY-MM-DD")]
    first_day: Annotated[str, Field(description="its first day, YYYY-MM-DD",
                                    json_schema_extra={"format": "date"})]
    last_day: Annotated[str, Field(description="its last day, YYYY-MM-DD (within from/to)",
                                   json_schema_extra={"format": "date"})]
    articles: Annotated[int, Field(ge=0, description="all articles of the period within the"
                                   " filters: the denominator of every share")]


@with_config(EXACT)
@dataclass
class AttentionPoint:
    """One query in one period."""

    period: Annotated[str, Field(description="as in periods[]")]
    matching: Annotated[int, Field(ge=0, description="articles of the period matching the"
                                   " query")]
    share: Annotated[float | None, Field(ge=0, le=1, description="matching / the period's"
                                         " articles; null when the period has none")]
    search: Annotated[str, Field(description="the search page listing these articles (the"
                                 " query, from/to set to the period, collapse=false)")] = ""


@with_config(EXACT)
@dataclass
class AttentionSeries:
    q: Annotated[str, Field(description="the query as given")]
    understood: Annotated[str, Field(description="how the query was read")]
    matching: Annotated[int, Field(ge=0, description="matching dated articles in the"
                                   " periods")]
    undated: Annotated[int, Field(ge=0, description="matching undated articles, in no"
                                  " period (left out)")]
    points: Annotated[list[AttentionPoint], Field(description="one per period, in order")]


@with_config(EXACT)
@dataclass
class AttentionBody:
    """The answer of ``GET /api/attention`` (format=json)."""

    interval: Interval
    filters: FiltersEcho
    periods: Annotated[list[AttentionPeriod], Field(
        description="oldest first, every period from the first to the last (from/to when"
                    " given, else the first and last dated article within the filters),"
                    " empty ones included", max_length=MAX_PERIODS)]
    articles: Annotated[int, Field(ge=0, description="all dated articles in the periods")]
    undated: Annotated[int, Field(ge=0, description="undated articles within the filters,"
                                  " left out of every count")]
    series: Annotated[list[AttentionSeries], Field(min_length=MIN_QUERIES,
                                                   max_length=MAX_QUERIES)]
    took_ms: Annotated[float, Field(ge=0)]


@dataclass
class AttentionResponse:
    request: AttentionRequest
    periods: list[AttentionPeriod]
    series: list[AttentionSeries]
    undated: int
    took_ms: float = 0.0  # ``points[].search`` is left empty: the edges make links

    @property
    def articles(self) -> int:
        return sum(p.articles for p in self.periods)

    def with_links(self, link: Callable[[SearchRequest], str]) -> AttentionResponse:
        """The same answer with each point's ``search`` link made by ``link``."""
        spans = [(p.first_day, p.last_day) for p in self.periods]
        series = [replace(s, points=[
            replace(point, search=link(self.request.search_of(s.q, *span)))
            for point, span in zip(s.points, spans, strict=True)]) for s in self.series]
        return replace(self, series=series)

    def to_dict(self) -> dict:
        """The JSON body of ``GET /api/attention`` (:class:`AttentionBody`)."""
        r = self.request
        # The search's filters echo, with no name filter: attention counts whole queries.
        echo: dict = {"source": list(r.filters().sources), "from": r.date_from,
                      "to": r.date_to, "name": []}
        echo.update((name, list(values)) for name, values in r.filters().catalog)
        return asdict(AttentionBody(
            interval=r.interval, filters=echo,  # type: ignore[arg-type]  # facets extra
            periods=self.periods, articles=self.articles, undated=self.undated,
            series=self.series, took_ms=round(self.took_ms, 2)))


def naming(error: SearchError, q: str, number: int) -> SearchError:
    """``error`` said of one query of the comparison (the ``number``-th), quoting it."""
    message = error.message.removeprefix("q: ").removeprefix("q ")
    shown = q if len(q) <= 60 else q[:60] + "…"
    return type(error)(error.code, f"q number {number} ({shown!r}): {message}", "q")
