"""Load the world's programmes.jsonl (outreach events, campaigns, trainings) through the services."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from tiaki.accounts.models import Organisation
from tiaki.programmes import services
from tiaki.programmes.content import LANGUAGES
from tiaki.programmes.models import (
    AgeBand,
    AttendeeGender,
    Campaign,
    Course,
    OutreachEvent,
    Session,
    attendance_key,
)

# The world records totals only: attendance goes to "not stated / age not recorded", channel to "other".
UNRECORDED = attendance_key(AttendeeGender.OTHER, AgeBand.UNKNOWN)


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def load(world_dir: Path, organisations: dict[str, Organisation]) -> int:
    """Load every programme of the world once (re-running skips what is already loaded). Returns how many."""
    path = Path(world_dir) / "programmes.jsonl"
    if not path.exists():
        return 0
    loaded = 0
    courses: dict[tuple[int, str], Course] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                loaded += _load_one(json.loads(line), organisations, courses)
    return loaded


def _load_one(
    item: dict[str, Any], organisations: dict[str, Organisation], courses: dict[tuple[int, str], Course]
) -> int:
    organisation = organisations.get(item["org_id"])
    if organisation is None:
        return 0
    source_id = str(item["id"])
    languages = [lang for lang in item.get("languages") or [item.get("lang", "en")] if lang in LANGUAGES]
    if item["kind"] == "outreach_event":
        if OutreachEvent.objects.filter(organisation=organisation, source_id=source_id).exists():
            return 0
        services.outreach_event_create(
            actor=None,
            organisation=organisation,
            title=item["title"],
            held_on=_day(item["starts_on"]),
            ends_on=_day(item["ends_on"]) if item["ends_on"] != item["starts_on"] else None,
            country=item["country"],
            place=item.get("city", ""),
            audiences=[],
            languages=languages,
            attendance={UNRECORDED: int(item["participants"])},
            source_id=source_id,
        )
    elif item["kind"] == "campaign":
        if Campaign.objects.filter(organisation=organisation, source_id=source_id).exists():
            return 0
        services.campaign_create(
            actor=None,
            organisation=organisation,
            title=item["title"],
            channel="other",
            starts_on=_day(item["starts_on"]),
            ends_on=_day(item["ends_on"]),
            country=item["country"],
            languages=languages,
            reported_reach=int(item["participants"]),
            source_id=source_id,
        )
    elif item["kind"] == "training":
        if Session.objects.filter(course__organisation=organisation, source_id=source_id).exists():
            return 0
        key = (organisation.pk, item["title"])
        course = (
            courses.get(key) or Course.objects.filter(organisation=organisation, title=item["title"]).first()
        )
        if course is None:
            course = services.course_create(actor=None, organisation=organisation, title=item["title"])
        courses[key] = course
        services.session_create(
            actor=None,
            course=course,
            starts_on=_day(item["starts_on"]),
            ends_on=_day(item["ends_on"]),
            country=item["country"],
            place=item.get("city", ""),
            language=languages[0] if languages else "en",
            reported_participants=int(item["participants"]),
            reported_pre_mean=item.get("pre_test_mean"),
            reported_post_mean=item.get("post_test_mean"),
            source_id=source_id,
        )
    else:
        return 0
    return 1
