"""Forms for case work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.models import Organisation
from tiaki.cases.models import SHAREABLE_PARTS, AssessmentKind, AssessmentLevel, ConsentPurpose, RiskLevel
from tiaki.cases.vocab import (
    EventType,
    ExploitationType,
    Gender,
    MethodOfControl,
    PerpetratorRole,
    ReferralReason,
    SupportType,
    TraffickingStatus,
)


def country_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=2, required=False, help_text=_("Two-letter country code, e.g. VN")
    )


PART_LABELS = {
    "identity": _("Identity (name, date of birth, contact)"),
    "exploitation": _("Exploitation and methods of control"),
    "events": _("Trafficking events"),
    "needs": _("Needs, assessments and support plan"),
    "return": _("Safe return plan"),
}


class CaseOpenForm(forms.Form):
    first_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    second_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    birthdate = forms.CharField(label=_("Date of birth (or year)"), max_length=10, required=False)
    mobile_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    primary_language = forms.CharField(label=_("Language"), max_length=40, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    citizenship = country_field(_("Citizenship"))
    is_child = forms.BooleanField(label=_("Under 18"), required=False)
    trafficking_status = forms.ChoiceField(label=_("Trafficking status"), choices=TraffickingStatus.choices)
    type_of_exploitation = forms.MultipleChoiceField(
        label=_("Types of exploitation"),
        required=False,
        choices=ExploitationType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    methods_of_control = forms.MultipleChoiceField(
        label=_("Methods of control"),
        required=False,
        choices=MethodOfControl.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    location_of_recruitment = country_field(_("Country of recruitment"))
    location_of_exploitation = country_field(_("Country of exploitation"))

    def identity(self) -> dict[str, Any]:
        keys = ("first_name", "second_name", "birthdate", "mobile_phone", "primary_language")
        return {k: self.cleaned_data[k] for k in keys if self.cleaned_data.get(k)}


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Consent to"), choices=ConsentPurpose.choices)
    organisation = forms.ModelChoiceField(
        label=_("Share with (for sharing only)"),
        required=False,
        queryset=Organisation.objects.filter(active=True),
    )


class ReferralForm(forms.Form):
    to_organisation = forms.ModelChoiceField(
        label=_("Refer to"), queryset=Organisation.objects.filter(active=True)
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=ReferralReason.choices)
    shared_parts = forms.MultipleChoiceField(
        label=_("What to share"),
        choices=[(p, PART_LABELS[p]) for p in SHAREABLE_PARTS],
        widget=forms.CheckboxSelectMultiple,
    )
    details = forms.CharField(
        label=_("Details for the receiving organisation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_transfer = forms.BooleanField(
        label=_("Transfer the case (the receiving organisation becomes its owner)"), required=False
    )
    consent_override_reason = forms.CharField(
        label=_("Override reason (only if identity must be shared without consent)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnPlanForm(forms.Form):
    from_country = forms.CharField(label=_("From country"), max_length=2)
    to_country = forms.CharField(label=_("To country"), max_length=2)
    receiving_organisation = forms.ModelChoiceField(
        label=_("Receiving organisation"), queryset=Organisation.objects.filter(active=True)
    )


class DoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for closure"), widget=forms.Textarea(attrs={"rows": 2}))
    referred = forms.BooleanField(label=_("Closed because the case was referred on"), required=False)


class EventForm(forms.Form):
    event_type = forms.ChoiceField(label=_("Stage"), choices=EventType.choices)
    country = country_field(_("Country"))
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssessmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Assessment"), choices=AssessmentKind.choices)
    level = forms.ChoiceField(label=_("Level"), choices=AssessmentLevel.choices)
    risk_level = forms.ChoiceField(label=_("Risk"), choices=RiskLevel.choices)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))


class SupportPlanForm(forms.Form):
    support_type = forms.ChoiceField(label=_("Support"), choices=SupportType.choices)
    objectives = forms.CharField(label=_("Objectives"), widget=forms.Textarea(attrs={"rows": 2}))
    planned_end_date = forms.DateField(
        label=_("Planned end"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class PlacementForm(forms.Form):
    case_id = forms.IntegerField(label=_("Case"), widget=forms.HiddenInput)
    started_on = forms.DateField(label=_("Arrived on"), widget=forms.DateInput(attrs={"type": "date"}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Photo (JPEG, PNG or WebP, up to 10 MB)"))


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))


class PerpetratorForm(forms.Form):
    entity = forms.RegexField(label=_("Entity reference (E-000123)"), regex=r"^\s*E-?\d+\s*$", max_length=20)
    role = forms.ChoiceField(label=_("Role"), choices=PerpetratorRole.choices)

    def entity_id(self) -> int:
        return int("".join(ch for ch in self.cleaned_data["entity"] if ch.isdigit()))
