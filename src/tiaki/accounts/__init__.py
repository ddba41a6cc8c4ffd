"""Organisations, users, memberships, roles, permissions and two-factor authentication."""
