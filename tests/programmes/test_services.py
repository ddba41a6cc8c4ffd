"""Programme services: metrics import all-or-nothing with line numbers, encryption, tests, certificates."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.db import connection

from tiaki.governance.models import AuditEvent
from tiaki.governance.policy import Denied
from tiaki.programmes import content, demo, selectors, services
from tiaki.programmes.certificates import certificate_pdf
from tiaki.programmes.models import Campaign, CampaignMetric, Course, OutreachEvent, Session

from .conftest import Programmes


def _campaign(programmes: Programmes) -> Campaign:
    return services.campaign_create(
        actor=programmes.coordinator,
        organisation=programmes.ngo,
        title="Your passport belongs to you",
        channel="social_media",
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 31),
        languages=["vi", "en"],
    )


@pytest.mark.django_db
def test_metrics_import_reads_the_documented_format(programmes: Programmes) -> None:
    campaign = _campaign(programmes)
    text = "date,metric,value,platform_note\n2026-03-01,reach,1200,x\n2026-03-01,clicks,40,\n"
    text += "2026-03-02,reach,900,\n"
    assert services.campaign_metrics_import(actor=programmes.coordinator, campaign=campaign, text=text) == 3
    assert selectors.campaign_totals(campaign=campaign) == {"clicks": 40, "reach": 2100}
    # Re-importing an updated export replaces the day's value instead of adding to it.
    services.campaign_metrics_import(
        actor=programmes.coordinator, campaign=campaign, text="date,metric,value\n2026-03-02,reach,1000\n"
    )
    assert selectors.campaign_totals(campaign=campaign) == {"clicks": 40, "reach": 2200}


@pytest.mark.django_db
def test_bad_rows_are_all_reported_with_line_numbers_and_nothing_is_written(programmes: Programmes) -> None:
    campaign = _campaign(programmes)
    text = (
        "date,metric,value\n"
        "2026-03-01,reach,100\n"
        "03/02/2026,reach,100\n"
        "2026-03-03,likes,5\n"
        "2026-03-04,reach,-5\n"
        "2026-04-09,reach,5\n"
        "2026-03-01,reach,7\n"
        "2026-03-05,reach\n"
    )
    events_before = AuditEvent.objects.count()
    with pytest.raises(services.MetricsFileError) as error:
        services.campaign_metrics_import(actor=programmes.coordinator, campaign=campaign, text=text)
    assert error.value.problems == [
        (3, "“03/02/2026” is not a date (YYYY-MM-DD)."),
        (
            4,
            "Unknown metric “likes”; use one of: reach, impressions, engagements, clicks, shares, listeners, "
            "distributed.",
        ),
        (5, "“-5” is not a whole number of zero or more."),
        (6, "2026-04-09 is outside the campaign period."),
        (7, "reach on 2026-03-01 appears twice."),
        (8, "Expected 3 columns, found 2."),
    ]
    assert CampaignMetric.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
def test_a_superscript_is_not_a_whole_number(programmes: Programmes) -> None:
    with pytest.raises(services.MetricsFileError) as error:
        services.campaign_metrics_import(
            actor=programmes.coordinator,
            campaign=_campaign(programmes),
            text="date,metric,value\n2026-03-01,reach,²\n",
        )
    assert error.value.problems == [(2, "“²” is not a whole number of zero or more.")]


@pytest.mark.django_db
def test_missing_columns_are_named(programmes: Programmes) -> None:
    with pytest.raises(services.MetricsFileError) as error:
        services.campaign_metrics_import(
            actor=programmes.coordinator, campaign=_campaign(programmes), text="day,metric,count\n"
        )
    assert error.value.problems == [(1, "Missing column: date, value")]


@pytest.mark.django_db
def test_contact_details_are_encrypted_at_rest(programmes: Programmes) -> None:
    partnership = services.partnership_create(
        actor=programmes.coordinator,
        organisation=programmes.ngo,
        partner_name="Provincial labour office",
        partner_country="VN",
    )
    contact = services.contact_add(
        actor=programmes.coordinator, partnership=partnership, name="Nguyễn Thị Lan", phone="091 234 5678"
    )
    assert contact.phone == "+84912345678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, phone FROM programmes_partnercontact WHERE id = %s", [contact.pk])
        name, phone = cursor.fetchone()
    assert name.startswith("tk1:") and "Lan" not in name
    assert phone.startswith("tk1:") and "912345678" not in phone
    event = AuditEvent.objects.get(action="programme.contact.add")
    assert event.details == {"partnership": partnership.pk}


@pytest.mark.django_db
def test_programme_writes_need_programme_edit_in_the_organisation(programmes: Programmes) -> None:
    with pytest.raises(Denied):
        services.course_create(actor=programmes.caseworker, organisation=programmes.ngo, title="x")
    with pytest.raises(Denied):
        services.course_create(actor=programmes.other_coordinator, organisation=programmes.ngo, title="x")
    assert Course.objects.count() == 0


@pytest.mark.django_db
def test_knowledge_test_scores_and_certificate(programmes: Programmes) -> None:
    course = services.course_create(
        actor=programmes.coordinator,
        organisation=programmes.ngo,
        title="Spot, talk, refer",
        uses_builtin_lessons=True,
    )
    session = services.session_create(
        actor=programmes.coordinator,
        course=course,
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 4, 1),
        language="th",
    )
    participant = services.participant_enrol(
        actor=programmes.coordinator, session=session, name="สมชาย ใจดี", gender="M"
    )
    pre = services.knowledge_test_record(
        actor=programmes.coordinator,
        participant=participant,
        kind="pre",
        answers={"documents": 0, "debt": 0, "safe_talk": 1},
    )
    post = services.knowledge_test_record(
        actor=programmes.coordinator,
        participant=participant,
        kind="post",
        answers={"documents": 1, "debt": 0, "safe_talk": 1, "child": 0, "danger": 1},
    )
    assert (pre.correct, pre.total, pre.percent, post.correct, post.percent) == (2, 5, 40.0, 5, 100.0)
    scores = selectors.session_scores(user=programmes.coordinator, session=session)
    assert [s.gain for s in scores] == [60.0]
    pdf = certificate_pdf(actor=programmes.coordinator, participant=participant)
    assert pdf.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="programme.certificate.issue").count() == 1


def test_course_and_test_data_cover_all_ten_languages() -> None:
    test = content.knowledge_test()
    assert test.version == "2026.1"
    assert [q.id for q in test.questions] == ["documents", "debt", "safe_talk", "child", "danger"]
    for language in content.LANGUAGES:
        course = content.course(language)
        assert course.language == language
        assert [lesson.id for lesson in course.lessons] == ["signs", "talk", "refer"]
        assert course.reviewed == (language == "en")
        assert all(q.text[language] and len(q.options[language]) == 3 for q in test.questions)


@pytest.mark.django_db
def test_demo_loader_loads_the_worlds_programmes_once(tmp_path: Path) -> None:
    from tiaki.world import generate
    from tiaki.world import load as world_load

    generate(people=500, seed=1, out=tmp_path)
    items = [json.loads(line) for line in (tmp_path / "programmes.jsonl").read_text().splitlines()]
    organisations = world_load.organisations(tmp_path)
    assert demo.load(tmp_path, organisations) == len(items)
    kinds = [item["kind"] for item in items]
    assert OutreachEvent.objects.count() == kinds.count("outreach_event")
    assert Campaign.objects.count() == kinds.count("campaign")
    assert Session.objects.count() == kinds.count("training")
    training = next(item for item in items if item["kind"] == "training")
    session = Session.objects.get(source_id=training["id"])
    assert (session.reported_participants, float(session.reported_pre_mean or 0)) == (
        training["participants"],
        training["pre_test_mean"],
    )
    assert demo.load(tmp_path, organisations) == 0
