"""Survivor cases and everything around them, with HTCDS field names where the standard has one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.cases.vocab import (
    CaseStatus,
    DecisionMakingOrg,
    EventType,
    Gender,
    PerpetratorRole,
    ReferralReason,
    SupportType,
    TraffickingStatus,
)
from tiaki.governance.crypto import EncryptedJSONField, EncryptedTextField

# What a referral may carry to the receiving organisation. The owner always sees everything.
SHAREABLE_PARTS = ("identity", "exploitation", "events", "needs", "return")


class Case(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("The organisation that owns the case."),
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cases")
    assigned = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="assigned_cases", blank=True)
    source_report = models.ForeignKey(
        "intake.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    # Survivor identity (HTCDS prs_ fields without the prefix): encrypted as one document.
    identity = EncryptedJSONField(_("survivor identity"), default=dict)
    # Non-identifying facts kept in the clear for lists and privacy-safe statistics.
    gender = models.CharField(_("gender"), max_length=30, choices=Gender.choices, default=Gender.UNKNOWN)
    citizenship = models.CharField(_("citizenship"), max_length=2, blank=True)
    is_child = models.BooleanField(_("child (under 18)"), default=False)
    trafficking_status = models.CharField(
        _("trafficking status"),
        max_length=40,
        choices=TraffickingStatus.choices,
        default=TraffickingStatus.POSSIBLE,
    )
    trafficking_status_decided_by = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trafficking status decided by"),
    )
    trafficking_status_decision_making_org = models.CharField(
        _("kind of deciding organisation"), max_length=40, choices=DecisionMakingOrg.choices, blank=True
    )
    type_of_exploitation = models.JSONField(_("types of exploitation"), default=list, blank=True)
    methods_of_control = models.JSONField(_("methods of control"), default=list, blank=True)
    location_of_recruitment = models.CharField(_("country of recruitment"), max_length=2, blank=True)
    location_of_exploitation = models.CharField(_("country of exploitation"), max_length=2, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.ACTIVE
    )
    reason_for_case_closure = EncryptedTextField(_("reason for closure"), blank=True, default="")
    best_interests_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    best_interests_approved_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"C-{self.pk:05d}" if self.pk else "C-new"

    @property
    def needs_best_interests_approval(self) -> bool:
        return self.is_child and self.best_interests_approved_at is None


class ConsentPurpose(models.TextChoices):
    SERVICES = "services", _("Receiving support services")
    SHARING = "sharing", _("Sharing with a named organisation")
    STATISTICS = "statistics", _("Use in anonymous statistics")
    SAFE_RETURN = "safe_return", _("Safe return home")


class Consent(models.Model):
    """One consent, for one purpose (and, for sharing, one named organisation). Withdrawable."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared with"),
    )
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["given_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.purpose}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class TraffickingEvent(models.Model):
    """HTCDS historic trafficking event: recruitment, transit or exploitation, where and when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    event_type = models.CharField(_("type"), max_length=20, choices=EventType.choices)
    country = models.CharField(_("country"), max_length=2, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    description = EncryptedTextField(_("description"), blank=True, default="")

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.country}"


class AssessmentKind(models.TextChoices):
    NEEDS = "needs", _("Needs")
    RISK = "risk", _("Risk and vulnerability")


class AssessmentLevel(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    HOUSEHOLD = "household", _("Household")
    COMMUNITY = "community", _("Community")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Assessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("kind"), max_length=10, choices=AssessmentKind.choices)
    level = models.CharField(_("level"), max_length=12, choices=AssessmentLevel.choices)
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    findings = EncryptedTextField(_("findings"))
    assessed_at = models.DateTimeField(default=timezone.now)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.case} {self.kind}/{self.level}"


class SupportPlan(models.Model):
    """HTCDS support plan entries (spl_*), one per support type, with approval and services delivered."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="support_plans")
    support_type = models.CharField(_("type"), max_length=40, choices=SupportType.choices)
    objectives = EncryptedTextField(_("objectives"))
    planned_end_date = models.DateField(_("planned end"), null=True, blank=True)
    actual_end_date = models.DateField(_("actual end"), null=True, blank=True)
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.case} {self.support_type}"


