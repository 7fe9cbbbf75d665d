"""Source and date filters, as a user gives them and as the index checks them."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .analysis import fold
from .errors import SearchError
from .fields import UNDATED, source_key

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_bound(value: str, param: str, *, end: bool) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` → the first (or, for ``end``, last) day."""
    match = _DATE.match(value.strip())
    if not match:
        raise SearchError("invalid_date",
                          f"{param}={value.strip()[:40]} is not a date; use YYYY-MM-DD, YYYY-MM"
                          " or YYYY",
                          param)
    year = int(match.group(1))
    month, day = (int(g) if g else None for g in match.groups()[1:])
    try:
        if month is None:
            date = dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        elif day is None:
            last = calendar.monthrange(year, month)[1]
            date = dt.date(year, month, last if end else 1)
        else:
            date = dt.date(year, month, day)
    except ValueError:
        raise SearchError("invalid_date", f"{param}={value.strip()[:40]} is not a date: "
                          f"{_why_not(year, month, day)}", param) from None
    return date.isoformat()


def value_key(value: str) -> str:
    """What a catalog facet filter matches: the value folded (case, accents, spaces)."""
    return fold(" ".join(value.split()))


def values_of(cell: object) -> list[str]:
    """A catalog cell's values: ``;``-separated, trimmed, empty ones left out."""
    if cell is None:
        return []
    parts = cell if isinstance(cell, list) else str(cell).split(";")
    seen: dict[str, str] = {}
    for part in parts:
        value = " ".join(str(part).split())
        if value and value_key(value) not in seen:
            seen[value_key(value)] = value
    return list(seen.values())


def _why_not(year: int, month: int | None, day: int | None) -> str:
    """Why year-month-day is no day, in words."""
    if month is not None and not 1 <= month <= 12:
        return f"there is no month {month} (months are 01 to 12)"
    if month is not None and day is not None and 1 <= year <= 9999:
        last = calendar.monthrange(year, month)[1]
        return (f"{calendar.month_name[month]} {year} has {last} days" if day > last
                else "there is no day 0")
    return "the year must be 0001 to 9999"


@dataclass(frozen=True)
class Filters:
    sources: tuple[str, ...] = ()  # source keys, any of them
    date_from: str | None = None  # inclusive ISO days
    date_to: str | None = None
    # Catalog facets: (name, folded values): any value of one facet, and every facet.
    catalog: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @classmethod
    def make(cls, sources: list[str] | tuple[str, ...] = (), date_from: str | None = None,
             date_to: str | None = None,
             catalog: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> Filters:
        keys = tuple(dict.fromkeys(source_key(s) for s in sources if s and s.strip()))
        start = date_bound(date_from, "from", end=False) if date_from else None
        stop = date_bound(date_to, "to", end=True) if date_to else None
        if start and stop and start > stop:
            raise SearchError("invalid_range", f"from ({date_from}) is after to ({date_to})",
                              "from")
        chosen = tuple((name, folded) for name, values in catalog
                       if (folded := tuple(dict.fromkeys(
                           value_key(v) for v in values if v.strip()))))
        return cls(keys, start, stop, chosen)

    def selected(self, facet: str) -> tuple[str, ...]:
        """The values (folded) chosen for a catalog facet."""
        return next((values for name, values in self.catalog if name == facet), ())

    @property
    def has_dates(self) -> bool:
        return bool(self.date_from or self.date_to)

    def source_ok(self, key: str) -> bool:
        return not self.sources or key in self.sources

    def day_ok(self, day: str) -> bool:
        if not self.has_dates:
            return True
        if day == UNDATED:
            return False
        return (not self.date_from or day >= self.date_from) and (
            not self.date_to or day <= self.date_to)
