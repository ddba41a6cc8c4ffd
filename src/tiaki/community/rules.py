"""Policy rules for the community app: a tip's messages belong to the organisation holding the report."""

from tiaki.community.models import TipMessage
from tiaki.governance import policy

policy.rule(TipMessage)(policy.owned_by_organisation("report__organisation"))
