"""Shared API schemas."""

from ninja import Schema


class Problem(Schema):
    detail: str
