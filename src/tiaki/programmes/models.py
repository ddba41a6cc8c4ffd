"""Prevention programmes: partnerships, outreach events, campaigns, courses, sessions and knowledge tests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tiaki.governance.crypto import EncryptedTextField


class Audience(models.TextChoices):
    YOUTH = "youth", _("Youth")
    PARENTS = "parents", _("Parents")
    TEACHERS = "teachers", _("Teachers")
    MIGRANTS = "migrants", _("Migrants")
    COMMUNITY_LEADERS = "community_leaders", _("Community leaders")


class AttendeeGender(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Another gender or not stated")


class AgeBand(models.TextChoices):
    UNDER_18 = "0-17", _("Under 18")
    AGE_18_29 = "18-29", _("18–29")
    AGE_30_44 = "30-44", _("30–44")
    AGE_45_PLUS = "45+", _("45 and over")
    UNKNOWN = "unknown", _("Age not recorded")


def attendance_key(gender: str, band: str) -> str:
    return f"{gender}|{band}"


class Partnership(models.Model):
    """A partner organisation this organisation works with (it need not use Tiaki)."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    partner_name = models.CharField(_("partner organisation"), max_length=200)
    partner_country = models.CharField(_("partner country"), max_length=2, blank=True)
    partner_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Set when the partner also uses Tiaki."),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["partner_name", "id"]

    def __str__(self) -> str:
        return self.partner_name


class AgreementKind(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding")
    DATA_SHARING = "data_sharing", _("Data-sharing agreement")
    FUNDING = "funding", _("Funding agreement")


class PartnershipAgreement(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agreements")
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices)
    title = models.CharField(_("title"), max_length=200)
    signed_on = models.DateField(_("signed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    covers = models.TextField(
        _("what it covers"), help_text=_("For a data-sharing agreement: what may be shared.")
    )

    class Meta:
        ordering = ["-signed_on", "id"]

    def __str__(self) -> str:
        return self.title


class PartnerContact(models.Model):
    """A contact person at a partner: their name and numbers are personal data, so encrypted."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="contacts")
    name = EncryptedTextField(_("name"))
    role_title = models.CharField(_("role"), max_length=120, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    email = EncryptedTextField(_("email"), blank=True, default="")

    def __str__(self) -> str:
        return f"contact #{self.pk}"


class JointActivity(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-held_on", "id"]

    def __str__(self) -> str:
        return self.title


class OutreachEvent(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    country = models.CharField(_("country"), max_length=2)
    place = models.CharField(_("place"), max_length=200)
    audiences = models.JSONField(_("audiences"), default=list)
    languages = models.JSONField(_("languages"), default=list)
    materials = models.TextField(_("materials used"), blank=True)
    # {"F|18-29": 12, ...}: counts by gender and age band, never names.
    attendance = models.JSONField(_("attendance"), default=dict)
    follow_up_actions = models.TextField(_("follow-up actions"), blank=True)
    source_id = models.CharField(max_length=40, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def attendance_total(self) -> int:
        return sum(int(v) for v in self.attendance.values())


class CampaignChannel(models.TextChoices):
    SOCIAL_MEDIA = "social_media", _("Social media")
    RADIO = "radio", _("Radio")
    POSTERS = "posters", _("Posters")
    PASSPORT = "passport", _("Safe Migration Passport distribution")
    OTHER = "other", _("Other or not recorded")


class Campaign(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    channel = models.CharField(_("channel"), max_length=20, choices=CampaignChannel.choices)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    country = models.CharField(_("country"), max_length=2, blank=True)
    languages = models.JSONField(_("languages"), default=list)
    reported_reach = models.PositiveIntegerField(
        _("reported reach"), null=True, blank=True, help_text=_("A total reported without daily metrics.")
    )
    source_id = models.CharField(max_length=40, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ReachMetric(models.TextChoices):
    REACH = "reach", _("People reached")
    IMPRESSIONS = "impressions", _("Impressions")
    ENGAGEMENTS = "engagements", _("Engagements")
    CLICKS = "clicks", _("Clicks")
    SHARES = "shares", _("Shares")
    LISTENERS = "listeners", _("Listeners")
    DISTRIBUTED = "distributed", _("Items distributed")


class CampaignMetric(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="metrics")
    date = models.DateField(_("date"))
    metric = models.CharField(_("metric"), max_length=20, choices=ReachMetric.choices)
    value = models.PositiveBigIntegerField(_("value"))

    class Meta:
        ordering = ["date", "metric"]
        constraints = [models.UniqueConstraint(fields=["campaign", "date", "metric"], name="metric_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.date} {self.metric}"


class Course(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    uses_builtin_lessons = models.BooleanField(_("uses the built-in frontline course"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    country = models.CharField(_("country"), max_length=2, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    # Imported sessions report only totals and mean scores (no participant records).
    reported_participants = models.PositiveIntegerField(null=True, blank=True)
    reported_pre_mean = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    reported_post_mean = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    source_id = models.CharField(max_length=40, blank=True, db_index=True)

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.course} {self.starts_on}"


class Participant(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participants")
    name = EncryptedTextField(_("name"))
    role_title = models.CharField(_("role or workplace"), max_length=120, blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=AttendeeGender.choices)
    enrolled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"participant #{self.pk}"


class TestKind(models.TextChoices):
    PRE = "pre", _("Before the course")
    POST = "post", _("After the course")


class TestResult(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="results")
    kind = models.CharField(_("test"), max_length=4, choices=TestKind.choices)
    test_version = models.CharField(max_length=20)
    answers = models.JSONField(default=dict)
    correct = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participant", "kind"], name="test_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.kind}"

    @property
    def percent(self) -> float:
        return round(100 * self.correct / self.total, 1) if self.total else 0.0
