"""Policy rules for statistics records."""

from tiaki.governance import policy
from tiaki.stats.models import DPRelease

policy.rule(DPRelease)(policy.owned_by_organisation())
