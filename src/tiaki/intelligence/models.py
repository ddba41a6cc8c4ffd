"""Graded intelligence records, the shared entity graph with provenance, agencies, watches and alerts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.governance.crypto import EncryptedJSONField, EncryptedTextField


class EntityKind(models.TextChoices):
    PERSON = "person", _("Person")
    PHONE = "phone", _("Phone number")
    ORGANISATION = "organisation", _("Organisation")
    AGENCY = "agency", _("Recruitment agency")
    ADDRESS = "address", _("Address")
    VEHICLE = "vehicle", _("Vehicle")
    BANK_ACCOUNT = "bank_account", _("Bank account")
    HANDLE = "handle", _("Social-media handle")
    DOCUMENT = "document", _("Document")


class Entity(models.Model):
    """Something the reports and records talk about: what resolution's mention clusters become."""

    kind = models.CharField(_("kind"), max_length=20, choices=EntityKind.choices)
    # The label can be a person's name (personal data): always encrypted, never searchable by value.
    label = EncryptedTextField(_("label"))
    attributes = EncryptedJSONField(_("attributes"), default=dict)
    # A stable key from where the entity came from (a resolution cluster id, a world entity id): re-imports
    # update instead of duplicating.
    external_key = models.CharField(max_length=80, blank=True, db_index=True)
    # Keyed blind indexes for exact lookups without the plaintext in the database.
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    document_index = models.CharField(max_length=64, blank=True, db_index=True)
    owner = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner organisation"),
        help_text=_("The organisation whose records first created this entity."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"E-{self.pk:06d}" if self.pk else "E-new"


class RelationType(models.TextChoices):
    RECRUITED = "recruited", _("recruited")
    TRANSPORTED = "transported", _("transported")
    EMPLOYED = "employed", _("employed")
    PAID = "paid", _("paid")
    SHARES_PHONE_WITH = "shares_phone_with", _("shares a phone with")
    LIVES_AT = "lives_at", _("lives at")
    USES_DOCUMENT = "uses_document", _("uses document")
    WORKS_FOR = "works_for", _("works for")
    BROKERED = "brokered", _("brokered")
    FORGED_DOCUMENTS_FOR = "forged_documents_for", _("forged documents for")
    RECRUITED_THROUGH = "recruited_through", _("recruited through")


class Relation(models.Model):
    source = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="relations_in")
    relation_type = models.CharField(_("relation"), max_length=30, choices=RelationType.choices)
    confidence = models.FloatField(_("confidence"), default=1.0)
    first_seen = models.DateField(_("first seen"), null=True, blank=True)
    last_seen = models.DateField(_("last seen"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "relation_type"], name="relation_unique"),
            models.CheckConstraint(
                condition=models.Q(confidence__gte=0) & models.Q(confidence__lte=1),
                name="relation_confidence_0_1",
            ),
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="relation_no_loop"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.relation_type} {self.target_id}"


class Provenance(models.Model):
    """Which record supports which entity or relation. Visibility of the graph follows visibility of these."""

    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, null=True, blank=True, related_name="provenance"
    )
    relation = models.ForeignKey(
        Relation, on_delete=models.CASCADE, null=True, blank=True, related_name="provenance"
    )
    report = models.ForeignKey(
        "intake.Report", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    record = models.ForeignKey(
        "intelligence.IntelRecord", on_delete=models.CASCADE, null=True, blank=True, related_name="provenance"
    )
    # The organisation that holds the supporting report or record.
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["organisation", "entity"]), models.Index(fields=["record"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(entity__isnull=False, relation__isnull=True)
                | models.Q(entity__isnull=True, relation__isnull=False),
                name="provenance_one_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(report__isnull=False, record__isnull=True)
                | models.Q(report__isnull=True, record__isnull=False),
                name="provenance_one_source",
            ),
        ]

    def __str__(self) -> str:
        return f"provenance {self.pk}"


class LicenceStatus(models.TextChoices):
    LICENSED = "licensed", _("Licensed")
    UNLICENSED = "unlicensed", _("Unlicensed")
    REVOKED = "revoked", _("Licence revoked")
    UNKNOWN = "unknown", _("Unknown")


