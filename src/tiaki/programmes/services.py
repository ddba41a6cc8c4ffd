"""Writes for prevention programmes. Each checks PROGRAMME_EDIT in the owning organisation and is audited.

`actor=None` is the system itself (the demo loader); every page and command passes a real user.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Permission
from tiaki.governance import audit, policy
from tiaki.programmes.content import LANGUAGES, knowledge_test
from tiaki.programmes.models import (
    AgeBand,
    AgreementKind,
    AttendeeGender,
    Audience,
    Campaign,
    CampaignChannel,
    CampaignMetric,
    Course,
    JointActivity,
    OutreachEvent,
    Participant,
    PartnerContact,
    Partnership,
    PartnershipAgreement,
    ReachMetric,
    Session,
    TestKind,
    TestResult,
    attendance_key,
)

METRICS_COLUMNS = ("date", "metric", "value")
MAX_METRICS_ROWS = 50_000


def _require(actor: Any, organisation_id: int) -> None:
    if actor is not None:
        policy.require(actor, Permission.PROGRAMME_EDIT, organisation_id)


def _dates(start: dt.date, end: dt.date | None, field: str) -> None:
    if end is not None and end < start:
        raise ValidationError({field: _("The end is before the start.")})


def _choices(values: Iterable[str], allowed: Iterable[str], field: str) -> list[str]:
    values = list(dict.fromkeys(values))
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError({field: _("Unknown value: %s") % ", ".join(sorted(unknown))})
    return values


def partnership_create(
    *,
    actor: Any,
    organisation: Organisation,
    partner_name: str,
    partner_country: str = "",
    purpose: str = "",
    partner_organisation: Organisation | None = None,
) -> Partnership:
    _require(actor, organisation.pk)
    if not partner_name.strip():
        raise ValidationError({"partner_name": _("Name the partner organisation.")})
    with transaction.atomic():
        partnership = Partnership.objects.create(
            organisation=organisation,
            partner_name=partner_name.strip(),
            partner_country=partner_country.upper(),
            purpose=purpose,
            partner_organisation=partner_organisation,
            created_by=actor,
        )
        audit.record(
            actor=actor, action="programme.partnership.create", target=partnership, organisation=organisation
        )
    return partnership


def agreement_add(
    *,
    actor: Any,
    partnership: Partnership,
    kind: str,
    title: str,
    signed_on: dt.date,
    covers: str,
    valid_until: dt.date | None = None,
) -> PartnershipAgreement:
    _require(actor, partnership.organisation_id)
    if kind not in AgreementKind.values:
        raise ValidationError({"kind": _("Unknown kind of agreement.")})
    _dates(signed_on, valid_until, "valid_until")
    with transaction.atomic():
        agreement = PartnershipAgreement.objects.create(
            partnership=partnership,
            kind=kind,
            title=title,
            signed_on=signed_on,
            valid_until=valid_until,
            covers=covers,
        )
        audit.record(
            actor=actor,
            action="programme.agreement.add",
            target=agreement,
            organisation=partnership.organisation_id,
            details={"kind": kind, "partnership": partnership.pk},
        )
    return agreement


def contact_add(
    *, actor: Any, partnership: Partnership, name: str, role_title: str = "", phone: str = "", email: str = ""
) -> PartnerContact:
    _require(actor, partnership.organisation_id)
    if not name.strip():
        raise ValidationError({"name": _("Give the contact's name.")})
    if phone:
        try:
            parsed = phonenumbers.parse(phone, partnership.partner_country or None)
        except phonenumbers.NumberParseException as error:
            raise ValidationError({"phone": _("Not a phone number.")}) from error
        if not phonenumbers.is_valid_number(parsed):
            raise ValidationError({"phone": _("Not a valid phone number.")})
        phone = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    with transaction.atomic():
        contact = PartnerContact.objects.create(
            partnership=partnership,
            name=name.strip(),
            role_title=role_title,
            phone=phone,
            email=email.strip(),
        )
        audit.record(
            actor=actor,
            action="programme.contact.add",
            target=contact,
            organisation=partnership.organisation_id,
            details={"partnership": partnership.pk},
        )
    return contact


def joint_activity_add(
    *, actor: Any, partnership: Partnership, title: str, held_on: dt.date, description: str = ""
) -> JointActivity:
    _require(actor, partnership.organisation_id)
    with transaction.atomic():
        activity = JointActivity.objects.create(
            partnership=partnership, title=title, held_on=held_on, description=description
        )
        audit.record(
            actor=actor,
            action="programme.activity.add",
            target=activity,
            organisation=partnership.organisation_id,
            details={"partnership": partnership.pk},
        )
    return activity


def _clean_attendance(attendance: dict[str, int]) -> dict[str, int]:
    allowed = {attendance_key(g, b) for g in AttendeeGender.values for b in AgeBand.values}
    cleaned: dict[str, int] = {}
    for key, value in attendance.items():
        if key not in allowed:
            raise ValidationError({"attendance": _("Unknown attendance group: %s") % key})
        count = int(value)
        if count < 0:
            raise ValidationError({"attendance": _("Attendance cannot be negative.")})
        if count:
            cleaned[key] = count
    return cleaned


def outreach_event_create(
    *,
    actor: Any,
    organisation: Organisation,
    title: str,
    held_on: dt.date,
    country: str,
    place: str,
    audiences: Iterable[str],
    languages: Iterable[str],
    attendance: dict[str, int],
    materials: str = "",
    follow_up_actions: str = "",
    ends_on: dt.date | None = None,
    source_id: str = "",
) -> OutreachEvent:
    """Record an outreach event. Attendance is counts by gender and age band: no names are taken."""
    _require(actor, organisation.pk)
    _dates(held_on, ends_on, "ends_on")
    with transaction.atomic():
        event = OutreachEvent.objects.create(
            organisation=organisation,
            title=title,
            held_on=held_on,
            ends_on=ends_on,
            country=country.upper(),
            place=place,
            audiences=_choices(audiences, Audience.values, "audiences"),
            languages=_choices(languages, LANGUAGES, "languages"),
            attendance=_clean_attendance(attendance),
            materials=materials,
            follow_up_actions=follow_up_actions,
            source_id=source_id,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="programme.outreach.create",
            target=event,
            organisation=organisation,
            details={"attendance": event.attendance_total},
        )
    return event


def campaign_create(
    *,
    actor: Any,
    organisation: Organisation,
    title: str,
    channel: str,
    starts_on: dt.date,
    ends_on: dt.date,
    languages: Iterable[str],
    country: str = "",
    reported_reach: int | None = None,
    source_id: str = "",
) -> Campaign:
    _require(actor, organisation.pk)
    if channel not in CampaignChannel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    _dates(starts_on, ends_on, "ends_on")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            organisation=organisation,
            title=title,
            channel=channel,
            starts_on=starts_on,
            ends_on=ends_on,
            country=country.upper(),
            languages=_choices(languages, LANGUAGES, "languages"),
            reported_reach=reported_reach,
            source_id=source_id,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="programme.campaign.create",
            target=campaign,
            organisation=organisation,
            details={"channel": channel},
        )
    return campaign


@dataclass(frozen=True)
class MetricRow:
    date: dt.date
    metric: str
    value: int


class MetricsFileError(ValidationError):
    """The metrics CSV had bad rows; `problems` lists (line number, message), and nothing was written."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        super().__init__([_("Line %(line)d: %(problem)s") % {"line": n, "problem": p} for n, p in problems])


