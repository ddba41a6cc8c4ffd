"""Differentially private releases, each recorded so it can be reproduced and its privacy cost accounted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.governance.crypto import EncryptedTextField


class DPRelease(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    query = models.CharField(_("query"), max_length=60)
    parameters = models.JSONField(_("query parameters"), default=dict)
    organisations = models.JSONField(_("organisations whose data was counted"), default=list)
    mechanism = models.CharField(_("mechanism"), max_length=40)
    epsilon = models.FloatField(_("epsilon (privacy budget spent)"))
    sensitivity = models.PositiveSmallIntegerField(_("L1 sensitivity"))
    scale = models.FloatField(_("noise scale"))
    # The noise seed reproduces the release. With it and the released numbers anyone could subtract the
    # noise, so it is secret: encrypted at rest, never shown or exported.
    seed = EncryptedTextField()
    # Translators: "95%" is a plain percentage here, not a formatting placeholder.
    # xgettext:no-python-format
    accuracy_95 = models.FloatField(_("95% error bound"))
    released = models.JSONField(_("released numbers"), default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"DP release #{self.pk} {self.query}"
