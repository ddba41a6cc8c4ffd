"""Lockout helpers for django-axes: lock by username only, never by (or storing) a client address."""

from __future__ import annotations

from django.http import HttpRequest


def no_client_ip(request: HttpRequest) -> str:
    # Axes wants an address to record; we give it a constant so no address is ever stored.
    return "0.0.0.0"  # noqa: S104 - not a bind address
