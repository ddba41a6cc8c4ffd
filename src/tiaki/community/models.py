"""Public-portal records: receipts for anonymous tips, the tip conversation, abuse counters, the directory."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.governance.crypto import EncryptedTextField


class ReceiptCredential(models.Model):
    """What lets an anonymous reporter come back: a blind index of the code's first half to find the row,
    and an Argon2 hash of the whole code to prove it. The code itself is never stored."""

    report = models.OneToOneField("intake.Report", on_delete=models.CASCADE, related_name="receipt")
    lookup = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"receipt for R-{self.report_id}"


class Direction(models.TextChoices):
    IN = "in", _("From the reporter")
    OUT = "out", _("From staff")


class TipMessage(models.Model):
    """One message in a tip's conversation; the reporter's side carries no identity at all."""

    report = models.ForeignKey("intake.Report", on_delete=models.CASCADE, related_name="tip_messages")
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    text = EncryptedTextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.direction} message on R-{self.report_id}"


class AbuseCounter(models.Model):
    """A count of events in a time window under a key that names no one (e.g. "tip.submit").

    Abuse is limited without identity: the keys are global or derived from the submitted data, never from
    a client address, a user agent or a cookie.
    """

    key = models.CharField(max_length=100)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="abuse_counter_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"


class EntryKind(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency number")
    HOTLINE = "hotline", _("Hotline")
    SERVICE = "service", _("Service")


class DirectoryEntry(models.Model):
    """A hotline or service the public can call. Only numbers with a source and a verification date."""

    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code"))
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    name = models.CharField(_("name"), max_length=200)
    number = models.CharField(_("number"), max_length=40)
    description = models.CharField(_("what it is for"), max_length=300, blank=True)
    languages = models.CharField(
        _("languages"), max_length=100, blank=True, help_text=_("Language codes, separated by commas")
    )
    source = models.CharField(_("source"), max_length=200)
    source_url = models.URLField(_("source address"), blank=True)
    verified_on = models.DateField(_("verified on"))
    active = models.BooleanField(_("shown to the public"), default=True)

    class Meta:
        ordering = ["country", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["country", "number"], name="directory_country_number")]

    def __str__(self) -> str:
        return f"{self.country} {self.name} {self.number}"

    @property
    def language_codes(self) -> list[str]:
        return [code.strip() for code in self.languages.split(",") if code.strip()]


class SavedPassport(models.Model):
    """A Safe Migration Passport its owner asked us to keep, sealed with a key derived from their passphrase.

    The details are encrypted twice: with an Argon2id-derived key only the passphrase can recreate, then
    at rest with the server's data key. Without the passphrase nobody, staff included, can read them.
    """

    lookup = models.CharField(max_length=64, unique=True)
    salt = models.CharField(max_length=32)
    sealed = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"saved passport {self.pk}"


class TipPhoto(models.Model):
    """A photo sent with a tip: re-encoded without metadata (no GPS, camera or time), encrypted at rest."""

    report = models.ForeignKey("intake.Report", on_delete=models.CASCADE, related_name="tip_photos")
    storage_key = models.UUIDField(unique=True, editable=False)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"photo {self.storage_key}"
