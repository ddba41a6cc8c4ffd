"""Statistical releases as files: the aggregated CTDC-style release and programme data, CSV or XLSX, with an
optional HXL hashtag row. Every count goes through `disclosure`; every text cell through `safe_cell`."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.permissions import Permission
from tiaki.cases.export import safe_cell
from tiaki.cases.vocab import Gender, TraffickingStatus
from tiaki.governance import audit, policy
from tiaki.programmes.models import AgeBand, AttendeeGender, Campaign, CampaignMetric, OutreachEvent, Session
from tiaki.stats import disclosure
from tiaki.stats.disclosure import Cell
from tiaki.stats.scope import counted_cases, statistics_organisations

GENDER_COLUMNS = {Gender.FEMININE.value: "female", Gender.MASCULINE.value: "male"}
NOT_RECORDED = "NotRecorded"


@dataclass
class Release:
    kind: str
    header: list[str]
    hxl: list[str]
    rows: list[list[Any]] = field(default_factory=list)  # str, int or Cell


def _cell_value(value: Any, *, for_xlsx: bool) -> Any:
    if isinstance(value, Cell):
        if value.suppressed:
            return value.display
        return value.value if for_xlsx else str(value.value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value if for_xlsx else str(value)
    return safe_cell(str(value))


def ctdc(*, user: Any) -> Release:
    """Cases by year × citizenship × exploitation type, one column per gender; k=11 suppression.

    A case with several exploitation types is counted under each. Secondary suppression treats the total of
    each row and of each year × citizenship group as if published, so no withheld cell can be recovered
    from sums a reader could form (here or on the dashboards, which publish such totals).
    """
    organisations = statistics_organisations(user, Permission.STATS_EXPORT)
    cases = counted_cases(organisations).exclude(trafficking_status=TraffickingStatus.NOT)
    counts: Counter[tuple[Hashable, ...]] = Counter()
    for opened_at, citizenship, gender, types in cases.values_list(
        "opened_at", "citizenship", "gender", "type_of_exploitation"
    ):
        column = GENDER_COLUMNS.get(gender, "other_or_unknown")
        for exploitation in types or [NOT_RECORDED]:
            counts[(opened_at.year, citizenship or "??", exploitation, column)] += 1
    genders = ["female", "male", "other_or_unknown"]
    row_keys = sorted({key[:3] for key in counts})
    raw: dict[Any, int] = {}
    lines: list[list[Any]] = []
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for row in row_keys:
        members = [(*row, g) for g in genders]
        for member in members:
            raw[member] = counts.get(member, 0)
        raw[(*row, "total")] = sum(raw[m] for m in members)
        lines.append([*members, (*row, "total")])
        groups.setdefault(row[:2], []).extend(members)
    for group, members in groups.items():
        raw[(*group, "group_total")] = sum(raw[m] for m in members)
        lines.append([*members, (*group, "group_total")])
    protected = disclosure.suppress(raw, lines)
    release = Release(
        "ctdc",
        ["year", "citizenship", "type_of_exploitation", *genders],
        [
            "#date+year",
            "#country+code+citizenship",
            "#indicator+exploitation",
            "#affected+f",
            "#affected+m",
            "#affected+other_unknown",
        ],
    )
    for row in row_keys:
        release.rows.append([row[0], row[1], row[2], *(protected[(*row, g)] for g in genders)])
    return release


def outreach_events(*, user: Any) -> Release:
    organisations = statistics_organisations(user, Permission.STATS_EXPORT)
    groups = [(g, b) for g in AttendeeGender.values for b in AgeBand.values]
    release = Release(
        "events",
        ["id", "date", "organisation", "country", "place", "audiences", "languages", "attendance_total"]
        + [f"attendance_{g}_{b}" for g, b in groups],
        [
            "#activity+code",
            "#date",
            "#org+name",
            "#country+code",
            "#loc+name",
            "#group+audience",
            "#language",
            "#reached+total",
        ]
        + [f"#reached+{g.lower()}+age_{b.replace('-', '_').replace('+', 'plus')}" for g, b in groups],
    )
    events = OutreachEvent.objects.filter(organisation__in=organisations).select_related("organisation")
    for event in events.order_by("held_on", "pk"):
        raw: dict[Any, int] = {(g, b): int(event.attendance.get(f"{g}|{b}", 0)) for g, b in groups}
        raw["total"] = sum(raw.values())
        protected = disclosure.suppress(raw, [[*groups, "total"]])
        release.rows.append(
            [
                event.pk,
                event.held_on.isoformat(),
                event.organisation.name,
                event.country,
                event.place,
                ";".join(event.audiences),
                ";".join(event.languages),
                protected["total"],
            ]
            + [protected[group] for group in groups]
        )
    return release


def campaigns(*, user: Any) -> Release:
    organisations = statistics_organisations(user, Permission.STATS_EXPORT)
    release = Release(
        "campaigns",
        ["id", "title", "channel", "starts_on", "ends_on", "country", "languages", "reach"],
        [
            "#activity+code",
            "#activity+name",
            "#activity+type",
            "#date+start",
            "#date+end",
            "#country+code",
            "#language",
            "#reached+total",
        ],
    )
    selected = Campaign.objects.filter(organisation__in=organisations)
    measured = dict(
        CampaignMetric.objects.filter(campaign__in=selected, metric="reach")
        .order_by()
        .values_list("campaign_id")
        .annotate(total=models.Sum("value"))
    )
    for campaign in selected.order_by("starts_on", "pk"):
        reach = int(measured.get(campaign.pk, campaign.reported_reach or 0))
        release.rows.append(
            [
                campaign.pk,
                campaign.title,
                campaign.channel,
                campaign.starts_on.isoformat(),
                campaign.ends_on.isoformat(),
                campaign.country,
                ";".join(campaign.languages),
                disclosure.protect_count(reach),
            ]
        )
    return release


def training_sessions(*, user: Any) -> Release:
    organisations = statistics_organisations(user, Permission.STATS_EXPORT)
    release = Release(
        "sessions",
        [
            "id",
            "course",
            "starts_on",
            "ends_on",
            "country",
            "language",
            "participants",
            "mean_score_before",
            "mean_score_after",
        ],
        [
            "#activity+code",
            "#activity+name",
            "#date+start",
            "#date+end",
            "#country+code",
            "#language",
            "#reached+total",
            "#indicator+score+before",
            "#indicator+score+after",
        ],
    )
    sessions = (
        Session.objects.filter(course__organisation__in=organisations)
        .select_related("course")
        .annotate(enrolled=models.Count("participants"))
        .order_by("starts_on", "pk")
    )
    for session in sessions:
        size = (
            session.reported_participants if session.reported_participants is not None else session.enrolled
        )
        cell = disclosure.protect_count(size)
        means: list[Any] = ["", ""]
        if cell.suppressed:
            means = [disclosure.PRIMARY_MARK, disclosure.PRIMARY_MARK]
        elif session.reported_pre_mean is not None and session.reported_post_mean is not None:
            means = [float(session.reported_pre_mean), float(session.reported_post_mean)]
        release.rows.append(
            [
                session.pk,
                session.course.title,
                session.starts_on.isoformat(),
                session.ends_on.isoformat(),
                session.country,
                session.language,
                cell,
                *means,
            ]
        )
    return release


KINDS = {
    "ctdc": (
        ctdc,
        _("CTDC-style aggregated release: cases by year, citizenship, exploitation type and gender"),
    ),
    "events": (outreach_events, _("Outreach events with attendance")),
    "campaigns": (campaigns, _("Campaigns with reach")),
    "sessions": (training_sessions, _("Training sessions with participants and mean scores")),
}


def build(*, user: Any, kind: str) -> Release:
    if kind not in KINDS:
        raise ValueError(f"unknown release kind {kind!r}")
    policy.require(user, Permission.STATS_EXPORT)
    return KINDS[kind][0](user=user)


def render(release: Release, *, fmt: str, hxl: bool = False) -> bytes:
    """The release as CSV or XLSX bytes (header, optional HXL hashtag row, data)."""
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(release.kind)
        sheet.append(release.header)
        if hxl:
            sheet.append(release.hxl)
        for row in release.rows:
            sheet.append([_cell_value(v, for_xlsx=True) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(release.header)
    if hxl:
        writer.writerow(release.hxl)
    for row in release.rows:
        writer.writerow([_cell_value(v, for_xlsx=False) for v in row])
    return text.getvalue().encode("utf-8")


def release_export(*, user: Any, kind: str, fmt: str, hxl: bool = False) -> tuple[bytes, int]:
    """Build, render and audit one release; returns the file's bytes and its number of data rows."""
    release = build(user=user, kind=kind)
    data = render(release, fmt=fmt, hxl=hxl)
    with transaction.atomic():
        audit.record(
            actor=user,
            action="stats.release",
            object_type=f"stats.{kind}",
            details={"rows": len(release.rows), "format": fmt, "hxl": hxl},
        )
    return data, len(release.rows)


def write(*, user: Any, kind: str, out: Path, hxl: bool = False) -> int:
    """Write a release to `out` (.xlsx or CSV) atomically; returns the number of data rows."""
    fmt = "xlsx" if out.suffix.lower() == ".xlsx" else "csv"
    data, count = release_export(user=user, kind=kind, fmt=fmt, hxl=hxl)
    fd, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o600)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count
