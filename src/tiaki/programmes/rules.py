"""Policy rules for programme records: each belongs to the organisation that runs the programme."""

from __future__ import annotations

from tiaki.governance import policy
from tiaki.programmes.models import (
    Campaign,
    CampaignMetric,
    Course,
    JointActivity,
    OutreachEvent,
    Participant,
    PartnerContact,
    Partnership,
    PartnershipAgreement,
    Session,
    TestResult,
)

policy.rule(Partnership)(policy.owned_by_organisation())
policy.rule(PartnershipAgreement)(policy.owned_by_organisation("partnership__organisation"))
policy.rule(PartnerContact)(policy.owned_by_organisation("partnership__organisation"))
policy.rule(JointActivity)(policy.owned_by_organisation("partnership__organisation"))
policy.rule(OutreachEvent)(policy.owned_by_organisation())
policy.rule(Campaign)(policy.owned_by_organisation())
policy.rule(CampaignMetric)(policy.owned_by_organisation("campaign__organisation"))
policy.rule(Course)(policy.owned_by_organisation())
policy.rule(Session)(policy.owned_by_organisation("course__organisation"))
policy.rule(Participant)(policy.owned_by_organisation("session__course__organisation"))
policy.rule(TestResult)(policy.owned_by_organisation("participant__session__course__organisation"))
