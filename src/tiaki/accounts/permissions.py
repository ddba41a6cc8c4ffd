"""The one permission enum, its sensitivity tiers, and which roles hold which permissions."""

from __future__ import annotations

import enum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(enum.IntEnum):
    """How much harm misuse could do. SENSITIVE and above require a verified second factor."""

    BASIC = 1
    SENSITIVE = 2
    IDENTITY = 3  # survivors' and reporters' identity: every read is audited


class Permission(enum.StrEnum):
    REPORT_VIEW = "report.view"
    REPORT_CREATE = "report.create"
    REPORT_TRIAGE = "report.triage"
    TIP_REPLY = "tip.reply"
    SCREENING_RUN = "screening.run"
    ENTITY_VIEW = "entity.view"
    ENTITY_REVIEW = "entity.review"
    WATCHLIST_SCREEN = "watchlist.screen"
    INTEL_VIEW = "intel.view"
    INTEL_CREATE = "intel.create"
    INTEL_RELEASE = "intel.release"
    NETWORK_VIEW = "network.view"
    ALERT_MANAGE = "alert.manage"
    CASE_VIEW = "case.view"
    CASE_VIEW_IDENTITY = "case.view_identity"
    CASE_EDIT = "case.edit"
    CASE_APPROVE = "case.approve"
    CONSENT_OVERRIDE = "consent.override"
    REFERRAL_SEND = "referral.send"
    REFERRAL_RECEIVE = "referral.receive"
    SHELTER_VIEW = "shelter.view"
    SHELTER_MANAGE = "shelter.manage"
    PROGRAMME_VIEW = "programme.view"
    PROGRAMME_EDIT = "programme.edit"
    STATS_VIEW = "stats.view"
    STATS_EXPORT = "stats.export"
    DIRECTORY_EDIT = "directory.edit"
    ORG_ADMIN = "org.admin"
    SHARING_MANAGE = "sharing.manage"
    KEYS_MANAGE = "keys.manage"
    AUDIT_VIEW = "audit.view"
    ADMIN_SITE = "admin.site"

    @property
    def tier(self) -> Tier:
        return TIERS[self]


P = Permission
TIERS: dict[Permission, Tier] = {
    P.REPORT_VIEW: Tier.SENSITIVE,
    P.REPORT_CREATE: Tier.SENSITIVE,
    P.REPORT_TRIAGE: Tier.SENSITIVE,
    P.TIP_REPLY: Tier.SENSITIVE,
    P.SCREENING_RUN: Tier.SENSITIVE,
    P.ENTITY_VIEW: Tier.SENSITIVE,
    P.ENTITY_REVIEW: Tier.SENSITIVE,
    P.WATCHLIST_SCREEN: Tier.SENSITIVE,
    P.INTEL_VIEW: Tier.SENSITIVE,
    P.INTEL_CREATE: Tier.SENSITIVE,
    P.INTEL_RELEASE: Tier.SENSITIVE,
    P.NETWORK_VIEW: Tier.SENSITIVE,
    P.ALERT_MANAGE: Tier.SENSITIVE,
    P.CASE_VIEW: Tier.SENSITIVE,
    P.CASE_VIEW_IDENTITY: Tier.IDENTITY,
    P.CASE_EDIT: Tier.SENSITIVE,
    P.CASE_APPROVE: Tier.SENSITIVE,
    P.CONSENT_OVERRIDE: Tier.IDENTITY,
    P.REFERRAL_SEND: Tier.SENSITIVE,
    P.REFERRAL_RECEIVE: Tier.SENSITIVE,
    P.SHELTER_VIEW: Tier.SENSITIVE,
    P.SHELTER_MANAGE: Tier.SENSITIVE,
    P.PROGRAMME_VIEW: Tier.BASIC,
    P.PROGRAMME_EDIT: Tier.BASIC,
    P.STATS_VIEW: Tier.BASIC,
    P.STATS_EXPORT: Tier.SENSITIVE,
    P.DIRECTORY_EDIT: Tier.BASIC,
    P.ORG_ADMIN: Tier.SENSITIVE,
    P.SHARING_MANAGE: Tier.SENSITIVE,
    P.KEYS_MANAGE: Tier.SENSITIVE,
    P.AUDIT_VIEW: Tier.SENSITIVE,
    P.ADMIN_SITE: Tier.SENSITIVE,
}


