"""The Safe Migration Passport: a personal pre-departure booklet rendered as a PDF in the person's language.

Nothing the person types is stored: the booklet is built in memory and handed back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tiaki.community import learn, selectors
from tiaki.community.forms import COUNTRY_NAMES
from tiaki.community.recruiters import recruiter_status


@dataclass(frozen=True)
class PassportDetails:
    language: str
    destination: str
    job: str = ""
    employer: str = ""
    recruiter_name: str = ""
    recruiter_licence: str = ""
    contacts: str = ""


def qr_data_uri(url: str) -> str:
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


def passport_html(
    details: PassportDetails, *, help_url: str, kept_number: str = "", open_url: str = ""
) -> str:
    with translation.override(details.language):
        context: dict[str, Any] = {
            "details": details,
            "destination_name": str(COUNTRY_NAMES.get(details.destination, details.destination)),
            "content": learn.content_for(details.language),
            "entries": selectors.directory(country=details.destination),
            "recruiter": recruiter_status(details.recruiter_name, details.recruiter_licence),
            "qr": qr_data_uri(help_url),
            "help_url": help_url,
            "made_on": timezone.now().date(),
            "LANGUAGE_CODE": details.language,
            "kept_number": kept_number,
            "open_url": open_url,
        }
        return render_to_string("community/passport_pdf.html", context)


def passport_pdf(
    details: PassportDetails, *, help_url: str, kept_number: str = "", open_url: str = ""
) -> bytes:
    from weasyprint import HTML

    html = passport_html(details, help_url=help_url, kept_number=kept_number, open_url=open_url)
    return bytes(HTML(string=html).write_pdf())
