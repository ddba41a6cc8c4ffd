"""`tiaki restore FILE`: replace the database and attachments with a backup's, then verify the audit chain.

`--period-keys FILE` puts back retention period keys from their own archive, never one destroyed since.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.governance import audit, backup


class Command(BaseCommand):
    help = "Restore a backup made by `tiaki backup` (stop the web server and workers first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, nargs="?")
        parser.add_argument(
            "--period-keys",
            type=Path,
            metavar="FILE",
            help="restore period keys (`tiaki backup --period-keys-out`)",
        )
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the database")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["period_keys"]:
            try:
                restored_keys, refused = backup.import_period_keys(options["period_keys"])
            except backup.BackupError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                f"period keys restored: {restored_keys}; refused (destroyed under retention): {refused}"
            )
            if options["archive"] is None:
                return
        if options["archive"] is None:
            raise CommandError("name a backup file to restore, or --period-keys FILE")
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
