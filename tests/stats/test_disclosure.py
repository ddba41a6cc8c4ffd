"""Small-cell suppression: primary below K, secondary so that no withheld cell follows from a total."""

from __future__ import annotations

from tiaki.stats import charts, disclosure
from tiaki.stats.disclosure import PRIMARY, SECONDARY, SHOWN


def test_primary_suppression_hides_one_to_ten_and_shows_zero() -> None:
    cells = disclosure.suppress({"a": 0, "b": 1, "c": 10, "d": 11, "e": 250})
    assert {k: (c.status, c.value, c.display) for k, c in cells.items()} == {
        "a": (SHOWN, 0, "0"),
        "b": (PRIMARY, None, "<11"),
        "c": (PRIMARY, None, "<11"),
        "d": (SHOWN, 11, "11"),
        "e": (SHOWN, 250, "250"),
    }


def test_a_lone_suppressed_cell_in_a_line_takes_the_smallest_other_cell_with_it() -> None:
    counts = {"a": 5, "b": 30, "c": 12, "total": 47}
    cells = disclosure.suppress(counts, [["a", "b", "c", "total"]])
    assert [cells[k].display for k in ("a", "b", "c", "total")] == ["<11", "30", "×", "47"]
    assert cells["c"].status == SECONDARY and cells["c"].value is None


def test_two_way_table_never_leaves_a_single_hidden_cell_in_any_row_or_column() -> None:
    counts = {("r1", "c1"): 20, ("r1", "c2"): 3, ("r2", "c1"): 40, ("r2", "c2"): 15}
    table = disclosure.table(
        counts, title="t", rows=[("r1", "r1"), ("r2", "r2")], columns=[("c1", "c1"), ("c2", "c2")]
    )
    grid = [
        [c.display for c in cells] + [total.display if total else ""] for _label, cells, total in table.grid()
    ]
    assert grid == [["×", "<11", "23"], ["×", "×", "55"]]
    assert [c.display for c in table.totals_row()] == ["60", "18"]
    for line in [[*cells, total] for _label, cells, total in table.grid()]:
        assert sum(1 for c in line if c.suppressed) != 1
    columns = list(zip(*[cells for _label, cells, _total in table.grid()], strict=True))
    for column, total in zip(columns, table.totals_row(), strict=True):
        assert sum(1 for c in [*column, total] if c.suppressed) != 1


def test_means_over_fewer_than_k_people_are_withheld() -> None:
    assert disclosure.protect_mean([80.0] * 10).display == "<11"
    assert disclosure.protect_mean([80.0] * 10 + [58.0]).display == "78.0"


def test_chart_axis_ticks_never_read_like_a_small_count() -> None:
    assert charts.ticks(12) == [0, 20]
    assert charts.ticks(95) == [0, 20, 40, 60, 80, 100]
    assert charts.ticks(4700) == [0, 1000, 2000, 3000, 4000, 5000]
