"""Security events that change nothing — refused access, failed sign-ins and second factors — as log lines.

They are not audit events: the audit trail records writes, inside the writing transaction, and a refusal
writes nothing (the access matrix asserts that). They go to the `tiaki.security` logger, one `key=value`
line each, so an operator can alert on an insider probing for cases or on guessing against one account.
Never logged: client addresses, user agents, paths with identifiers, or a username in the clear — a keyed
hash of the username lets attempts against one account be counted without the log naming it.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest

from tiaki.governance import policy
from tiaki.governance.crypto import blind_index

logger = logging.getLogger("tiaki.security")


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else "-"


def _user_id(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    return str(user.pk) if user is not None and user.is_authenticated else "-"


def access_denied(request: HttpRequest, denial: policy.Denied) -> None:
    permission = denial.permission.value if denial.permission is not None else "-"
    logger.warning(
        "access.denied user=%s route=%s method=%s permission=%s",
        _user_id(request),
        _route(request),
        request.method,
        permission,
    )


def sign_in_failed(request: HttpRequest, *, stage: str, username: str = "") -> None:
    """`stage` is password, second_factor or second_factor_enrol."""
    account = blind_index(username, purpose="security-log")[:16] if username else _user_id(request)
    logger.warning("auth.failed stage=%s account=%s", stage, account)
