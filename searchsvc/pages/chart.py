"""The date chart of a search (matches per day, month or year, a bar a link to its
period) and the date presets beside it (the archive's last 7, 30, 365 days)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..fields import UNDATED
from ..filters import Filters
from ..models import Bucket, SearchRequest
from .links import link_args, search_url
from .views import Chip, human_date

CHART_MAX_DAYS = 31  # more days than this and the chart shows months
CHART_MAX_MONTHS = 36  # more months than this and it shows years
BAR_LEVELS = 20  # bar heights are CSS classes lv0..lv20 (no style attributes under the CSP)


@dataclass
class Bar:
    value: str
    label: str
    articles: int
    paragraphs: int
    level: int
    href: str
    in_range: bool
    selected: bool


@dataclass
class Chart:
    unit: str  # "day", "month" or "year"
    bars: list[Bar]
    peak: int
    undated: int
    ticks: list[str] = field(default_factory=list)  # axis labels, evenly spaced
    up_href: str | None = None  # the enclosing period (zoom out), with a date filter


def _level(count: int, peak: int) -> int:
    if count <= 0 or peak <= 0:
        return 0
    return max(1, round(count / peak * BAR_LEVELS))


def _months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out


def date_chart(req: SearchRequest, filters: Filters, day_buckets: list[Bucket]) -> Chart | None:
    """Matches per day, month or year, whichever fits the span, with empty periods as empty
    bars. With a date filter the chart shows the filtered period only (a month's days, a
    year's months): clicking a bar drills down, and ``up_href`` goes back up."""
    undated = sum(b.articles for b in day_buckets if b.value == UNDATED)
    low, high = filters.date_from, filters.date_to
    days = {b.value: b for b in day_buckets if b.value != UNDATED
            and (not low or b.value >= low) and (not high or b.value <= high)}
    if not days:
        return Chart("day", [], 0, undated, up_href=_up_href(req, filters)) \
            if undated or filters.has_dates else None
    # A filter with both ends draws its whole period (a month's every day), else the matches'.
    first = low if low and high else min(days)
    last = high if low and high else max(days)
    span = (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days + 1
    counts: dict[str, tuple[int, int]] = {}
    if span <= CHART_MAX_DAYS:
        unit = "day"
        start = dt.date.fromisoformat(first)
        for offset in range(span):
            value = (start + dt.timedelta(days=offset)).isoformat()
            bucket = days.get(value)
            counts[value] = (bucket.articles, bucket.paragraphs) if bucket else (0, 0)
    else:
        months: dict[str, list[int]] = {}
        for value, bucket in days.items():  # a month's count: the sum of its days'
            both = months.setdefault(value[:7], [0, 0])
            both[0] += bucket.articles
            both[1] += bucket.paragraphs
        every = _months_between(first[:7], last[:7])
        if len(every) <= CHART_MAX_MONTHS:
            unit = "month"
            for value in every:
                articles, paragraphs = months.get(value, (0, 0))
                counts[value] = (articles, paragraphs)
        else:
            unit = "year"  # an article has one date, so per-month counts add up
            for year in range(int(first[:4]), int(last[:4]) + 1):
                counts[str(year)] = (0, 0)
            for value, (articles, paragraphs) in months.items():
                before = counts[value[:4]]
                counts[value[:4]] = (before[0] + articles, before[1] + paragraphs)
    peak = max(articles for articles, _ in counts.values())
    bars = []
    for value, (articles, paragraphs) in counts.items():
        period = Filters.make((), value, value)
        assert period.date_from is not None and period.date_to is not None
        in_range = bool(filters.has_dates) and (
            (not filters.date_from or period.date_to >= filters.date_from)
            and (not filters.date_to or period.date_from <= filters.date_to))
        selected = (filters.date_from, filters.date_to) == (period.date_from, period.date_to)
        bars.append(Bar(
            value=value,
            label=human_date(value),
            articles=articles,
            paragraphs=paragraphs,
            level=_level(articles, peak),
            href=search_url(**link_args(req, **{"from": value, "to": value, "page": None})),
            in_range=in_range,
            selected=selected,
        ))
    ticks = [bars[i].label for i in tick_spots(len(bars))]
    return Chart(unit, bars, peak, undated, ticks=ticks, up_href=_up_href(req, filters))


def tick_spots(count: int) -> list[int]:
    """Where the axis labels go among ``count`` periods: up to five, evenly spaced, so no
    bar (or point) needs hovering to place."""
    return sorted({round(i * (count - 1) / 4) for i in range(5)}) if count > 1 else [0]


def _up_href(req: SearchRequest, filters: Filters) -> str | None:
    """The period around the filtered one (a day's month, a month's year, a year's whole
    archive), or None without a date filter."""
    if not filters.has_dates:
        return None
    low, high = filters.date_from or "", filters.date_to or ""
    for width in (7, 4):  # the month, then the year, holding the whole range
        if low[:width] == high[:width] and (low, high) != _bounds(low[:width]):
            return search_url(**link_args(req, page=None,
                                          **{"from": low[:width], "to": low[:width]}))
    return search_url(**link_args(req, page=None, **{"from": None, "to": None}))


def _bounds(period: str) -> tuple[str | None, str | None]:
    whole = Filters.make((), period, period)
    return whole.date_from, whole.date_to


def date_presets(req: SearchRequest, filters: Filters, newest: str | None) -> list[Chip]:
    """The archive's last 7, 30 and 365 days, counted back from its newest article."""
    if not newest:
        return []
    last = dt.date.fromisoformat(newest)
    out = []
    for days in (7, 30, 365):
        start = (last - dt.timedelta(days=days - 1)).isoformat()
        chosen = (filters.date_from, filters.date_to) == (start, newest)
        out.append(Chip(f"{days} days", search_url(**link_args(
            req, page=None, **{"from": start, "to": newest}))) if not chosen
            else Chip(f"{days} days", ""))
    return out
