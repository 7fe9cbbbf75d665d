"""The attention chart as server-drawn SVG: one line per query, its share of the period's
articles, a point per period linking to that period's search.

Only geometry is written into the markup (coordinates, a ``viewBox``); colours, dashes
and text alignment are CSS classes in web/static/site.css (``series s1``…``s5``), so the
page keeps its Content-Security-Policy (no inline style). The axis labels are placed as
the search page's date chart places its own (:func:`.chart.tick_spots`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..attention_models import AttentionResponse
from .chart import tick_spots
from .views import human_date, plural

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 14, 14, 34  # margins: the share labels left, dates below
MARKED_UP_TO = 62  # periods; with more, the lines alone (a dot a day would be a smear)
NICE = (1.0, 2.0, 2.5, 5.0, 10.0)


@dataclass
class ChartPoint:
    x: float
    y: float
    href: str
    title: str  # the point's tooltip: query, period, counts and share


@dataclass
class ChartSeries:
    number: int  # 1 to 5: the CSS class s1…s5 (colour and dash)
    q: str
    lines: list[str]  # polyline ``points``, one per run of periods that have articles
    points: list[ChartPoint]  # the dots (none when there are more than MARKED_UP_TO)


@dataclass
class Tick:
    x: float
    label: str
    place: str  # start, middle or end: the CSS class aligning the label


@dataclass
class Gridline:
    y: float
    label: str


@dataclass
class AttentionChart:
    width: int
    height: int
    left: int
    right: int  # x of the plot's right edge
    bottom: int  # y of the plot's bottom edge (the zero line)
    series: list[ChartSeries]
    ticks: list[Tick]
    grid: list[Gridline]
    summary: str  # the chart's description for screen readers


def percent(share: float | None) -> str:
    """A share as a reader writes it: ``7.5%``, ``0.04%`` (small shares keep a figure)."""
    if share is None:
        return "–"
    if share == 0:
        return "0%"
    value = share * 100
    shown = f"{value:.2f}" if value < 0.1 else f"{value:.1f}".removesuffix(".0")
    return f"{shown}%"


def nice_top(peak: float) -> float:
    """The y axis' top: the smallest 1, 2, 2.5 or 5 times a power of ten holding ``peak``."""
    if peak <= 0:
        return 0.01
    scale = 1e-6
    while scale * 10 < peak:
        scale *= 10
    return next(scale * step for step in NICE if scale * step >= peak)


def period_label(period: str, interval: str) -> str:
    return f"week of {human_date(period)}" if interval == "week" else human_date(period)


def attention_chart(found: AttentionResponse) -> AttentionChart | None:
    """The chart of ``found`` (its points' ``search`` links already made), or None when
    there is no period to draw."""
    periods = found.periods
    if not periods:
        return None
    interval = found.request.interval
    top = nice_top(max((p.share or 0.0 for s in found.series for p in s.points), default=0.0))
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    span = right - LEFT

    def x_of(index: int) -> float:
        return round(LEFT + (span * index / (len(periods) - 1) if len(periods) > 1
                             else span / 2), 1)

    def y_of(share: float) -> float:
        return round(bottom - (bottom - TOP) * share / top, 1)

    series = []
    for number, one in enumerate(found.series, start=1):
        lines: list[list[str]] = [[]]
        points = []
        for index, (period, point) in enumerate(zip(periods, one.points, strict=True)):
            if point.share is None:  # no article that period: a gap, not a fall to zero
                lines.append([])
                continue
            x, y = x_of(index), y_of(point.share)
            lines[-1].append(f"{x},{y}")
            if len(periods) <= MARKED_UP_TO:
                points.append(ChartPoint(x, y, point.search, (
                    f"{one.q} · {period_label(period.period, interval)}: {point.matching:,}"
                    f" of {plural(period.articles, 'article')} ({percent(point.share)})")))
        series.append(ChartSeries(number, one.q, [" ".join(line) for line in lines if line],
                                  points))
    spots = tick_spots(len(periods))
    ticks = [Tick(x_of(i), human_date(periods[i].period),
                  "middle" if len(spots) == 1 else
                  "start" if i == 0 else "end" if i == len(periods) - 1 else "middle")
             for i in spots]
    grid = [Gridline(y_of(top * step / 4), percent(top * step / 4)) for step in range(5)]
    first, last = periods[0].period, periods[-1].period
    summary = (f"Share of articles per {interval} from {period_label(first, interval)} to"
               f" {period_label(last, interval)} matching "
               + "; ".join(f"{s.q} ({s.matching:,} articles)" for s in found.series)
               + ". The table below gives every figure.")
    return AttentionChart(WIDTH, HEIGHT, LEFT, right, bottom, series, ticks, grid, summary)
