"""`tiaki stats_release --kind ctdc|events|campaigns|sessions|dp --out FILE --user USERNAME`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.accounts.models import Organisation, User
from tiaki.accounts.permissions import Permission
from tiaki.governance import policy
from tiaki.stats import dp, exports


class Command(BaseCommand):
    help = (
        "Write a privacy-protected statistical release of the data the given user may count: the CTDC-style "
        "aggregate (ctdc), programme data (events, campaigns, sessions) as CSV, or XLSX when FILE ends in "
        ".xlsx; or a differentially private release (dp, JSON) with --query and --epsilon."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, choices=[*exports.KINDS, "dp"])
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument("--user", required=True, help="the staff member on whose behalf to release")
        parser.add_argument("--hxl", action="store_true", help="add an HXL hashtag row under the header")
        parser.add_argument("--query", choices=list(dp.QUERIES), default="cases_by_year_citizenship")
        parser.add_argument("--epsilon", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['user']!r}")
        # The operator at the console stands in for the second factor of the named user.
        user.is_verified = lambda: True  # type: ignore[attr-defined]
        out: Path = options["out"]
        if not out.parent.exists():
            raise CommandError(f"directory {out.parent} does not exist")
        try:
            if options["kind"] == "dp":
                self._dp(user, out, options["query"], options["epsilon"])
                return
            count = exports.write(user=user, kind=options["kind"], out=out, hxl=options["hxl"])
        except policy.Denied as denial:
            raise CommandError(f"{options['user']} may not release statistics: {denial.reason}") from denial
        self.stdout.write(f"wrote {count} rows to {out}")

    def _dp(self, user: User, out: Path, query: str, epsilon: float) -> None:
        organisation_ids = policy.require(user, Permission.STATS_EXPORT)
        organisation = Organisation.objects.get(pk=min(organisation_ids))
        try:
            release = dp.dp_release_create(
                actor=user, organisation=organisation, query=query, epsilon=epsilon
            )
        except dp.ReleaseError as problem:
            raise CommandError(str(problem)) from problem
        document = {
            "release": release.pk,
            "query": release.query,
            "mechanism": release.mechanism,
            "epsilon": release.epsilon,
            "scale": release.scale,
            "accuracy_95": release.accuracy_95,
            "cells": [{"key": c["key"], "count": c["display"]} for c in release.released],
        }
        out.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        out.chmod(0o600)
        self.stdout.write(
            f"wrote DP release #{release.pk} (epsilon {release.epsilon:.3f}, "
            f"±{release.accuracy_95:.1f} at 95%) to {out}"
        )
