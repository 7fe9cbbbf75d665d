"""What the batch endpoints send: a job's state and its rows. The API's contract, as
:mod:`searchsvc.models` is the search's: :mod:`searchsvc.openapi` generates the schemas
from these annotations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, with_config
from typing_extensions import TypedDict

from ..models import EXACT
from . import MAX_QUERIES


# The row and its parts are TypedDicts: a row is built as the plain dict it is sent as.
@with_config(EXACT)
class SourceCount(TypedDict):
    source: Annotated[str, Field(description="source name as displayed")]
    articles: Annotated[int, Field(ge=1, description="matching articles from it")]


@with_config(EXACT)
class RowError(TypedDict):
    code: Annotated[str, Field(description="the code a single search of this line gets"
                                           " (invalid_query, invalid_date, query_too_long, …)")]
    message: Annotated[str, Field(description="for people; says what is wrong and where")]


When = Annotated[str | None, Field(description="publication day YYYY-MM-DD; null when no"
                                               " matching article is dated",
                                   json_schema_extra={"format": "date"})]
Count = Annotated[int | None, Field(ge=0, description="null when the line has an error")]

# A TypedDict, not a dataclass: its keys "from" and "to" are Python keywords.
BatchRow = TypedDict("BatchRow", {
    "line": Annotated[int, Field(ge=1, description="where the query is in the list (1: its"
                                                   " first line, a CSV's header included)")],
    "query": Annotated[str, Field(description="the query as given")],
    "source": Annotated[list[str], Field(description="the CSV's sources (separated by ; in"
                                                     " its source column)")],
    "from": Annotated[str | None, Field(description="the CSV's from, as given")],
    "to": Annotated[str | None, Field(description="the CSV's to, as given")],
    "articles": Annotated[int | None, Field(
        ge=0, description="matching articles: the search's total.articles")],
    "paragraphs": Annotated[int | None, Field(
        ge=0, description="matching paragraphs: the search's total.paragraphs")],
    "all_words": Annotated[int | None, Field(
        ge=0, description="of the articles, those with every word of the query; fewer when"
                          " too few held them all and the search also counted articles with"
                          " most of the words (query.relaxed of the search)")],
    "first": When,
    "latest": When,
    "top_sources": Annotated[list[SourceCount], Field(
        max_length=3, description="the three sources with the most matching articles")],
    "search": Annotated[str, Field(description="the search page of this query and its"
                                               " filters")],
    "error": Annotated[RowError | None, Field(description="why the line was not counted"
                                                           " (null when it was)")],
})
BatchRow = with_config(EXACT)(BatchRow)  # type: ignore[misc]  # functional form


@with_config(EXACT)
@dataclass
class BatchLinks:
    status: Annotated[str, Field(description="this answer: GET /api/batch/{id}")]
    page: Annotated[str, Field(description="the job's page, for people")]
    csv: Annotated[str, Field(description="the result table as CSV")]
    jsonl: Annotated[str, Field(description="the result table as JSON Lines")]


@with_config(EXACT)
@dataclass
class BatchJob:
    """The answer of ``POST /api/batch`` (202) and ``GET /api/batch/{id}``."""

    id: Annotated[str, Field(description="the job's id: whoever has it can read the job")]
    state: Annotated[Literal["queued", "running", "done"], Field(
        description="queued (waiting for another job), running, done")]
    fuzzy: Annotated[bool, Field(description="whether name variants were searched")]
    total: Annotated[int, Field(ge=1, le=MAX_QUERIES, description="queries in the list")]
    done: Annotated[int, Field(ge=0, description="queries counted so far (errors included)")]
    errors: Annotated[int, Field(ge=0, description="rows with an error so far")]
    progress: Annotated[float, Field(ge=0, le=1, description="done / total")]
    eta_seconds: Annotated[int | None, Field(
        ge=0, description="seconds left at this job's pace so far; null when queued, done,"
                          " or too early to tell")]
    created: Annotated[str, Field(description="when it was sent, UTC (ISO 8601)")]
    finished: Annotated[str | None, Field(description="when its last row was counted, UTC")]
    links: BatchLinks
    offset: Annotated[int, Field(ge=0, description="the place of rows[0] in the table")]
    rows: Annotated[list[BatchRow], Field(description="the rows counted so far, in the list's"
                                                      " order, from offset (up to limit)")]
