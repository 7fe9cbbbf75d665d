"""The query-string parameters of the batch endpoints, validated (and documented in the
OpenAPI document) as :mod:`searchsvc.params` does the search's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, with_config

from ..params import Choice, Flag, Whole
from . import MAX_QUERIES


@with_config(ConfigDict(extra="ignore", strict=False))
@dataclass
class BatchParams:
    """The parameters of ``POST /api/batch``."""

    fuzzy: Annotated[bool, Field(
        description="also search other spellings of names (Soleimani/Suleimani): true"
                    " (default) or false. A line in quotes is searched exactly either way."),
        Flag] = True
    input: Annotated[Literal["auto", "lines", "csv"], Field(
        description="how to read a text body: lines (one query a line), csv (a header row"
                    " with a query column, and optional source, from and to columns) or auto"
                    " (default: csv when the first line has a query column; a text/csv body"
                    " is csv)"), Choice] = "auto"


@with_config(ConfigDict(extra="ignore", strict=False))
@dataclass
class BatchRowsParams:
    """The parameters of ``GET /api/batch/{id}``."""

    format: Annotated[Literal["json", "csv", "jsonl"], Field(
        description="json (default): the job's state and its rows; csv or jsonl: the rows"
                    " counted so far as a file (all of them once the job is done)"),
        Choice] = "json"
    offset: Annotated[int, Field(ge=0, description="format=json: rows to skip"), Whole] = 0
    limit: Annotated[int | None, Field(
        ge=0, le=MAX_QUERIES, description="format=json: rows to send at most (0: the state"
                                          " alone, for polling)"), Whole] = None
