"""Reports: anything that comes in, from a public tip to a partner's interview record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.governance.crypto import EncryptedTextField


class Channel(models.TextChoices):
    PUBLIC_TIP = "public_tip", _("Public tip")
    PARTNER_FORM = "partner_form", _("Partner form")
    INTERVIEW = "interview", _("Interview")
    API = "api", _("API")
    IMPORT = "import", _("Import")


class ReportStatus(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    LINKED = "linked", _("Linked")
    CLOSED = "closed", _("Closed")


class Report(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="reports",
        help_text=_("The organisation that holds this report."),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8, blank=True)
    narrative = EncryptedTextField(_("narrative"))
    country = models.CharField(_("country"), max_length=2, blank=True)
    place = EncryptedTextField(_("place"), blank=True, default="")
    occurred_on = models.DateField(_("occurred on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.NEW
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"R-{self.pk}"
