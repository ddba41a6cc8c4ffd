"""`tiaki audit verify`: check the audit hash chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.governance import audit


class Command(BaseCommand):
    help = "Audit trail tools. `verify` checks the hash chain and names the first bad event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if not result.ok:
            raise CommandError(f"audit chain BROKEN at event #{result.first_bad_sequence}: {result.reason}")
        self.stdout.write(f"audit chain intact: {result.events_checked} events")
