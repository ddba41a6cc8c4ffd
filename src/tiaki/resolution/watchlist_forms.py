"""Forms of watchlist screening: uploading a traveller or visa list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ScreeningUploadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    file = forms.FileField(
        label=_("List (CSV)"),
        help_text=_(
            "UTF-8 CSV with an id column and any of name, dob, gender, nationality, phone, email, "
            "id_number, address."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
