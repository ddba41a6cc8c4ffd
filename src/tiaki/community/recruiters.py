"""The recruiter check for the Safe Migration Passport, answered by the public register of agencies.

Only licence facts are consulted (tiaki.intelligence.selectors.agency_status): a member of the public
never learns what intelligence holds, only whether an agency is licensed, unknown, or a warning sign.
"""

from __future__ import annotations

from typing import Literal, cast

RecruiterStatus = Literal["licensed", "unknown", "warning"]


def recruiter_status(name: str, licence_number: str) -> RecruiterStatus:
    """'licensed' when the register lists this licence for this name, 'warning' when the agency is
    unlicensed or revoked or the quoted licence does not check out, otherwise 'unknown'."""
    if not name.strip() and not licence_number.strip():
        return "unknown"
    from tiaki.intelligence.selectors import agency_status

    return cast(RecruiterStatus, agency_status(name, licence_number))
