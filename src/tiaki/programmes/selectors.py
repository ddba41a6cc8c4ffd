"""Reads of programme records through the policy layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models

from tiaki.accounts.permissions import Permission
from tiaki.governance import policy
from tiaki.programmes.models import (
    Campaign,
    Course,
    OutreachEvent,
    Participant,
    Partnership,
    Session,
    TestKind,
    TestResult,
)

VIEW = Permission.PROGRAMME_VIEW


def partnership_list(*, user: Any) -> models.QuerySet[Partnership]:
    return (
        policy.scoped(user, VIEW, Partnership.objects.all())
        .annotate(agreement_count=models.Count("agreements", distinct=True))
        .order_by("partner_name", "pk")
    )


def partnership_get(*, user: Any, partnership_id: int, permission: Permission = VIEW) -> Partnership:
    return policy.scoped(user, permission, Partnership.objects.all()).get(pk=partnership_id)


def outreach_event_list(*, user: Any) -> models.QuerySet[OutreachEvent]:
    return policy.scoped(user, VIEW, OutreachEvent.objects.select_related("organisation"))


def outreach_event_get(*, user: Any, event_id: int) -> OutreachEvent:
    return outreach_event_list(user=user).get(pk=event_id)


def campaign_list(*, user: Any) -> models.QuerySet[Campaign]:
    return policy.scoped(user, VIEW, Campaign.objects.select_related("organisation"))


def campaign_get(*, user: Any, campaign_id: int, permission: Permission = VIEW) -> Campaign:
    return policy.scoped(user, permission, Campaign.objects.all()).get(pk=campaign_id)


def campaign_totals(*, campaign: Campaign) -> dict[str, int]:
    """Sum of each imported metric over the campaign (the campaign was already read through the policy)."""
    rows = campaign.metrics.order_by().values_list("metric").annotate(total=models.Sum("value"))
    return {metric: int(total) for metric, total in rows}


def course_list(*, user: Any) -> models.QuerySet[Course]:
    return (
        policy.scoped(user, VIEW, Course.objects.all())
        .annotate(session_count=models.Count("sessions", distinct=True))
        .order_by("title", "pk")
    )


def course_get(*, user: Any, course_id: int, permission: Permission = VIEW) -> Course:
    return policy.scoped(user, permission, Course.objects.all()).get(pk=course_id)


def session_get(*, user: Any, session_id: int, permission: Permission = VIEW) -> Session:
    return policy.scoped(user, permission, Session.objects.select_related("course")).get(pk=session_id)


def participant_get(*, user: Any, participant_id: int, permission: Permission = VIEW) -> Participant:
    return policy.scoped(user, permission, Participant.objects.select_related("session__course")).get(
        pk=participant_id
    )


@dataclass(frozen=True)
class ParticipantScores:
    participant: Participant
    pre: TestResult | None
    post: TestResult | None

    @property
    def gain(self) -> float | None:
        if self.pre is None or self.post is None:
            return None
        return round(self.post.percent - self.pre.percent, 1)


def session_scores(*, user: Any, session: Session) -> list[ParticipantScores]:
    """Each participant of a session (already read through the policy) with pre/post results and gain."""
    participants = policy.scoped(user, VIEW, Participant.objects.filter(session=session)).prefetch_related(
        "results"
    )
    scores = []
    for participant in participants:
        by_kind = {r.kind: r for r in participant.results.all()}
        scores.append(ParticipantScores(participant, by_kind.get(TestKind.PRE), by_kind.get(TestKind.POST)))
    return scores
