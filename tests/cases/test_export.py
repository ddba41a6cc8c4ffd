"""`tiaki export htcds`: checked against the HTCDS field standard, de-identified unless asked, safe cells."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tiaki.cases.models import Case
from tiaki.governance.models import AuditEvent

from ..htcds_reference import fields
from .conftest import Partnership

pytestmark = pytest.mark.django_db


@pytest.fixture
def ngo_cases(partnership: Partnership, open_case: Callable[..., Case]) -> list[Case]:
    first = open_case(
        actor=partnership.supervisor,
        organisation=partnership.ngo,
        identity={"first_name": '=HYPERLINK("http://evil")', "second_name": "Lê"},
        type_of_exploitation=["ForcedLabour", "SexualExploitation"],
        methods_of_control=["DebtBondage", "WithholdsDocuments"],
    )
    second = open_case(
        actor=partnership.caseworker,
        organisation=partnership.ngo,
        gender="Masculine",
        citizenship="MM",
        trafficking_status="ActualVictimOfTrafficking",
    )
    open_case()  # another organisation's case never appears
    return [first, second]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_uses_only_standard_fields_and_values(
    partnership: Partnership, ngo_cases: list[Case], tmp_path: Path
) -> None:
    out = tmp_path / "htcds.csv"
    call_command("export", "htcds", out=out, user="supervisor", stdout=open("/dev/null", "w"))
    exported = _read(out)
    assert [r["tiaki_CaseReference"] for r in exported] == [c.reference for c in ngo_cases]
    standard = fields()
    for column in exported[0]:
        if column.startswith("tiaki_"):
            continue
        assert column in standard, f"{column} is not an HTCDS field"
        allowed = standard[column].values
        guidance = " ".join(allowed) if any(" " in v for v in allowed) else ""  # prose, not a value list
        for row in exported:
            for value in filter(None, row[column].split(";")):
                if "ISO 3166" in guidance:
                    assert re.fullmatch(r"[A-Z]{2}", value), f"{column}={value!r} is not an ISO 3166 code"
                else:
                    assert not allowed or value in allowed, f"{column}={value!r} is not an HTCDS value"
    assert exported[0]["vic_TypeOfExploitation"] == "ForcedLabour;SexualExploitation"
    assert exported[1]["prs_Citizenship"] == "MM"
    assert "prs_FirstName" not in exported[0]  # de-identified by default
    assert out.stat().st_mode & 0o777 == 0o600


def test_identified_export_is_audited_and_neutralises_formulas(
    partnership: Partnership, ngo_cases: list[Case], tmp_path: Path
) -> None:
    out = tmp_path / "htcds.xlsx"
    call_command(
        "export", "htcds", out=out, user="supervisor", identified=True, stdout=open("/dev/null", "w")
    )
    sheet = load_workbook(out).active
    header, first, second = ([c.value for c in row] for row in sheet.iter_rows())
    row = dict(zip(header, first, strict=True))
    assert row["prs_FirstName"] == '\'=HYPERLINK("http://evil")'
    assert (
        dict(zip(header, second, strict=True))["prs_FirstName"] == "Thảo"
    )  # a supervisor sees the team's cases
    assert AuditEvent.objects.filter(action="case.identity.export").count() == 2
    assert AuditEvent.objects.get(action="export.htcds").details == {
        "rows": 2,
        "identified": True,
        "format": "xlsx",
    }


def test_only_roles_that_may_export_can(
    partnership: Partnership, ngo_cases: list[Case], tmp_path: Path
) -> None:
    out = tmp_path / "nope.csv"
    with pytest.raises(CommandError, match=r"may not export: missing permission: stats\.export"):
        call_command("export", "htcds", out=out, user="caseworker")
    assert list(tmp_path.iterdir()) == []  # nothing partial left behind
