"""Forms for intelligence pages: a graded record, a release, a watch, a shortest-path question."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.models import Organisation
from tiaki.intelligence.models import (
    Entity,
    EntityKind,
    HandlingCode,
    IntelligenceAssessment,
    RelationType,
    SourceEvaluation,
    WatchKind,
)


class IntelRecordForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Intelligence"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("The full text. Only your organisation ever sees it."),
    )
    sanitised_text = forms.CharField(
        label=_("Sanitised text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What recipients see: hold back anything that could identify the source."),
    )
    source_evaluation = forms.ChoiceField(label=_("Source evaluation"), choices=SourceEvaluation.choices)
    intelligence_assessment = forms.ChoiceField(
        label=_("Intelligence assessment"), choices=IntelligenceAssessment.choices
    )
    handling_code = forms.ChoiceField(label=_("Handling code"), choices=HandlingCode.choices)
    handling_conditions = forms.CharField(
        label=_("Handling conditions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for handling code C: the conditions every recipient must follow."),
    )


class ReleaseForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Release to"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class RecordEntityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EntityKind.choices)
    label = forms.CharField(label=_("Name or value"), max_length=300)
    phone = forms.CharField(label=_("Phone number (international format)"), max_length=40, required=False)
    document_number = forms.CharField(label=_("Document number"), max_length=40, required=False)


class RecordLinkForm(forms.Form):
    source = forms.ModelChoiceField(label=_("From"), queryset=Entity.objects.none())
    relation_type = forms.ChoiceField(label=_("Relation"), choices=RelationType.choices)
    target = forms.ModelChoiceField(label=_("To"), queryset=Entity.objects.none())
    confidence = forms.FloatField(label=_("Confidence (0 to 1)"), min_value=0, max_value=1, initial=0.8)

    def __init__(self, *args: Any, entities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = entities  # type: ignore[attr-defined]
        self.fields["target"].queryset = entities  # type: ignore[attr-defined]
        self.fields["source"].label_from_instance = _entity_choice  # type: ignore[attr-defined]
        self.fields["target"].label_from_instance = _entity_choice  # type: ignore[attr-defined]


def _entity_choice(entity: Entity) -> str:
    return f"{entity.reference} {entity.label}"


class WatchForm(forms.Form):
    kind = forms.ChoiceField(label=_("Watch"), choices=WatchKind.choices)


class PathForm(forms.Form):
    source = forms.IntegerField(label=_("From entity number"), min_value=1)
    target = forms.IntegerField(label=_("To entity number"), min_value=1)