def parse_metrics_csv(text: str, *, campaign: Campaign) -> list[MetricRow]:
    """Read `date,metric,value` rows; collect every problem with its line number instead of stopping."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None:
        raise MetricsFileError([(1, _("The file is empty."))])
    columns = [h.strip().lower() for h in header]
    missing = [c for c in METRICS_COLUMNS if c not in columns]
    if missing:
        raise MetricsFileError([(1, _("Missing column: %s") % ", ".join(missing))])
    where = {c: columns.index(c) for c in METRICS_COLUMNS}
    rows: list[MetricRow] = []
    problems: list[tuple[int, str]] = []
    seen: set[tuple[dt.date, str]] = set()
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(rows) + len(problems) >= MAX_METRICS_ROWS:
            problems.append((line, _("Too many rows (at most %d).") % MAX_METRICS_ROWS))
            break
        if len(row) < len(columns):
            problems.append(
                (line, _("Expected %(n)d columns, found %(m)d.") % {"n": len(columns), "m": len(row)})
            )
            continue
        raw_date, metric, raw_value = (row[where[c]].strip() for c in METRICS_COLUMNS)
        try:
            day = dt.date.fromisoformat(raw_date)
        except ValueError:
            problems.append((line, _("“%s” is not a date (YYYY-MM-DD).") % raw_date[:40]))
            continue
        if metric not in ReachMetric.values:
            problems.append(
                (
                    line,
                    _("Unknown metric “%(m)s”; use one of: %(all)s.")
                    % {"m": metric[:40], "all": ", ".join(ReachMetric.values)},
                )
            )
            continue
        if not raw_value.isdecimal():
            problems.append((line, _("“%s” is not a whole number of zero or more.") % raw_value[:40]))
            continue
        if not campaign.starts_on <= day <= campaign.ends_on:
            problems.append((line, _("%s is outside the campaign period.") % day.isoformat()))
            continue
        if (day, metric) in seen:
            problems.append((line, _("%(m)s on %(d)s appears twice.") % {"m": metric, "d": day.isoformat()}))
            continue
        seen.add((day, metric))
        rows.append(MetricRow(day, metric, int(raw_value)))
    if problems:
        raise MetricsFileError(problems)
    return rows


def campaign_metrics_import(*, actor: Any, campaign: Campaign, text: str) -> int:
    """Import a platform's reach export. All rows or none: a bad row leaves the campaign unchanged.

    A row for a date and metric already stored replaces it, so re-importing an updated export is safe.
    """
    _require(actor, campaign.organisation_id)
    rows = parse_metrics_csv(text, campaign=campaign)
    with transaction.atomic():
        for row in rows:
            CampaignMetric.objects.update_or_create(
                campaign=campaign, date=row.date, metric=row.metric, defaults={"value": row.value}
            )
        audit.record(
            actor=actor,
            action="programme.campaign.metrics_import",
            target=campaign,
            organisation=campaign.organisation_id,
            details={"rows": len(rows)},
        )
    return len(rows)


def course_create(
    *,
    actor: Any,
    organisation: Organisation,
    title: str,
    description: str = "",
    uses_builtin_lessons: bool = False,
) -> Course:
    _require(actor, organisation.pk)
    with transaction.atomic():
        course = Course.objects.create(
            organisation=organisation,
            title=title,
            description=description,
            uses_builtin_lessons=uses_builtin_lessons,
            created_by=actor,
        )
        audit.record(actor=actor, action="programme.course.create", target=course, organisation=organisation)
    return course


def session_create(
    *,
    actor: Any,
    course: Course,
    starts_on: dt.date,
    ends_on: dt.date,
    country: str = "",
    place: str = "",
    language: str = "en",
    reported_participants: int | None = None,
    reported_pre_mean: float | None = None,
    reported_post_mean: float | None = None,
    source_id: str = "",
) -> Session:
    _require(actor, course.organisation_id)
    _dates(starts_on, ends_on, "ends_on")
    if language not in LANGUAGES:
        raise ValidationError({"language": _("Unknown language.")})
    with transaction.atomic():
        session = Session.objects.create(
            course=course,
            starts_on=starts_on,
            ends_on=ends_on,
            country=country.upper(),
            place=place,
            language=language,
            reported_participants=reported_participants,
            reported_pre_mean=reported_pre_mean,
            reported_post_mean=reported_post_mean,
            source_id=source_id,
        )
        audit.record(
            actor=actor,
            action="programme.session.create",
            target=session,
            organisation=course.organisation_id,
            details={"course": course.pk},
        )
    return session


def participant_enrol(
    *, actor: Any, session: Session, name: str, gender: str, role_title: str = ""
) -> Participant:
    _require(actor, session.course.organisation_id)
    if not name.strip():
        raise ValidationError({"name": _("Give the participant's name.")})
    if gender not in AttendeeGender.values:
        raise ValidationError({"gender": _("Unknown value.")})
    with transaction.atomic():
        participant = Participant.objects.create(
            session=session, name=name.strip(), gender=gender, role_title=role_title
        )
        audit.record(
            actor=actor,
            action="programme.participant.enrol",
            target=participant,
            organisation=session.course.organisation_id,
            details={"session": session.pk},
        )
    return participant


def knowledge_test_record(
    *, actor: Any, participant: Participant, kind: str, answers: dict[str, int]
) -> TestResult:
    """Score a pre- or post-course test against the current knowledge test; one of each per participant."""
    _require(actor, participant.session.course.organisation_id)
    if kind not in TestKind.values:
        raise ValidationError({"kind": _("Unknown test.")})
    test = knowledge_test()
    ids = {q.id for q in test.questions}
    if set(answers) - ids:
        raise ValidationError({"answers": _("Unknown question.")})
    if TestResult.objects.filter(participant=participant, kind=kind).exists():
        raise ValidationError({"kind": _("This test is already recorded for this participant.")})
    with transaction.atomic():
        result = TestResult.objects.create(
            participant=participant,
            kind=kind,
            test_version=test.version,
            answers={k: int(v) for k, v in answers.items()},
            correct=test.score(answers),
            total=len(test.questions),
        )
        audit.record(
            actor=actor,
            action="programme.test.record",
            target=result,
            organisation=participant.session.course.organisation_id,
            details={"kind": kind, "participant": participant.pk},
        )
    return result
