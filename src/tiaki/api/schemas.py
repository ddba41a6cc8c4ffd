"""Shared API schemas: the two error shapes every operation may answer with."""

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator


class Problem(Schema):
    detail: str


class Invalid(Schema):
    """422: what was wrong with the input, field by field (our validation) or as a list (request parsing)."""

    detail: str
    errors: dict[str, list[str]] | list[dict[str, Any]]


def _iso_date_text(value: Any) -> Any:
    # Pydantic would read a bare number as a Unix timestamp; the schema promises an ISO date string.
    if value is not None and not isinstance(value, str):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_text)]
