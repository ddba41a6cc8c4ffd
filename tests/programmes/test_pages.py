"""Programme pages: forms write through services, lists stay in the organisation, the course is public."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tiaki.programmes import content, services
from tiaki.programmes.models import CampaignMetric, OutreachEvent
from tiaki.programmes.models import TestResult as KnowledgeTestResult

from ..conftest import verified_client
from .conftest import Programmes


@pytest.mark.django_db
def test_event_form_records_attendance_counts_without_names(programmes: Programmes) -> None:
    client = verified_client(programmes.coordinator)
    response = client.post(
        reverse("programmes:event_create"),
        {
            "title": "Pre-departure orientation",
            "held_on": "2026-05-02",
            "country": "vn",
            "place": "Nghệ An",
            "audiences": ["migrants", "parents"],
            "languages": ["vi"],
            "att_F_18-29": "14",
            "att_M_18-29": "9",
            "att_X_unknown": "",
        },
    )
    event = OutreachEvent.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "programmes:event_detail", args=[event.pk]
    )
    assert (event.organisation, event.country, event.audiences, event.attendance) == (
        programmes.ngo,
        "VN",
        ["migrants", "parents"],
        {"F|18-29": 14, "M|18-29": 9},
    )
    page = client.get(response["Location"]).content.decode()
    assert "Attendance by gender and age band" in page and "<dd>23</dd>" in page


@pytest.mark.django_db
def test_lists_show_only_the_organisations_own_programmes(programmes: Programmes) -> None:
    for organisation, title in ((programmes.ngo, "Ours"), (programmes.other, "Theirs")):
        services.outreach_event_create(
            actor=None,
            organisation=organisation,
            title=title,
            held_on=dt.date(2026, 1, 1),
            country="VN",
            place="x",
            audiences=[],
            languages=[],
            attendance={},
        )
    page = verified_client(programmes.coordinator).get(reverse("programmes:event_list")).content.decode()
    assert "Ours" in page and "Theirs" not in page


@pytest.mark.django_db
def test_metrics_upload_shows_every_bad_line_and_imports_nothing(programmes: Programmes) -> None:
    campaign = services.campaign_create(
        actor=programmes.coordinator,
        organisation=programmes.ngo,
        title="Radio",
        channel="radio",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 1, 31),
        languages=["vi"],
    )
    client = verified_client(programmes.coordinator)
    url = reverse("programmes:campaign_metrics_import", args=[campaign.pk])
    bad = SimpleUploadedFile(
        "m.csv", b"date,metric,value\n2026-01-02,listeners,500\n2026-01-03,listeners,many\n"
    )
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert "Line 3: “many” is not a whole number of zero or more." in response.content.decode()
    assert CampaignMetric.objects.count() == 0
    good = SimpleUploadedFile("m.csv", b"date,metric,value\n2026-01-02,listeners,500\n")
    assert client.post(url, {"file": good}).status_code == 302
    assert list(CampaignMetric.objects.values_list("metric", "value")) == [("listeners", 500)]


@pytest.mark.django_db
def test_knowledge_test_page_scores_in_the_sessions_language(programmes: Programmes) -> None:
    course = services.course_create(
        actor=programmes.coordinator, organisation=programmes.ngo, title="Frontline"
    )
    session = services.session_create(
        actor=programmes.coordinator,
        course=course,
        starts_on=dt.date(2026, 2, 1),
        ends_on=dt.date(2026, 2, 1),
        language="vi",
    )
    participant = services.participant_enrol(
        actor=programmes.coordinator, session=session, name="Lan", gender="F"
    )
    client = verified_client(programmes.coordinator)
    url = reverse("programmes:knowledge_test", args=[participant.pk])
    page = client.get(url).content.decode()
    assert content.knowledge_test().questions[0].text["vi"].replace('"', "&quot;") in page
    answers = {
        "kind": "pre",
        "q_documents": "1",
        "q_debt": "0",
        "q_safe_talk": "0",
        "q_child": "0",
        "q_danger": "0",
    }
    assert client.post(url, answers).status_code == 302
    assert KnowledgeTestResult.objects.get().correct == 3


@pytest.mark.django_db
@pytest.mark.parametrize("language", content.LANGUAGES)
def test_the_frontline_course_is_public_in_every_language(language: str) -> None:
    with translation.override(language):
        url = reverse("programmes:lessons")
    response = Client().get(url)
    assert response.status_code == 200
    page = response.content.decode()
    course = content.course(language)
    assert course.title in page
    assert all(lesson.title in page for lesson in course.lessons)
    assert ('name="viewport"' in page) and (f'lang="{language}"' in page)
    assert ('<p class="notice"' in page) == (language != "en")  # the draft notice


@pytest.mark.django_db
@pytest.mark.parametrize("events", [2, 20])
def test_event_list_query_count_does_not_grow_with_the_page(
    programmes: Programmes, events: int, django_assert_num_queries: object
) -> None:
    for number in range(events):
        services.outreach_event_create(
            actor=None,
            organisation=programmes.ngo,
            title=f"Event {number}",
            held_on=dt.date(2026, 1, 1),
            country="VN",
            place="x",
            audiences=[],
            languages=[],
            attendance={},
        )
    client = verified_client(programmes.coordinator)
    client.get(reverse("programmes:event_list"))  # warm the session
    with django_assert_num_queries(QUERIES_PER_LIST_PAGE):  # type: ignore[operator]
        assert client.get(reverse("programmes:event_list")).status_code == 200


# session, user, second-factor device, memberships, count, page, then the session save (savepoint,
# update, release): none per event
QUERIES_PER_LIST_PAGE = 9
