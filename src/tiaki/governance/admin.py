"""The Django admin for administrators: behind two-factor, filtered by the policy layer, audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django_otp.admin import OTPAdminSite

from tiaki.accounts.models import ApiKey, Membership, Organisation
from tiaki.accounts.permissions import Permission
from tiaki.governance import audit, policy
from tiaki.governance.models import AuditEvent, SharingAgreement


class TiakiAdminSite(OTPAdminSite):
    site_header = "Tiaki administration"
    site_title = "Tiaki administration"
    login_template = None

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and policy.has(request.user, Permission.ADMIN_SITE))

    def login(self, request: HttpRequest, extra_context: Any = None) -> Any:
        # One sign-in for everyone: the staff login with lockout and two-factor.
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.GET.get("next", request.get_full_path()))


admin_site = TiakiAdminSite(name="admin")


class PolicyAdmin(admin.ModelAdmin):
    """Rows come through the policy layer; every change is audited inside the admin's transaction."""

    permission = Permission.ORG_ADMIN

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return policy.scoped(request.user, self.permission, super().get_queryset(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policy.has(request.user, self.permission)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.has(request.user, self.permission)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.has(request.user, self.permission)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action=f"admin.{'change' if change else 'add'}",
            target=obj,
            details={"fields": sorted(form.changed_data)},
        )


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(PolicyAdmin):
    list_display = ["name", "short_name", "org_type", "country", "city", "active"]
    list_filter = ["org_type", "country"]
    fields = ["name", "short_name", "org_type", "country", "city", "active"]


@admin.register(Membership, site=admin_site)
class MembershipAdmin(PolicyAdmin):
    list_display = ["user", "organisation", "role", "scope", "active"]
    list_filter = ["role", "active"]
    fields = ["role", "scope", "active"]
    list_select_related = ["user", "organisation"]


@admin.register(ApiKey, site=admin_site)
class ApiKeyAdmin(PolicyAdmin):
    list_display = ["name", "prefix", "organisation", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ("name", "prefix", "organisation", "created_at", "last_used_at", "revoked_at")
    fields = readonly_fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SharingAgreement, site=admin_site)
class SharingAgreementAdmin(PolicyAdmin):
    permission = Permission.SHARING_MANAGE
    list_display = [
        "provider",
        "recipient",
        "intelligence_p",
        "intelligence_c",
        "referrals",
        "statistics",
        "valid_from",
        "valid_until",
        "active",
    ]
    fields = [
        "intelligence_p",
        "intelligence_c",
        "referrals",
        "statistics",
        "conditions",
        "valid_until",
        "active",
    ]


@admin.register(AuditEvent, site=admin_site)
class AuditEventAdmin(PolicyAdmin):
    """Read-only: the audit trail is append-only for everyone, administrators included."""

    permission = Permission.AUDIT_VIEW
    list_display = ["sequence", "occurred_at", "actor_label", "action", "object_type", "object_id"]
    readonly_fields = (
        "sequence",
        "occurred_at",
        "actor_label",
        "organisation_id",
        "action",
        "object_type",
        "object_id",
        "details",
        "previous_hash",
        "hash",
    )
    fields = readonly_fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
