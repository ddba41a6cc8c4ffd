"""Organisations, users, memberships and partner API keys."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from tiaki.accounts.permissions import Role


class OrganisationType(models.TextChoices):
    """HTCDS organisation types."""

    GOVERNMENT = "government", _("Government")
    LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
    IMMIGRATION_SERVICE = "immigration_service", _("Immigration service")
    NGO = "ngo", _("Non-governmental organisation")
    SCHOOL_SHELTER = "school_shelter", _("School or shelter")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")


class Organisation(models.Model):
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short stable identifier used by imports, exports and partner systems, e.g. NZ-IMM-BKK."),
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    org_type = models.CharField(_("type"), max_length=40, choices=OrganisationType.choices)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class User(AbstractUser):
    """A staff member or a partner system. The public never has an account."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    is_service = models.BooleanField(
        _("partner system"),
        default=False,
        help_text=_("A machine account that acts only through an API key."),
    )

    def __str__(self) -> str:
        return self.display_name or self.username


class Membership(models.Model):
    """A user acts for an organisation in one role, optionally narrowed to a scope such as a post."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    scope = models.CharField(
        _("scope"),
        max_length=60,
        blank=True,
        help_text=_("Optional narrowing, e.g. a liaison post such as TH-Bangkok."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.role}"


class ApiKey(models.Model):
    """A partner system's credential. Only a SHA-256 hash of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
