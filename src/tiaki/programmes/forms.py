"""Forms for programme pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tiaki.programmes.content import LANGUAGES
from tiaki.programmes.models import (
    AgeBand,
    AgreementKind,
    AttendeeGender,
    Audience,
    CampaignChannel,
    TestKind,
    attendance_key,
)


def language_choices() -> list[tuple[str, str]]:
    names = dict(settings.LANGUAGES)
    return [(code, str(names.get(code, code))) for code in LANGUAGES]


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


def _country(label: Any, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=2,
        min_length=2,
        required=required,
        help_text=_("Two-letter country code, e.g. TH"),
    )


class PartnershipForm(forms.Form):
    partner_name = forms.CharField(label=_("Partner organisation"), max_length=200)
    partner_country = _country(_("Partner country"), required=False)
    purpose = forms.CharField(
        label=_("Purpose of the partnership"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AgreementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    signed_on = _date(_("Signed on"))
    valid_until = _date(_("Valid until"), required=False)
    covers = forms.CharField(
        label=_("What it covers"),
        help_text=_("For a data-sharing agreement: what may be shared, and on what conditions."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    role_title = forms.CharField(label=_("Role"), max_length=120, required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False, help_text=_("With the country code, e.g. +66 …")
    )
    email = forms.EmailField(label=_("Email"), required=False)


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = _date(_("Date"))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OutreachEventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = _date(_("Date"))
    ends_on = _date(_("Last day (for events over several days)"), required=False)
    country = _country(_("Country"))
    place = forms.CharField(label=_("Place"), max_length=200)
    audiences = forms.MultipleChoiceField(
        label=_("Audience"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages used"), choices=language_choices, widget=forms.CheckboxSelectMultiple
    )
    materials = forms.CharField(
        label=_("Materials used"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_actions = forms.CharField(
        label=_("Follow-up actions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attendance_fields: list[tuple[str, list[tuple[str, str]]]] = []
        for gender, gender_label in AttendeeGender.choices:
            row = []
            for band, band_label in AgeBand.choices:
                name = f"att_{gender}_{band}"
                self.fields[name] = forms.IntegerField(
                    label=f"{gender_label}, {band_label}", min_value=0, max_value=1_000_000, required=False
                )
                row.append((band, name))
            self.attendance_fields.append((str(gender_label), row))

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("att_")]

    def attendance_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(label, [self[name] for _, name in row]) for label, row in self.attendance_fields]

    def attendance(self) -> dict[str, int]:
        counts = {}
        for gender in AttendeeGender.values:
            for band in AgeBand.values:
                value = self.cleaned_data.get(f"att_{gender}_{band}")
                if value:
                    counts[attendance_key(gender, band)] = int(value)
        return counts


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    channel = forms.ChoiceField(label=_("Channel"), choices=CampaignChannel.choices)
    starts_on = _date(_("Starts"))
    ends_on = _date(_("Ends"))
    country = _country(_("Country"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=language_choices, widget=forms.CheckboxSelectMultiple
    )


class MetricsImportForm(forms.Form):
    file = forms.FileField(
        label=_("Reach metrics (CSV)"),
        help_text=_("Columns date,metric,value — one row per day and metric, dates as YYYY-MM-DD."),
    )


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    uses_builtin_lessons = forms.BooleanField(label=_("Teach the built-in frontline course"), required=False)


class SessionForm(forms.Form):
    starts_on = _date(_("Starts"))
    ends_on = _date(_("Ends"))
    country = _country(_("Country"), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)


class ParticipantForm(forms.Form):
    name = forms.CharField(label=_("Name (as on the certificate)"), max_length=200)
    role_title = forms.CharField(label=_("Role or workplace"), max_length=120, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=AttendeeGender.choices)


class KnowledgeTestForm(forms.Form):
    """One radio group per question, in the session's language."""

    def __init__(self, *args: Any, language: str, questions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"] = forms.ChoiceField(label=_("Test"), choices=TestKind.choices)
        for question in questions:
            self.fields[f"q_{question.id}"] = forms.TypedChoiceField(
                label=question.text[language],
                choices=list(enumerate(question.options[language])),
                coerce=int,
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[str, int]:
        return {name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("q_")}
