"""A questionnaire rendered as a Django form in one language (fields follow the data file)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tiaki.screening.questionnaires import YES_NO_LABELS, Question, Questionnaire, is_shown


def _field(question: Question, language: str) -> forms.Field:
    label = question.text[language]
    help_text = question.help.get(language, "")
    if question.type == "number":
        return forms.IntegerField(
            label=label, help_text=help_text, required=False, min_value=0, max_value=120
        )
    if question.type == "choice":
        options = [(c.value, c.label[language]) for c in question.choices]
    else:
        options = [(value, YES_NO_LABELS[value][language]) for value in question.values()]
    return forms.ChoiceField(
        label=label, help_text=help_text, required=False, choices=options, widget=forms.RadioSelect
    )


class QuestionnaireForm(forms.Form):
    """Only the questions the answers so far make relevant are shown (skip logic, evaluated server-side)."""

    def __init__(self, questionnaire: Questionnaire, language: str, data: Any = None) -> None:
        super().__init__(data)
        answers = {k: str(v) for k, v in (data or {}).items() if isinstance(v, str) and v}
        for question in questionnaire.questions:
            if is_shown(question, answers):
                self.fields[question.id] = _field(question, language)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Submissions exported from ODK Central or KoboToolbox (CSV or JSON)"))
