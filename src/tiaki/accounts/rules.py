"""Policy rules for accounts: administrators manage their own organisation's members and keys."""

from django.db.models import Q

from tiaki.accounts.models import ApiKey, Membership, Organisation, User
from tiaki.governance import policy

policy.rule(Membership)(policy.owned_by_organisation())
policy.rule(ApiKey)(policy.owned_by_organisation())
policy.rule(Organisation)(policy.owned_by_organisation("pk"))


@policy.rule(User)
def _users(context: policy.Context) -> Q:
    return Q(memberships__organisation__in=context.organisation_ids)
