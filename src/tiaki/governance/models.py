"""The audit chain and sharing agreements between organisations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """One link of the append-only hash chain. `details` never holds personal data."""

    sequence = models.PositiveBigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    occurred_at = models.DateTimeField()
    # Plain ids and a label, not foreign keys: deleting or renaming a user must not rewrite history.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The chain's tip, locked by each writer: it serialises appends and reveals deleted tail events."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"head #{self.sequence}"


class HandlingCode(models.TextChoices):
    """The '2' of 3x5x2 grading."""

    P = "P", _("P: lawful sharing permitted")
    C = "C", _("C: sharing permitted with conditions")


class SharingAgreement(models.Model):
    """What may cross from one organisation to another. Agreements are directional."""

    provider = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="agreements_providing"
    )
    recipient = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="agreements_receiving"
    )
    intelligence_p = models.BooleanField(_("intelligence with handling code P"), default=False)
    intelligence_c = models.BooleanField(_("intelligence with handling code C"), default=False)
    referrals = models.BooleanField(_("referrals"), default=False)
    statistics = models.BooleanField(_("statistics"), default=False)
    conditions = models.TextField(_("conditions"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "recipient"], name="agreement_unique_pair"),
            models.CheckConstraint(
                condition=~models.Q(provider=models.F("recipient")), name="agreement_two_parties"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} → {self.recipient}"
