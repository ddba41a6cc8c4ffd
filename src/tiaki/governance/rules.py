"""Policy rules for governance records."""

from django.db.models import Q

from tiaki.governance import policy
from tiaki.governance.models import AuditEvent, SharingAgreement

# Auditors read the trail of their own organisations' actions; nobody reads another organisation's.
policy.rule(AuditEvent)(policy.owned_by_organisation("organisation_id"))


@policy.rule(SharingAgreement)
def _agreements(context: policy.Context) -> Q:
    return Q(provider__in=context.organisation_ids) | Q(recipient__in=context.organisation_ids)
