"""Stored screening results: one per report, with the rule-set version that produced it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.governance.crypto import EncryptedJSONField


class Level(models.TextChoices):
    NONE = "none", _("No indicators")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


LEVEL_RANK = {Level.NONE: 0, Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}


class ReportScreening(models.Model):
    report = models.OneToOneField("intake.Report", on_delete=models.CASCADE, related_name="screening")
    ruleset_version = models.CharField(max_length=64)
    language = models.CharField(max_length=8, blank=True)
    # Indicator codes alone identify nobody: kept in the clear for triage order and statistics.
    codes = models.JSONField(default=list)
    # The evidence is a quotation of the narrative, so it is as personal as the narrative itself.
    findings = EncryptedJSONField(default=list)
    score = models.FloatField(default=0.0)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.NONE)
    level_rank = models.PositiveSmallIntegerField(default=0, db_index=True)
    note = models.CharField(max_length=200, blank=True)
    # Indicator codes the rules found but the text model set aside as unlikely (shown beside the findings)
    set_aside = models.JSONField(default=list, blank=True)
    # Forms of exploitation the narrative tells of (ScreeningResult.exploitation_types), with their evidence:
    # encrypted like the findings.
    exploitation = EncryptedJSONField(default=list, blank=True)
    screened_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"screening of {self.report_id}: {self.level}"
