"""A partnership with statistics full of small cells: the data every disclosure test scans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Role
from tiaki.cases import services as case_services
from tiaki.cases.models import ReturnStepKind
from tiaki.governance.services import sharing_agreement_set
from tiaki.intake.models import Channel, Report
from tiaki.programmes import services as programme_services
from tiaki.screening.models import ReportScreening

UTC = dt.UTC


@dataclass
class StatsWorld:
    ngo: Organisation
    partner: Organisation
    supervisor: User  # CASE_SUPERVISOR in the NGO: STATS_VIEW and STATS_EXPORT
    coordinator: User  # programme coordinator in the NGO: STATS_VIEW only
    partner_worker: User


# (citizenship, opened, gender, types, methods, how many)
CASES = [
    (
        "VN",
        dt.datetime(2025, 2, 1, tzinfo=UTC),
        "Feminine",
        ["ForcedLabour"],
        ["DebtBondage", "FalsePromises"],
        24,
    ),
    ("VN", dt.datetime(2025, 2, 3, tzinfo=UTC), "Masculine", ["ForcedLabour"], ["WithholdsDocuments"], 7),
    ("MM", dt.datetime(2025, 2, 5, tzinfo=UTC), "Feminine", ["SexualExploitation"], ["PhysicalThreats"], 5),
    ("TH", dt.datetime(2025, 5, 2, tzinfo=UTC), "Masculine", ["ForcedLabour"], ["DebtBondage"], 13),
    ("ID", dt.datetime(2025, 5, 9, tzinfo=UTC), "Feminine", ["Servitude"], ["TakesEarnings"], 3),
    ("LK", dt.datetime(2025, 8, 9, tzinfo=UTC), "NonSpecifiedUnknown", [], [], 1),
]
REPORTS = [
    ("VN", dt.datetime(2025, 1, 10, tzinfo=UTC), 25),
    ("TH", dt.datetime(2025, 2, 10, tzinfo=UTC), 4),
    ("MM", dt.datetime(2025, 4, 10, tzinfo=UTC), 15),
    ("ID", dt.datetime(2025, 5, 10, tzinfo=UTC), 2),
]


@pytest.fixture
def stats_world(make_organisation: Callable[..., Organisation], make_user: Callable[..., User]) -> StatsWorld:
    ngo = make_organisation("Hanoi survivor support", org_type="ngo", country="VN")
    partner = make_organisation("Bangkok shelter NGO", org_type="ngo", country="TH")
    supervisor = make_user(ngo, Role.CASE_SUPERVISOR, "supervisor")
    coordinator = make_user(ngo, Role.PROGRAMME_COORDINATOR, "coordinator")
    partner_worker = make_user(partner, Role.CASE_SUPERVISOR, "partner_worker")
    sharing_agreement_set(
        actor=None, provider=ngo, recipient=partner, referrals=True, valid_from=dt.date(2020, 1, 1)
    )
    cases = []
    for citizenship, opened, gender, types, methods, n in CASES:
        for _ in range(n):
            cases.append(
                case_services.case_open(
                    actor=supervisor,
                    organisation=ngo,
                    identity={"first_name": "Survivor"},
                    gender=gender,
                    citizenship=citizenship,
                    trafficking_status="ActualVictimOfTrafficking",
                    type_of_exploitation=types,
                    methods_of_control=methods,
                    opened_at=opened,
                )
            )
    for country, received, n in REPORTS:
        for _ in range(n):
            Report.objects.create(
                organisation=ngo,
                channel=Channel.INTERVIEW,
                narrative="x",
                country=country,
                received_at=received,
            )
    # Screening found debt bondage in 14 reports (deception too in 3 of them) and isolation in 2.
    for index, report in enumerate(Report.objects.order_by("pk")[:16]):
        codes = (
            ["debt_bondage", "deception"] if index < 3 else ["debt_bondage"] if index < 14 else ["isolation"]
        )
        ReportScreening.objects.create(report=report, ruleset_version="test", codes=codes)
    # 14 referrals accepted (12 within a day, 2 after about ten days), 3 declined, 2 left pending.
    for index, case in enumerate(cases[:19]):
        referral = case_services.referral_send(
            actor=supervisor,
            case=case,
            to_organisation=partner,
            reason="AdditionalServicesRequired",
            shared_parts=["needs"],
        )
        if index < 17:
            case_services.referral_respond(actor=partner_worker, referral=referral, accept=index < 14)
            if index in (12, 13):
                referral.responded_at = referral.sent_at + dt.timedelta(days=10)
                referral.save(update_fields=["responded_at"])
    # Safe returns: 12 to VN (reception done for all), 2 to MM.
    for index, case in enumerate(cases[:14]):
        case_services.consent_record(actor=supervisor, case=case, purpose="safe_return")
        plan = case_services.return_plan_create(
            actor=supervisor,
            case=case,
            from_country="TH",
            to_country="VN" if index < 12 else "MM",
            receiving_organisation=ngo,
            start=dt.date(2025, 3, 1),
        )
        if index < 12:
            step = plan.steps.get(kind=ReturnStepKind.RECEPTION)
            case_services.return_step_complete(actor=supervisor, step=step, done_on=dt.date(2025, 4, 1))
            for follow_up in case.follow_ups.filter(months_after=1)[: 1 if index < 11 else 0]:
                case_services.follow_up_complete(
                    actor=supervisor, follow_up=follow_up, done_on=dt.date(2025, 5, 1)
                )
    # Programmes with small numbers everywhere.
    programme_services.outreach_event_create(
        actor=coordinator,
        organisation=ngo,
        title='=HYPERLINK("http://evil")',
        held_on=dt.date(2025, 3, 3),
        country="VN",
        place="Hà Nội",
        audiences=["youth", "parents"],
        languages=["vi"],
        attendance={"F|0-17": 40, "M|0-17": 3, "F|18-29": 25, "X|unknown": 2},
    )
    programme_services.outreach_event_create(
        actor=coordinator,
        organisation=ngo,
        title="Village meeting",
        held_on=dt.date(2025, 4, 3),
        country="LK",
        place="Colombo",
        audiences=["community_leaders"],
        languages=["si", "ta"],
        attendance={"M|45+": 6},
    )
    programme_services.campaign_create(
        actor=coordinator,
        organisation=ngo,
        title="Radio spots",
        channel="radio",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 3, 31),
        languages=["vi"],
        reported_reach=5000,
    )
    programme_services.campaign_create(
        actor=coordinator,
        organisation=ngo,
        title="Posters",
        channel="posters",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 3, 31),
        languages=["vi"],
        reported_reach=4,
    )
    course = programme_services.course_create(
        actor=coordinator, organisation=ngo, title="Victim identification"
    )
    programme_services.session_create(
        actor=coordinator,
        course=course,
        starts_on=dt.date(2025, 6, 1),
        ends_on=dt.date(2025, 6, 2),
        reported_participants=30,
        reported_pre_mean=50.0,
        reported_post_mean=70.0,
    )
    small = programme_services.course_create(actor=coordinator, organisation=ngo, title="Interviewing")
    session = programme_services.session_create(
        actor=coordinator, course=small, starts_on=dt.date(2025, 7, 1), ends_on=dt.date(2025, 7, 1)
    )
    for name in ("Anh", "Binh", "Chau"):
        participant = programme_services.participant_enrol(
            actor=coordinator, session=session, name=name, gender="F"
        )
        programme_services.knowledge_test_record(
            actor=coordinator, participant=participant, kind="pre", answers={}
        )
        programme_services.knowledge_test_record(
            actor=coordinator, participant=participant, kind="post", answers={"documents": 1, "debt": 0}
        )
    return StatsWorld(ngo, partner, supervisor, coordinator, partner_worker)


def find_counts(html: str) -> dict[str, Any]:
    """Every number a page shows in a count position, as the markup declares it."""
    import html as html_module
    import re

    def texts(pattern: str) -> list[str]:
        return [html_module.unescape(v) for v in re.findall(pattern, html)]

    return {
        "data_count": [int(v) for v in re.findall(r'data-count="(\d+)"', html)],
        "count_text": texts(r'class="count"[^>]*>(?:<abbr[^>]*>)?([^<]*)<'),
        "ticks": texts(r'class="tick count-axis"[^>]*>([^<]*)<'),
        "suppressed": re.findall(r'data-suppressed="(\w+)"', html),
    }


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Pages and messages in English: a request in another language leaves that language active."""
    from django.utils import translation

    with translation.override("en"):
        yield
