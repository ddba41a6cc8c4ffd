"""No dashboard, chart or export reveals a count from 1 to 10: every rendered output is scanned."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tiaki.stats import exports
from tiaki.stats.disclosure import K

from ..conftest import verified_client
from .conftest import StatsWorld, find_counts

DASHBOARDS = [
    "stats:index",
    "stats:reports_cases",
    "stats:indicators",
    "stats:referrals",
    "stats:returns",
    "stats:outreach",
    "stats:training",
]
COUNT_COLUMNS = {
    "ctdc": {"female", "male", "other_or_unknown"},
    "events": {"attendance_total"},  # plus every attendance_<gender>_<band> column
    "campaigns": {"reach"},
    "sessions": {"participants"},
}
MARKS = {"<11", "×"}


def _safe(value: str) -> bool:
    return value in MARKS or (value.isdigit() and (int(value) == 0 or int(value) >= K))


def _assert_page_is_safe(html: str) -> dict[str, list]:
    found = find_counts(html)
    assert all(n == 0 or n >= K for n in found["data_count"]), found["data_count"]
    assert all(_safe(text.strip()) for text in found["count_text"]), found["count_text"]
    assert all(_safe(text.strip()) for text in found["ticks"]), found["ticks"]
    return found


@pytest.mark.django_db
def test_every_dashboard_and_chart_hides_small_cells(stats_world: StatsWorld) -> None:
    client = verified_client(stats_world.supervisor)
    suppressed: list[str] = []
    for name in DASHBOARDS:
        response = client.get(reverse(name))
        assert response.status_code == 200
        found = _assert_page_is_safe(response.content.decode())
        suppressed += found["suppressed"]
    # The data really has small cells, and both kinds of suppression happened.
    assert suppressed.count("primary") >= 10
    assert "secondary" in suppressed


@pytest.mark.django_db
def test_large_cells_are_shown_exactly(stats_world: StatsWorld) -> None:
    html = verified_client(stats_world.supervisor).get(reverse("stats:reports_cases")).content.decode()
    # Cases opened in 2025-Q1: 31 Vietnamese and 5 from Myanmar. The 5 is withheld; so that it cannot be
    # worked out from the column total (36), the Vietnamese 31 is withheld as well.
    assert re.search(r'<th scope="row">MM</th><td class="count" data-suppressed="primary">', html)
    assert re.search(r'<th scope="row">VN</th><td class="count" data-suppressed="secondary">', html)
    assert 'data-count="36"' in html and 'data-count="53"' in html  # the quarter's and overall totals
    assert 'data-count="31"' not in html
    indicators = verified_client(stats_world.supervisor).get(reverse("stats:indicators")).content.decode()
    assert re.search(
        r'<th scope="row">Debt bondage</th><td class="count" data-count="14">14</td>', indicators
    )
    assert re.search(
        r'<th scope="row">Deception</th><td class="count" data-suppressed="primary">', indicators
    )
    referrals = verified_client(stats_world.supervisor).get(reverse("stats:referrals")).content.decode()
    assert re.search(r'<th scope="row">Accepted</th><td class="count" data-count="14">14</td>', referrals)
    # Accepted within a day: 12; after 8-30 days: 2 (withheld), so the 12 is withheld too; the total shows.
    assert re.search(
        r'<th scope="row">Within a day</th><td class="count" data-suppressed="secondary">', referrals
    )


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def _count_columns(kind: str, header: list[str]) -> set[str]:
    extra = {c for c in header if c.startswith("attendance_")} if kind == "events" else set()
    return COUNT_COLUMNS[kind] | extra


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(exports.KINDS))
def test_every_export_hides_small_cells(stats_world: StatsWorld, kind: str) -> None:
    client = verified_client(stats_world.supervisor)
    url = reverse("stats:export_download")
    for fmt in ("csv", "xlsx"):
        for hxl in ("", "1"):
            response = client.get(url, {"kind": kind, "format": fmt, "hxl": hxl})
            assert response.status_code == 200
            if fmt == "csv":
                text = response.content.decode("utf-8")
                reader = list(csv.reader(io.StringIO(text)))
            else:
                sheet = load_workbook(io.BytesIO(response.content)).active
                reader = [
                    ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
                ]
            header, body = reader[0], reader[1:]
            if hxl:
                assert body[0][0].startswith("#")
                body = body[1:]
            assert body, f"{kind} export is empty"
            columns = [header.index(c) for c in _count_columns(kind, header)]
            for row in body:
                for index in columns:
                    assert _safe(row[index]), (kind, fmt, header[index], row[index])


@pytest.mark.django_db
def test_ctdc_release_exact_values_and_secondary_suppression(stats_world: StatsWorld) -> None:
    release = exports.build(user=stats_world.supervisor, kind="ctdc")
    rows = {tuple(r[:3]): [c.display for c in r[3:]] for r in release.rows}
    # 24 women and 7 men from VN in forced labour (2025): the 7 is withheld, and so the row total could
    # not reveal it, the smallest other non-zero cell (24) is withheld too.
    assert rows[(2025, "VN", "ForcedLabour")] == ["×", "<11", "0"]
    assert rows[(2025, "TH", "ForcedLabour")] == ["0", "13", "0"]
    assert rows[(2025, "LK", "NotRecorded")] == ["0", "0", "<11"]


@pytest.mark.django_db
def test_programme_export_escapes_formula_injection(stats_world: StatsWorld) -> None:
    data, rows = exports.release_export(user=stats_world.supervisor, kind="events", fmt="csv", hxl=True)
    parsed = _csv_rows(data)
    assert rows == 2
    assert parsed[0]["id"] == "#activity+code"  # the HXL hashtag row
    assert parsed[1]["place"] == "Hà Nội"
    assert exports.build(user=stats_world.supervisor, kind="events").rows[0][2] == stats_world.ngo.name
    titles = [line for line in data.decode().splitlines() if "HYPERLINK" in line]
    assert titles == []  # the title is not exported; the organisation and place are, escaped when needed
    assert parsed[1]["attendance_total"] == "70"
    assert parsed[1]["attendance_F_0-17"] == "40"
    assert parsed[1]["attendance_M_0-17"] == "<11"


@pytest.mark.django_db
def test_dp_release_page_hides_small_noisy_cells(stats_world: StatsWorld) -> None:
    client = verified_client(stats_world.supervisor)
    response = client.post(
        reverse("stats:dp_releases"), {"query": "cases_by_year_citizenship", "epsilon": "1.0"}
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    _assert_page_is_safe(html)
    assert "identical numbers" in html
