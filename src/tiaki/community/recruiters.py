"""The recruiter check for the Safe Migration Passport.

HOOK: the register of licensed recruitment agencies and the entities flagged in intelligence are being
built by the intelligence engineer. Until that register is connected every check answers "unknown", and
the passport says so plainly rather than implying a recruiter was checked.
"""

from __future__ import annotations

from typing import Literal

RecruiterStatus = Literal["licensed", "unknown", "warning"]
REGISTER_CONNECTED = False


def recruiter_status(name: str, licence_number: str) -> RecruiterStatus:
    """'licensed' when the register lists this licence for this name, 'warning' when the agency has been
    reported, otherwise 'unknown'. Not yet connected to the register: always 'unknown'."""
    return "unknown"
