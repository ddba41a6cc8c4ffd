"""Forms of entity resolution: the people, phones and agencies a partner names beside a report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tiaki.intelligence.models import EntityKind
from tiaki.resolution.models import MentionRole
from tiaki.resolution.services import MAX_FIELD_CHARS

# The kinds a partner names most often; the API takes every kind.
FORM_KINDS = [
    (EntityKind.PERSON.value, EntityKind.PERSON.label),
    (EntityKind.PHONE.value, EntityKind.PHONE.label),
    (EntityKind.AGENCY.value, EntityKind.AGENCY.label),
    (EntityKind.DOCUMENT.value, EntityKind.DOCUMENT.label),
]


class MentionRowForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FORM_KINDS, initial=EntityKind.PERSON)
    role = forms.ChoiceField(label=_("Role"), choices=MentionRole.choices, initial=MentionRole.OTHER)
    value = forms.CharField(label=_("Name or number"), max_length=MAX_FIELD_CHARS, required=False)
    dob = forms.CharField(label=_("Date of birth"), max_length=40, required=False)
    nationality = forms.CharField(label=_("Nationality"), max_length=60, required=False)

    def mention(self) -> dict[str, Any] | None:
        """The row as a mention for `mentions_add`, or None when the row was left empty."""
        data = self.cleaned_data
        if not data.get("value", "").strip():
            return None
        kind = data["kind"]
        field = {"person": "name", "phone": "phone", "document": "id_number"}.get(kind, "name")
        row = {"kind": kind, "role": data["role"], field: data["value"]}
        if kind == EntityKind.PERSON:
            row |= {"dob": data.get("dob", ""), "nationality": data.get("nationality", "")}
        return row


MentionFormSet = forms.formset_factory(MentionRowForm, extra=3, max_num=10, validate_max=True)


def mention_formset(data: Any) -> Any:
    """The rows bound to `data` when it carries them; a client posting only the report (an older form,
    a script) gets an unbound formset and no mentions, not an error."""
    bound = data if data and "mentions-TOTAL_FORMS" in data else None
    return MentionFormSet(bound, prefix="mentions")


def mentions_valid(formset: Any) -> bool:
    return not formset.is_bound or formset.is_valid()


def mentions_of(formset: Any) -> list[dict[str, Any]]:
    if not formset.is_bound:
        return []
    return [row for form in formset.forms if (row := form.mention()) is not None]
