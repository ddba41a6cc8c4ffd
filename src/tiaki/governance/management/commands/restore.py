"""`tiaki restore FILE`: replace the database and attachments with a backup's, then verify the audit chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.governance import audit, backup


class Command(BaseCommand):
    help = "Restore a backup made by `tiaki backup` (stop the web server and workers first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the database")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("restore replaces the whole database; run again with --yes to confirm")
        try:
            manifest = backup.restore(options["archive"], progress=self.stderr.write)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        result = audit.verify()
        if not result.ok or result.events_checked != manifest.audit_sequence:
            raise CommandError(
                "restored, but the audit chain does not match the backup: "
                f"{result.reason or 'length differs'}"
            )
        self.stdout.write(
            f"restored {options['archive']}; audit chain intact: {result.events_checked} events"
        )