class ServiceDelivery(models.Model):
    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="deliveries")
    delivered_on = models.DateField(_("delivered on"))
    note = EncryptedTextField(_("note"), blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.plan} {self.delivered_on}"


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")


class Referral(models.Model):
    """A case (or the consented part of it) sent to another organisation; a transfer moves ownership."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    from_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    reason = models.CharField(_("reason"), max_length=40, choices=ReferralReason.choices)
    details = EncryptedTextField(_("details"), blank=True, default="")
    shared_parts = models.JSONField(_("shared parts"), default=list)
    is_transfer = models.BooleanField(_("transfer of ownership"), default=False)
    consent_override_reason = EncryptedTextField(blank=True, default="")
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} → {self.to_organisation}"


class Shelter(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="shelters"
    )
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    city = models.CharField(_("city"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    languages = models.JSONField(_("languages spoken"), default=list)
    min_age = models.PositiveSmallIntegerField(_("youngest age served"), default=0)
    max_age = models.PositiveSmallIntegerField(_("oldest age served"), default=120)
    genders = models.JSONField(_("genders served"), default=list)

    def __str__(self) -> str:
        return self.name


class Placement(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="placements")
    shelter = models.ForeignKey(Shelter, on_delete=models.PROTECT, related_name="placements")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.case} @ {self.shelter}"


class ReturnStepKind(models.TextChoices):
    TRAVEL_DOCUMENTS = "travel_documents", _("Travel documents")
    FAMILY_ASSESSMENT = "family_assessment", _("Family assessment")
    ESCORT = "escort", _("Escorted travel")
    RECEPTION = "reception", _("Reception by the partner in the home country")
    REINTEGRATION = "reintegration", _("Reintegration services")


class ReturnPlan(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="return_plan")
    from_country = models.CharField(_("from country"), max_length=2)
    to_country = models.CharField(_("to country"), max_length=2)
    receiving_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiving organisation"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.case} {self.from_country}→{self.to_country}"


class ReturnStep(models.Model):
    plan = models.ForeignKey(ReturnPlan, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=20, choices=ReturnStepKind.choices)
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True, default="")

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "kind"], name="return_step_once")]

    def __str__(self) -> str:
        return f"{self.plan} {self.kind}"


class FollowUp(models.Model):
    """Reintegration follow-up at 1, 3, 6 and 12 months after return (or after closure)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    months_after = models.PositiveSmallIntegerField(_("months after return"))
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Who does the follow-up (usually the receiving partner)."),
    )
    note = EncryptedTextField(_("note"), blank=True, default="")
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "months_after"], name="follow_up_once")]

    def __str__(self) -> str:
        return f"{self.case} +{self.months_after}m"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-written_at", "-id"]

    def __str__(self) -> str:
        return f"note on {self.case}"


class Attachment(models.Model):
    """A file on a case. Stored encrypted outside the database; images are re-encoded without metadata."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    storage_key = models.UUIDField(unique=True, editable=False)
    filename = EncryptedTextField(_("file name"))
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"attachment {self.storage_key}"


class CaseTask(models.Model):
    """A to-do on a case with a due date: what caseworkers are reminded of on their home page."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedTextField(_("task"))
    due_on = models.DateField(_("due"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_tasks"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"task on {self.case}"


class CasePerpetrator(models.Model):
    """A perpetrator of a case, as an intelligence entity: shown only to people who may see that entity."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="perpetrators")
    entity = models.ForeignKey("intelligence.Entity", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=30, choices=PerpetratorRole.choices)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "entity", "role"], name="perpetrator_once")]

    def __str__(self) -> str:
        return f"{self.case} perpetrator"
