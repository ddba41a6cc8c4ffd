"""`tiaki stats_release`: the same protected releases from the command line, refused without STATS_EXPORT."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from .conftest import StatsWorld


@pytest.mark.django_db
def test_ctdc_release_to_csv_with_hxl(stats_world: StatsWorld, tmp_path: Path) -> None:
    out = tmp_path / "ctdc.csv"
    call_command("stats_release", kind="ctdc", out=out, user="supervisor", hxl=True)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "year,citizenship,type_of_exploitation,female,male,other_or_unknown"
    assert lines[1].startswith("#date+year,#country+code+citizenship,")
    assert "2025,VN,ForcedLabour,×,<11,0" in lines
    assert oct(out.stat().st_mode & 0o777) == "0o600"


@pytest.mark.django_db
def test_programme_release_to_xlsx(stats_world: StatsWorld, tmp_path: Path) -> None:
    out = tmp_path / "campaigns.xlsx"
    call_command("stats_release", kind="campaigns", out=out, user="supervisor")
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert [(r[1], r[7]) for r in rows[1:]] == [("Radio spots", 5000), ("Posters", "<11")]


@pytest.mark.django_db
def test_dp_release_to_json(stats_world: StatsWorld, tmp_path: Path) -> None:
    out = tmp_path / "dp.json"
    call_command(
        "stats_release", kind="dp", out=out, user="supervisor", query="reports_by_country", epsilon=0.5
    )
    document = json.loads(out.read_text())
    assert (document["mechanism"], document["epsilon"], document["scale"]) == ("discrete_laplace", 0.5, 2.0)
    assert round(document["accuracy_95"], 2) == 6.43
    assert [c["key"] for c in document["cells"]] == ["ID", "MM", "TH", "VN"]
    assert "seed" not in document


@pytest.mark.django_db
def test_refused_without_stats_export(stats_world: StatsWorld, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"missing permission: stats\.export"):
        call_command("stats_release", kind="ctdc", out=tmp_path / "x.csv", user="coordinator")
    assert not (tmp_path / "x.csv").exists()
