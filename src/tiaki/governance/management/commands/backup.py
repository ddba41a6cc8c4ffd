"""`tiaki backup --out FILE | --verify FILE | --period-keys-out FILE`: encrypted, verifiable backups."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.governance import backup


class Command(BaseCommand):
    help = (
        "Write an encrypted backup (database dump + attachment files, sealed with TIAKI_BACKUP_KEY; data "
        "keys are never included), or --verify one: decrypt and check every checksum without restoring."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--out", type=Path, help="where to write the backup")
        group.add_argument("--verify", type=Path, metavar="FILE", help="check an existing backup")
        group.add_argument(
            "--period-keys-out",
            type=Path,
            metavar="FILE",
            help="write the retention period keys (never in a database backup); overwrite, keep no history",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["period_keys_out"]:
                keys, destroyed = backup.export_period_keys(options["period_keys_out"])
                self.stdout.write(
                    f"period keys written: {options['period_keys_out']} ({keys} keys, {destroyed} destroyed)"
                )
                return
            if options["verify"]:
                manifest = backup.verify(options["verify"])
                self.stdout.write(f"backup OK: {options['verify']}")
            else:
                out: Path = options["out"]
                if not out.parent.is_dir():
                    raise CommandError(f"directory {out.parent} does not exist")
                manifest = backup.create(out, progress=self.stderr.write)
                self.stdout.write(f"backup written: {out}")
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        for line in backup.iter_manifest_lines(manifest):
            self.stdout.write(f"  {line}")
