"""Forms of the public portal and its staff pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tiaki.community.models import DirectoryEntry

COUNTRY_NAMES = {
    "NZ": _("New Zealand"),
    "TH": _("Thailand"),
    "MY": _("Malaysia"),
    "ID": _("Indonesia"),
    "LK": _("Sri Lanka"),
    "VN": _("Viet Nam"),
    "MM": _("Myanmar"),
    "KH": _("Cambodia"),
}
COUNTRY_CHOICES = [("", _("Not sure / another country")), *COUNTRY_NAMES.items()]


def _text(
    label: Any, *, rows: int = 0, required: bool = False, max_length: int = 500, **attrs: str
) -> forms.CharField:
    widget: forms.Widget = (
        forms.Textarea(attrs={"rows": rows, **attrs}) if rows else forms.TextInput(attrs=attrs)
    )
    return forms.CharField(label=label, required=required, max_length=max_length, widget=widget)


class TipForm(forms.Form):
    what = _text(_("What happened?"), rows=6, required=True, max_length=20_000)
    where = _text(_("Where did it happen?"))
    country = forms.ChoiceField(label=_("In which country?"), choices=COUNTRY_CHOICES, required=False)
    when = _text(_("When did it happen?"))
    who = _text(_("Who is involved?"), rows=3, max_length=2_000)
    contact = _text(_("How can we contact you?"), max_length=300, autocomplete="off")
    photo = forms.ImageField(
        label=_("A photo, if you have one"),
        required=False,
        help_text=_("Location, camera and time details are removed from the photo before it is kept."),
    )
    pow_challenge = forms.CharField(widget=forms.HiddenInput, required=False)
    pow_nonce = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["what"].help_text = _(
            "Tell us in your own words. This is the only question you must answer."
        )
        self.fields["contact"].help_text = _(
            "Only if you want us to contact you: a phone number or an email. "
            "Leave it empty to stay anonymous."
        )
        self.fields["when"].help_text = _("A date, or words like 'last month'.")

    def clean_photo(self) -> object:
        from tiaki.governance.files import MAX_BYTES

        photo = self.cleaned_data.get("photo")
        if photo is not None and photo.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return photo


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt code"),
        max_length=40,
        help_text=_("The 16 digits you were given when you sent your report."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )


class AddInformationForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    text = _text(_("Add information"), rows=4, required=True, max_length=5_000)


class ReplyForm(forms.Form):
    text = _text(_("Your reply to the reporter"), rows=4, required=True, max_length=5_000)


class PassportForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the booklet"), choices=settings.LANGUAGES)
    destination = forms.ChoiceField(label=_("Country you are going to"), choices=list(COUNTRY_NAMES.items()))
    job = _text(_("The job you were offered"), max_length=200)
    employer = _text(_("Employer's name and address"), rows=2, max_length=400)
    recruiter_name = _text(_("Recruiter or agency name"), max_length=200)
    recruiter_licence = _text(_("Recruiter's licence number"), max_length=60)
    contacts = _text(_("Emergency contacts (names and phone numbers)"), rows=3, max_length=600)
    keep = forms.BooleanField(
        label=_("Keep my booklet on this site, locked with a passphrase"),
        required=False,
        help_text=_(
            "Only if you want to open it again later. Without the passphrase nobody can read it, not even us."
        ),
    )
    passphrase = forms.CharField(
        label=_("Passphrase"),
        required=False,
        max_length=200,
        help_text=_("At least 10 characters. Write it somewhere safe: it cannot be recovered."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    DETAIL_FIELDS = (
        "language",
        "destination",
        "job",
        "employer",
        "recruiter_name",
        "recruiter_licence",
        "contacts",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("keep") and len(data.get("passphrase", "")) < 10:
            self.add_error("passphrase", _("Use a passphrase of at least 10 characters."))
        return data

    def details(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.DETAIL_FIELDS}


class PassportOpenForm(forms.Form):
    number = forms.CharField(
        label=_("Booklet number"),
        max_length=30,
        help_text=_("The 12 digits printed on the front of your booklet."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    passphrase = forms.CharField(
        label=_("Passphrase"),
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    forget = forms.BooleanField(label=_("Delete my booklet from this site instead"), required=False)


class DirectoryEntryForm(forms.ModelForm):
    source_url = forms.URLField(label=_("source address"), required=False, assume_scheme="https")

    class Meta:
        model = DirectoryEntry
        fields = [
            "country",
            "kind",
            "name",
            "number",
            "description",
            "languages",
            "source",
            "source_url",
            "verified_on",
            "active",
        ]
        widgets = {"verified_on": forms.DateInput(attrs={"type": "date"})}
