"""Mentions, their links to entities, and watchlist screenings held in the application.

Data flow: a report (or intelligence record) names people, phones, agencies and documents → each becomes a
`Mention` (raw value encrypted, match keys blind-indexed in `MatchKey`) → the saved Splink model scores it
against candidate mentions that share a key → an `EntityLink` attaches it to an intelligence `Entity` with a
probability, reasons and the model version; uncertain links wait in the review queue for an analyst.

A `WatchlistScreening` screens an uploaded traveller or visa list against the entities of known networks.
Only hits are stored (encrypted); the rest of the list is never written. An analyst's decision on a hit is
remembered in `HitDecision` under a blind index of the listed person, so the next run applies it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.governance.crypto import EncryptedJSONField, EncryptedTextField


class MentionRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    SUSPECT = "suspect", _("Suspect")
    WITNESS = "witness", _("Witness")
    REPORTER = "reporter", _("Reporter")
    OTHER = "other", _("Other")


class Mention(models.Model):
    """Something a report or record names. `kind` uses the values of intelligence's EntityKind."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The organisation that holds the report or record naming it."),
    )
    report = models.ForeignKey(
        "intake.Report", on_delete=models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    record = models.ForeignKey(
        "intelligence.IntelRecord", on_delete=models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    kind = models.CharField(_("kind"), max_length=20)
    role = models.CharField(_("role"), max_length=10, choices=MentionRole.choices, default=MentionRole.OTHER)
    # As written: a name, a number, an agency's name. Always encrypted.
    value = EncryptedTextField(_("value"))
    # The contract columns as given (name, dob, gender, nationality, phone, email, id_number, address).
    attributes = EncryptedJSONField(_("attributes"), default=dict)
    # A stable key from where the mention came from (a world mention id, a partner's row id).
    external_key = models.CharField(max_length=80, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(report__isnull=False) | models.Q(record__isnull=False),
                name="mention_has_source",
            )
        ]

    def __str__(self) -> str:
        return f"M-{self.pk}"


class MatchKey(models.Model):
    """A blind-indexed blocking key of a mention: candidates for matching are the mentions sharing one."""

    class Purpose(models.TextChoices):
        NAME_TOKEN = "name_token", _("name word")
        PHONE = "phone", _("phone")
        DOCUMENT = "document", _("document")
        EMAIL = "email", _("email")

    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="keys")
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    digest = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["purpose", "digest"])]
        constraints = [
            models.UniqueConstraint(fields=["mention", "purpose", "digest"], name="match_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.mention_id} {self.purpose}"


class LinkDecision(models.TextChoices):
    AUTO = "auto", _("Linked by the model")
    NEW = "new", _("New entity (no match)")
    PENDING = "pending", _("Waiting for review")
    CONFIRMED = "confirmed", _("Confirmed by an analyst")
    REJECTED = "rejected", _("Rejected by an analyst")


class EntityLink(models.Model):
    """Which entity a mention resolved to, how sure the model was, why, and what an analyst decided."""

    mention = models.OneToOneField(Mention, on_delete=models.CASCADE, related_name="link")
    entity = models.ForeignKey("intelligence.Entity", on_delete=models.CASCADE, related_name="links")
    probability = models.FloatField(_("match probability"))
    # Short, non-personal explanations ("name: same words in another order", "phone: exact").
    reasons = models.JSONField(_("reasons"), default=list)
    model_version = models.CharField(_("model version"), max_length=40)
    decision = models.CharField(_("decision"), max_length=10, choices=LinkDecision.choices)
    # For a pending link: the entity the model would otherwise have proposed (the best candidate).
    candidate = models.ForeignKey(
        "intelligence.Entity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["decision", "probability"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(probability__gte=0) & models.Q(probability__lte=1),
                name="entity_link_probability_0_1",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mention_id} → {self.entity_id} ({self.decision})"


class ScreeningStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class WatchlistScreening(models.Model):
    """One traveller or visa list screened against the entities the requesting organisation may see."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=120)
    status = models.CharField(
        _("status"), max_length=10, choices=ScreeningStatus.choices, default=ScreeningStatus.QUEUED
    )
    # Progress for the polling page: a stage code and the share done (0..1). Never personal data.
    stage = models.CharField(max_length=40, blank=True)
    progress = models.FloatField(default=0.0)
    records = models.PositiveIntegerField(_("records screened"), default=0)
    watchlist_size = models.PositiveIntegerField(_("entities screened against"), default=0)
    hits = models.PositiveIntegerField(_("hits"), default=0)
    error = models.CharField(max_length=200, blank=True)
    # The uploaded list while it waits for the worker (encrypted), emptied when the screening ends.
    pending_rows = EncryptedJSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"W-{self.pk}"


class HitDecisionValue(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    CONFIRMED = "confirmed", _("Confirmed: the same person")
    REJECTED = "rejected", _("Rejected: a different person")


class WatchlistHit(models.Model):
    screening = models.ForeignKey(WatchlistScreening, on_delete=models.CASCADE, related_name="hit_rows")
    # The list's own row id and the row as given (encrypted).
    record_ref = models.CharField(_("record"), max_length=80)
    record = EncryptedJSONField(default=dict)
    # Blind index of the listed person (normalised name, date of birth, document): a decision on this
    # person and entity is remembered for later lists.
    fingerprint = models.CharField(max_length=64, db_index=True)
    entity = models.ForeignKey("intelligence.Entity", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    decision = models.CharField(
        _("decision"), max_length=10, choices=HitDecisionValue.choices, default=HitDecisionValue.PENDING
    )
    # True when the decision was carried over from an earlier one rather than made on this hit.
    remembered = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["screening", "record_ref", "entity"], name="watchlist_hit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.screening_id}/{self.record_ref} → {self.entity_id}"

    @property
    def listed(self) -> dict[str, str]:
        """The listed person's main columns for display, each present (empty when the list lacked it)."""
        return {c: str(self.record.get(c, "")) for c in ("name", "dob", "nationality", "phone", "id_number")}


class HitDecision(models.Model):
    """An analyst's verdict on (listed person, entity), applied to the organisation's later screenings."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    fingerprint = models.CharField(max_length=64)
    entity = models.ForeignKey("intelligence.Entity", on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=HitDecisionValue.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fingerprint", "entity"], name="hit_decision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.fingerprint[:8]} → {self.entity_id}: {self.decision}"