class Role(models.TextChoices):
    LIAISON_OFFICER = "liaison_officer", _("Liaison officer")
    ANALYST = "analyst", _("Analyst")
    CASEWORKER = "caseworker", _("NGO caseworker")
    CASE_SUPERVISOR = "case_supervisor", _("Case supervisor")
    SHELTER_STAFF = "shelter_staff", _("Shelter staff")
    PARTNER_LAW_ENFORCEMENT = "partner_law_enforcement", _("Partner law enforcement")
    PROGRAMME_COORDINATOR = "programme_coordinator", _("Programme coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")
    AUDITOR = "auditor", _("Auditor")
    PARTNER_SYSTEM = "partner_system", _("Partner system (API key)")


_CASEWORK = {
    P.CASE_VIEW,
    P.CASE_VIEW_IDENTITY,
    P.CASE_EDIT,
    P.REFERRAL_SEND,
    P.REFERRAL_RECEIVE,
    P.SHELTER_VIEW,
    P.REPORT_CREATE,
    P.SCREENING_RUN,
    P.STATS_VIEW,
}

# Who may do what; the policy layer narrows each grant to the member's organisation (and scope).
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.LIAISON_OFFICER: frozenset(
        {
            P.REPORT_VIEW,
            P.REPORT_CREATE,
            P.REPORT_TRIAGE,
            P.TIP_REPLY,
            P.SCREENING_RUN,
            P.ENTITY_VIEW,
            P.WATCHLIST_SCREEN,
            P.INTEL_VIEW,
            P.INTEL_CREATE,
            P.INTEL_RELEASE,
            P.NETWORK_VIEW,
            P.ALERT_MANAGE,
            P.CASE_VIEW,
            P.CASE_VIEW_IDENTITY,
            P.CASE_EDIT,
            P.REFERRAL_SEND,
            P.STATS_VIEW,
        }
    ),
    Role.ANALYST: frozenset(
        {
            P.REPORT_VIEW,
            P.SCREENING_RUN,
            P.ENTITY_VIEW,
            P.ENTITY_REVIEW,
            P.WATCHLIST_SCREEN,
            P.INTEL_VIEW,
            P.INTEL_CREATE,
            P.NETWORK_VIEW,
            P.ALERT_MANAGE,
            P.STATS_VIEW,
        }
    ),
    Role.CASEWORKER: frozenset(_CASEWORK),
    Role.CASE_SUPERVISOR: frozenset(_CASEWORK | {P.CASE_APPROVE, P.CONSENT_OVERRIDE, P.STATS_EXPORT}),
    Role.SHELTER_STAFF: frozenset(
        {
            P.SHELTER_VIEW,
            P.SHELTER_MANAGE,
            P.REFERRAL_RECEIVE,
            P.CASE_VIEW,
            P.CASE_VIEW_IDENTITY,
            P.CASE_EDIT,
        }
    ),
    Role.PARTNER_LAW_ENFORCEMENT: frozenset(
        {
            P.INTEL_VIEW,
            P.REPORT_CREATE,
            P.REFERRAL_SEND,
            P.REFERRAL_RECEIVE,
        }
    ),
    Role.PROGRAMME_COORDINATOR: frozenset(
        {
            P.PROGRAMME_VIEW,
            P.PROGRAMME_EDIT,
            P.STATS_VIEW,
            P.DIRECTORY_EDIT,
        }
    ),
    Role.ADMINISTRATOR: frozenset(
        {
            P.ORG_ADMIN,
            P.SHARING_MANAGE,
            P.KEYS_MANAGE,
            P.ADMIN_SITE,
            P.DIRECTORY_EDIT,
        }
    ),
    Role.AUDITOR: frozenset({P.AUDIT_VIEW}),
    Role.PARTNER_SYSTEM: frozenset({P.REPORT_CREATE, P.SCREENING_RUN, P.INTEL_VIEW}),
}

assert set(TIERS) == set(Permission), "every permission needs a tier"
