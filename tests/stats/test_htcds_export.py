"""The HTCDS export (tiaki.cases.export) checked against the IOM field standard: names, types, values."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest

from tiaki.cases import export

from ..htcds_reference import fields
from .conftest import StatsWorld


@pytest.mark.django_db
def test_htcds_export_matches_the_field_standard(stats_world: StatsWorld, tmp_path: Path) -> None:
    out = tmp_path / "htcds.csv"
    count = export.write(user=stats_world.supervisor, out=out)
    assert count == 53
    with out.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    standard = fields()
    standard_columns = [c for c in header if not c.startswith("tiaki_")]
    assert [c for c in standard_columns if c not in standard] == []
    checked = 0
    for column in standard_columns:
        field = standard[column]
        multi = field.field_type == "Multiselect Picklist"
        iso_countries = len(field.values) == 1 and field.values[0].startswith("Use ISO 3166")
        for row in rows:
            value = row[column]
            if not value:
                continue
            values = value.split(export.MULTI_VALUE_SEPARATOR) if multi else [value]
            if iso_countries:
                assert all(re.fullmatch(r"[A-Z]{2}", v) for v in values), (column, value)
            elif field.field_type in {"Picklist", "Multiselect Picklist"}:
                assert set(values) <= set(field.values), (column, value)
            elif field.field_type == "Date":
                assert dt.date.fromisoformat(value), (column, value)
            else:
                assert field.field_type in {"Text", "Lookup [to organisation]"}, (column, field.field_type)
            checked += 1
    assert checked > 200
    assert {standard[c].field_type for c in standard_columns} == {
        "Picklist",
        "Multiselect Picklist",
        "Lookup [to organisation]",
        "Date",
    }
    assert rows[0]["vic_TraffickingStatus"] == "ActualVictimOfTrafficking"