class Agency(models.Model):
    """A recruitment agency on the public register. Licence facts only: never intelligence."""

    name = models.CharField(_("name"), max_length=200)
    # Case- and space-folded name for the public lookup (agency names are public business names).
    name_key = models.CharField(max_length=200, db_index=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    licence_status = models.CharField(
        _("licence status"), max_length=20, choices=LicenceStatus.choices, default=LicenceStatus.UNKNOWN
    )
    licence_number = models.CharField(_("licence number"), max_length=60, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    external_key = models.CharField(max_length=80, blank=True, db_index=True)
    entity = models.OneToOneField(
        Entity, on_delete=models.SET_NULL, null=True, blank=True, related_name="agency"
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class SourceEvaluation(models.TextChoices):
    RELIABLE = "1", _("1 — reliable")
    UNTESTED = "2", _("2 — untested")
    NOT_RELIABLE = "3", _("3 — not reliable")


class IntelligenceAssessment(models.TextChoices):
    KNOWN_DIRECTLY = "A", _("A — known directly to the source")
    CORROBORATED = "B", _("B — known indirectly, corroborated")
    INDIRECT = "C", _("C — known indirectly")
    NOT_KNOWN = "D", _("D — not known")
    SUSPECTED_FALSE = "E", _("E — suspected to be false")


class HandlingCode(models.TextChoices):
    PERMITTED = "P", _("P — lawful sharing permitted")
    CONDITIONS = "C", _("C — sharing permitted with conditions")


class IntelRecord(models.Model):
    """A graded intelligence record (3x5x2). Recipients of a release see only the sanitised text."""

    originator = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("originator")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    text = EncryptedTextField(_("text"))
    sanitised_text = EncryptedTextField(
        _("sanitised text"),
        help_text=_("What recipients see: the same intelligence with source-identifying details held back."),
    )
    source_evaluation = models.CharField(
        _("source evaluation"), max_length=1, choices=SourceEvaluation.choices
    )
    intelligence_assessment = models.CharField(
        _("intelligence assessment"), max_length=1, choices=IntelligenceAssessment.choices
    )
    handling_code = models.CharField(_("handling code"), max_length=1, choices=HandlingCode.choices)
    handling_conditions = models.TextField(_("handling conditions"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(handling_code="C") | ~models.Q(handling_conditions=""),
                name="intel_c_has_conditions",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"I-{self.pk:05d}" if self.pk else "I-new"

    @property
    def grading(self) -> str:
        return f"{self.source_evaluation}{self.intelligence_assessment}{self.handling_code}"


class Release(models.Model):
    record = models.ForeignKey(IntelRecord, on_delete=models.CASCADE, related_name="releases")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("released to")
    )
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["released_at", "id"]
        constraints = [models.UniqueConstraint(fields=["record", "organisation"], name="release_unique")]

    def __str__(self) -> str:
        return f"{self.record} → {self.organisation_id}"


class WatchKind(models.TextChoices):
    ENTITY = "entity", _("This entity")
    NETWORK = "network", _("Its whole network")


class Watch(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="watches")
    kind = models.CharField(_("watch"), max_length=10, choices=WatchKind.choices, default=WatchKind.ENTITY)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "entity", "kind"], name="watch_unique")]

    def __str__(self) -> str:
        return f"watch {self.pk}"


class AlertReason(models.TextChoices):
    REPORT = "report", _("A new report mentions it")
    RECORD = "record", _("A new intelligence record mentions it")
    WATCHLIST_HIT = "watchlist_hit", _("A watchlist hit touches it")
    RELATION = "relation", _("A new link was recorded")


class Alert(models.Model):
    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="alerts")
    # What caused it, as a key: the same cause never raises a second alert for the same watch.
    reason_key = models.CharField(max_length=80)
    reason = models.CharField(_("reason"), max_length=20, choices=AlertReason.choices)
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["watch", "reason_key"], name="alert_dedupe")]

    def __str__(self) -> str:
        return f"alert {self.pk}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class AnalyticsRun(models.Model):
    """One network-analytics run over the graph visible to the user who asked for it."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=40, blank=True)
    # Default: analytics.DEFAULT_RESOLUTION (not imported here: it would load igraph with the models).
    resolution = models.FloatField(default=0.01)
    # Entity ids and scores only (no labels): the page joins labels through the policy when it renders.
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"run {self.pk}"
