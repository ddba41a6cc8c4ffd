"""Server-side SVG charts: geometry computed here, drawn by templates. No script, no external asset.

Every chart is drawn from an already protected `disclosure.Table` (or protected means), so a chart can show
nothing a table would not. Count marks carry `data-count` / `data-suppressed` so tests can check them.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from tiaki.stats.disclosure import Cell, K, Mean, Table

WIDTH = 480
LABEL_WIDTH = 190
BAR_HEIGHT = 30
GAP = 10
PLOT_HEIGHT = 220
# Colour-blind-safe palette (Okabe–Ito), dark enough for 3:1 contrast against white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "", "6 3", "2 3")


def ticks(maximum: float) -> list[int]:
    """Ticks at 0 and multiples of a step of at least 20 (above K = 11): no tick reads like a small count."""
    step = 20
    for candidate in (20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000):
        step = candidate
        if maximum / candidate <= 5:
            break
    else:
        while maximum / step > 5:
            step *= 10
    top = max(step, -(-int(maximum) // step) * step)
    return list(range(0, top + 1, step))


@dataclass
class Bar:
    label: str
    y: float
    width: float
    cell: Cell | None = None
    mean: Mean | None = None

    @property
    def text(self) -> str:
        return self.cell.display if self.cell is not None else (self.mean.display if self.mean else "")


@dataclass
class BarChart:
    kind: str  # "count" or "mean"
    height: int
    bars: list[Bar]
    axis: list[tuple[float, int]]  # (x, value)
    label_width: int = LABEL_WIDTH
    width: int = WIDTH
    type: str = "bar"

    @property
    def plot_right(self) -> int:
        return self.width - 60


def bar_chart(items: Sequence[tuple[str, Cell]]) -> BarChart:
    """Horizontal bars for protected counts; a suppressed count gets no bar, only its mark."""
    shown = [cell.value or 0 for _label, cell in items if not cell.suppressed]
    axis_values = ticks(max(shown, default=0) or K)
    top = axis_values[-1]
    span = WIDTH - 60 - LABEL_WIDTH
    bars = [
        Bar(
            label,
            20 + index * (BAR_HEIGHT + GAP),
            0 if cell.suppressed else span * (cell.value or 0) / top,
            cell,
        )
        for index, (label, cell) in enumerate(items)
    ]
    height = 20 + len(items) * (BAR_HEIGHT + GAP) + 30
    axis = [(LABEL_WIDTH + span * value / top, value) for value in axis_values]
    return BarChart("count", height, bars, axis)


def mean_chart(items: Sequence[tuple[str, Mean]], maximum: float = 100.0) -> BarChart:
    """Horizontal bars for protected means (e.g. score gains in points); a withheld mean has no bar."""
    span = WIDTH - 60 - LABEL_WIDTH
    bars = [
        Bar(
            label,
            20 + index * (BAR_HEIGHT + GAP),
            0 if mean.value is None else span * max(mean.value, 0) / maximum,
            mean=mean,
        )
        for index, (label, mean) in enumerate(items)
    ]
    height = 20 + len(items) * (BAR_HEIGHT + GAP) + 30
    axis = [(LABEL_WIDTH + span * value / maximum, value) for value in range(0, int(maximum) + 1, 25)]
    return BarChart("mean", height, bars, axis)


@dataclass
class Point:
    x: float
    y: float
    cell: Cell
    period: str


@dataclass
class Line:
    label: str
    colour: str
    dash: str
    points: list[Point]
    segments: list[str] = field(default_factory=list)  # SVG path data, broken where a value is suppressed


@dataclass
class LineChart:
    lines: list[Line]
    axis: list[tuple[float, int]]  # (y, value)
    periods: list[tuple[float, str]]  # (x, label)
    width: int = WIDTH
    height: int = PLOT_HEIGHT + 70
    left: int = 60
    top: int = 20
    bottom: int = PLOT_HEIGHT + 20
    type: str = "line"
    kind: str = "count"


def _segments(points: list[Point]) -> list[str]:
    """SVG path data through the shown points, broken wherever a value is withheld (a lone value between
    withheld ones is only a dot)."""
    segments: list[str] = []
    run: list[Point] = []
    for point in [*points, None]:
        if point is not None and not point.cell.suppressed:
            run.append(point)
            continue
        if len(run) > 1:
            segments.append("M " + " L ".join(f"{p.x:.1f} {p.y:.1f}" for p in run))
        run = []
    return segments


def line_chart(data: Table, *, rows: Sequence[Hashable] | None = None) -> LineChart:
    """One line per table row (e.g. a country) across the table's columns (periods)."""
    wanted = list(rows) if rows is not None else [key for key, _label in data.rows]
    labels = dict(data.rows)
    shown = [
        cell.value or 0
        for key in wanted
        for column, _l in data.columns
        if not (cell := data.cell(key, column)).suppressed
    ]
    shown += [cell.value or 0 for cell in data.column_totals.values() if not cell.suppressed]
    axis_values = ticks(max(shown, default=0) or K)
    top_value = axis_values[-1]
    left, right, top, bottom = 60, WIDTH - 30, 20, PLOT_HEIGHT + 20
    columns = data.columns
    step = (right - left) / max(len(columns) - 1, 1)
    xs = [left + index * step for index in range(len(columns))]

    def y_of(value: int) -> float:
        return bottom - (bottom - top) * value / top_value

    lines = []
    if data.column_totals:
        # The total first, in black: with small groups it is often the only line that can be drawn.
        total_points = [
            Point(x, y_of(cell.value or 0) if not cell.suppressed else bottom, cell, label)
            for x, (column, label) in zip(xs, columns, strict=True)
            if (cell := data.column_totals[column]) is not None
        ]
        lines.append(Line(str(_("Total")), "#000000", "", total_points, _segments(total_points)))
    for index, key in enumerate(wanted):
        points = [
            Point(x, y_of(cell.value or 0) if not cell.suppressed else bottom, cell, label)
            for x, (column, label) in zip(xs, columns, strict=True)
            if (cell := data.cell(key, column)) is not None
        ]
        lines.append(
            Line(
                labels[key],
                PALETTE[index % len(PALETTE)],
                DASHES[index % len(DASHES)],
                points,
                _segments(points),
            )
        )
    axis = [(y_of(value), value) for value in axis_values]
    # Label every period when they fit (about 70 units each), else every second or third one.
    every = max(1, -(-70 * len(columns) // max(right - left, 1)))
    periods = [
        (x, label if index % every == 0 else "")
        for index, (x, (_c, label)) in enumerate(zip(xs, columns, strict=True))
    ]
    return LineChart(lines, axis, periods)


@dataclass
class Figure:
    """A chart with its text alternatives: caption, summary and the full protected data table."""

    slug: str
    title: Any
    caption: Any
    chart: Any
    table: Table | None = None
    means: list[tuple[str, Mean, Cell]] | None = None  # label, mean, group size (for mean charts)
    notes: list[Any] = field(default_factory=list)
