"""Forms for partners' reports."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tiaki.intake.models import Channel, ReportStatus
from tiaki.intake.services import MAX_NARRATIVE_CHARS

PARTNER_CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.PUBLIC_TIP]


class ReportForm(forms.Form):
    channel = forms.ChoiceField(label=_("How did this reach you?"), choices=PARTNER_CHANNELS)
    narrative = forms.CharField(
        label=_("What happened"), max_length=MAX_NARRATIVE_CHARS, widget=forms.Textarea(attrs={"rows": 8})
    )
    language = forms.ChoiceField(
        label=_("Language of the text"),
        choices=[("", _("Detect automatically")), *settings.LANGUAGES],
        required=False,
    )
    country = forms.RegexField(
        label=_("Country (two-letter code)"), regex=r"^[A-Za-z]{2}$", required=False, max_length=2
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    occurred_on = forms.DateField(
        label=_("Date it happened"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ReportStatus.choices)
