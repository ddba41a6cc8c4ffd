"""Course certificates as PDF, rendered with WeasyPrint from a template and the system's Noto fonts."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from tiaki.governance import audit
from tiaki.programmes.models import Participant, TestKind


def certificate_pdf(*, actor: Any, participant: Participant) -> bytes:
    """A certificate of completion for a participant read through the policy. Issuing it is audited."""
    from weasyprint import HTML

    session = participant.session
    post = participant.results.filter(kind=TestKind.POST).first()
    with translation.override(session.language):
        html = render_to_string(
            "programmes/certificate.html",
            {
                "participant": participant,
                "session": session,
                "course": session.course,
                "organisation": session.course.organisation,
                "post": post,
                "language": session.language,
            },
        )
    pdf = HTML(string=html).write_pdf()
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="programme.certificate.issue",
            target=participant,
            organisation=session.course.organisation_id,
            details={"session": session.pk},
        )
    return bytes(pdf)
