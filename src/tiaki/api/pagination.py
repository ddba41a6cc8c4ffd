"""Pagination with bounded limit and offset: unbounded integers reach the database as SQL it rejects."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination


class BoundedLimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=1_000_000_000)
