"""Small-cell protection: the one gate every statistic passes before it is shown, charted or exported.

A count from 1 to K-1 (K = 11, the threshold the Counter-Trafficking Data Collaborative uses) could point at
one survivor, so it is suppressed ("primary"). Where a published total would let a reader recover a
suppressed count by subtraction, a further cell of the same row or column is suppressed as well
("secondary"). Zero is shown: it says nobody, which identifies nobody. True values of suppressed cells never
leave this module: a `Cell` that is suppressed carries no value at all.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

K = 11
SHOWN, PRIMARY, SECONDARY = "shown", "primary", "secondary"
PRIMARY_MARK = f"<{K}"
SECONDARY_MARK = "×"  # hidden only so that a small number elsewhere cannot be worked out from a total


@dataclass(frozen=True)
class Cell:
    value: int | None  # None whenever suppressed
    status: str = SHOWN

    @property
    def suppressed(self) -> bool:
        return self.status != SHOWN

    @property
    def display(self) -> str:
        if self.status == PRIMARY:
            return PRIMARY_MARK
        if self.status == SECONDARY:
            return SECONDARY_MARK
        return str(self.value)

    def __str__(self) -> str:
        return self.display


def suppress(counts: Mapping[Any, int], lines: Iterable[Sequence[Any]] = (), k: int = K) -> dict[Any, Cell]:
    """Protect `counts`. Each line lists keys whose values add up to a published (or derivable) total that
    is itself one of the keys; within a line, never leave exactly one suppressed key."""
    status = {key: PRIMARY if 0 < value < k else SHOWN for key, value in counts.items()}
    members = [list(line) for line in lines]
    changed = True
    while changed:
        changed = False
        for line in members:
            hidden = [key for key in line if status[key] != SHOWN]
            if len(hidden) != 1:
                continue
            candidates = sorted(
                (counts[key], str(key), key) for key in line if status[key] == SHOWN and counts[key] > 0
            )
            if not candidates:
                continue  # every other member is zero: the hidden one equals a total that is hidden too
            status[candidates[0][2]] = SECONDARY
            changed = True
    return {key: Cell(None if status[key] != SHOWN else value, status[key]) for key, value in counts.items()}


def protect_count(value: int, k: int = K) -> Cell:
    return Cell(None, PRIMARY) if 0 < value < k else Cell(value)


@dataclass(frozen=True)
class Mean:
    """A mean over a group: shown only when the group has at least K members (a mean of 1 is a person)."""

    value: float | None
    group_size: Cell

    @property
    def display(self) -> str:
        return PRIMARY_MARK if self.value is None else f"{self.value:.1f}"


def protect_mean(values: Sequence[float], k: int = K, *, weight: int | None = None) -> Mean:
    size = weight if weight is not None else len(values)
    if size < k or not values:
        return Mean(None, protect_count(size, k))
    return Mean(round(sum(values) / len(values), 1), Cell(size))


@dataclass
class Table:
    """A protected two-way table (rows × columns) with optional totals; one column makes a simple list."""

    title: Any
    row_heading: Any
    column_heading: Any
    rows: list[tuple[Hashable, str]]  # (key, label)
    columns: list[tuple[Hashable, str]]
    cells: dict[tuple[Hashable, Hashable], Cell]
    row_totals: dict[Hashable, Cell] = field(default_factory=dict)
    column_totals: dict[Hashable, Cell] = field(default_factory=dict)
    total: Cell | None = None

    def cell(self, row: Hashable, column: Hashable) -> Cell:
        return self.cells[(row, column)]

    def grid(self) -> list[tuple[str, list[Cell], Cell | None]]:
        return [
            (label, [self.cells[(row, column)] for column, _label in self.columns], self.row_totals.get(row))
            for row, label in self.rows
        ]

    def totals_row(self) -> list[Cell]:
        return [self.column_totals[column] for column, _label in self.columns] if self.column_totals else []

    def all_cells(self) -> list[Cell]:
        found = list(self.cells.values()) + list(self.row_totals.values()) + list(self.column_totals.values())
        return found + ([self.total] if self.total else [])


_ROW_TOTAL, _COLUMN_TOTAL = "__row_total__", "__column_total__"


def table(
    counts: Mapping[Any, int],
    *,
    title: Any,
    rows: Sequence[tuple[Hashable, str]],
    columns: Sequence[tuple[Hashable, str]],
    row_heading: Any = "",
    column_heading: Any = "",
    row_totals: bool = True,
    column_totals: bool = True,
    k: int = K,
) -> Table:
    """Build a protected table from raw counts. Totals are only offered where the categories partition the
    population (each person in one cell); for multi-valued categories pass both totals as False."""
    raw: dict[Any, int] = {}
    for row, _r in rows:
        for column, _c in columns:
            raw[(row, column)] = int(counts.get((row, column), 0))
    lines: list[list[Any]] = []
    if row_totals:
        for row, _r in rows:
            raw[(row, _ROW_TOTAL)] = sum(raw[(row, c)] for c, _l in columns)
            lines.append([(row, c) for c, _l in columns] + [(row, _ROW_TOTAL)])
    if column_totals:
        for column, _c in columns:
            raw[(_COLUMN_TOTAL, column)] = sum(raw[(r, column)] for r, _l in rows)
            lines.append([(r, column) for r, _l in rows] + [(_COLUMN_TOTAL, column)])
    if row_totals or column_totals:
        raw[(_COLUMN_TOTAL, _ROW_TOTAL)] = sum(raw[(r, c)] for r, _a in rows for c, _b in columns)
        if row_totals:
            lines.append([(r, _ROW_TOTAL) for r, _l in rows] + [(_COLUMN_TOTAL, _ROW_TOTAL)])
        if column_totals:
            lines.append([(_COLUMN_TOTAL, c) for c, _l in columns] + [(_COLUMN_TOTAL, _ROW_TOTAL)])
    protected = suppress(raw, lines, k)
    return Table(
        title=title,
        row_heading=row_heading,
        column_heading=column_heading,
        rows=list(rows),
        columns=list(columns),
        cells={(r, c): protected[(r, c)] for r, _a in rows for c, _b in columns},
        row_totals={r: protected[(r, _ROW_TOTAL)] for r, _l in rows} if row_totals else {},
        column_totals={c: protected[(_COLUMN_TOTAL, c)] for c, _l in columns} if column_totals else {},
        total=protected.get((_COLUMN_TOTAL, _ROW_TOTAL)) if (row_totals or column_totals) else None,
    )


def series(
    counts: Mapping[Any, int],
    *,
    title: Any,
    labels: Sequence[tuple[Hashable, str]],
    heading: Any = "",
    total: bool = True,
    k: int = K,
) -> Table:
    """A one-column protected table (a list of categories with their counts)."""
    value_column = [("n", str(_("Number")))]
    return table(
        {(key, "n"): count for key, count in counts.items()},
        title=title,
        rows=labels,
        columns=value_column,
        row_heading=heading,
        row_totals=False,
        column_totals=total,
        k=k,
    )
