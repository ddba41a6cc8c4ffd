"""HTCDS v2.0 export of survivor cases: de-identified by default, identified only where the caller may see."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import transaction

from tiaki.accounts.permissions import Permission
from tiaki.cases.access import case_access
from tiaki.cases.models import Case, ReferralStatus
from tiaki.governance import audit, policy

# Standard HTCDS field names; the first column is Tiaki's own key (HTCDS allows custom fields).
DEIDENTIFIED_COLUMNS = [
    "tiaki_CaseReference",
    "prs_Gender",
    "prs_Citizenship",
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg",
    "vic_TypeOfExploitation",
    "vic_MethodsOfControl",
    "vic_LocationOfRecruitment",
    "vic_LocationOfExploitation",
    "cas_Status",
    "cas_ReferredOrganisation",
    "cas_OutgoingReferralDate",
]
IDENTITY_COLUMNS = {
    "prs_FirstName": "first_name",
    "prs_SecondName": "second_name",
    "prs_Birthdate": "birthdate",
    "prs_MobilePhone": "mobile_phone",
}
MULTI_VALUE_SEPARATOR = ";"  # how multi-select picklists travel in one cell (as in Salesforce exports)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def exportable_cases(*, user: Any) -> Any:
    """Cases owned by the organisations where the user may export statistics and case data."""
    organisations = policy.require(user, Permission.STATS_EXPORT)
    cases = policy.scoped(user, Permission.STATS_EXPORT, Case.objects.all()).filter(
        organisation__in=organisations
    )
    return cases.select_related("trafficking_status_decided_by").prefetch_related(
        "referrals__to_organisation"
    )


def rows(*, user: Any, identified: bool = False) -> Iterator[dict[str, str]]:
    for case in exportable_cases(user=user).order_by("pk").iterator(chunk_size=500):
        accepted = [r for r in case.referrals.all() if r.status == ReferralStatus.ACCEPTED]
        latest = max(accepted, key=lambda r: r.sent_at) if accepted else None
        row = {
            "tiaki_CaseReference": case.reference,
            "prs_Gender": case.gender,
            "prs_Citizenship": case.citizenship,
            "vic_TraffickingStatus": case.trafficking_status,
            "vic_TraffickingStatusDecisionMakingOrg": case.trafficking_status_decision_making_org,
            "vic_TypeOfExploitation": MULTI_VALUE_SEPARATOR.join(case.type_of_exploitation),
            "vic_MethodsOfControl": MULTI_VALUE_SEPARATOR.join(case.methods_of_control),
            "vic_LocationOfRecruitment": case.location_of_recruitment,
            "vic_LocationOfExploitation": case.location_of_exploitation,
            "cas_Status": case.status,
            "cas_ReferredOrganisation": latest.to_organisation.name if latest else "",
            "cas_OutgoingReferralDate": latest.sent_at.date().isoformat() if latest else "",
        }
        if identified:
            identity = case.identity if case_access(user, case).identity else {}
            if identity:
                with transaction.atomic():
                    audit.record(
                        actor=user,
                        action="case.identity.export",
                        target=case,
                        organisation=case.organisation_id,
                    )
            row.update({column: str(identity.get(key, "")) for column, key in IDENTITY_COLUMNS.items()})
        yield row


def safe_cell(value: str) -> str:
    """Neutralise spreadsheet formula injection: a cell must never start a formula."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def write(*, user: Any, out: Path, identified: bool = False) -> int:
    """Write the export to `out` (.csv or .xlsx) atomically: a failure leaves no partial file."""
    columns = DEIDENTIFIED_COLUMNS + (list(IDENTITY_COLUMNS) if identified else [])
    fd, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    os.close(fd)
    count = 0
    try:
        if out.suffix.lower() == ".xlsx":
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet("htcds_cases")
            sheet.append(columns)
            for row in rows(user=user, identified=identified):
                sheet.append([safe_cell(row[c]) for c in columns])
                count += 1
            book.save(temporary)
        else:
            with open(temporary, "w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns)
                writer.writeheader()
                for row in rows(user=user, identified=identified):
                    writer.writerow({c: safe_cell(row[c]) for c in columns})
                    count += 1
        os.chmod(temporary, 0o600)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    with transaction.atomic():
        audit.record(
            actor=user,
            action="export.htcds",
            object_type="cases.case",
            details={"rows": count, "identified": identified, "format": out.suffix.lower().lstrip(".")},
        )
    return count
