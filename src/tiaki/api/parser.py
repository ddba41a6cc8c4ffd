"""The API's request parser: every endpoint's JSON body passes here before validation.

PostgreSQL text cannot hold the NUL character (SQLite can), so a NUL that reached a query would answer 500
on one database and succeed on the other. Paths, query strings and forms are checked for every request by
tiaki.web.middleware.RefuseNulMiddleware; a JSON body is checked here, decoded (a raw scan for the escape
would also refuse a harmless backslash followed by "u0000"). django-ninja answers 400 for any parser error.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser

from tiaki.web.middleware import NUL, NUL_REFUSED


def holds_nul(value: Any) -> bool:
    """Whether a decoded JSON value has a NUL character in any string, keys included."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(NUL in key or holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(holds_nul(item) for item in value)
    return False


class TextParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if holds_nul(data):
            raise ValueError(NUL_REFUSED)
        return data
