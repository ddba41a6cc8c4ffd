"""Policy rules for intake: a report is visible to the organisation that holds it."""

from tiaki.governance import policy
from tiaki.intake.models import Report

policy.rule(Report)(policy.owned_by_organisation())
