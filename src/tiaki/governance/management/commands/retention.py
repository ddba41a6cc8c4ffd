"""`tiaki retention [--dry-run]`: delete what is past its retention period and destroy unused period keys."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.governance import retention


class Command(BaseCommand):
    help = (
        "Apply the retention policy (governance/data/retention.toml): blank or delete every record past its "
        "period, then destroy each month's key once nothing uses it, so older backups cannot be read either. "
        "The worker runs this daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list what is due; change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            policy_set = retention.policies()
        except retention.PolicyError as error:
            raise CommandError(f"retention policy: {error}") from error
        for line in retention.describe(policy_set):
            self.stderr.write(f"  {line}")
        dry_run: bool = options["dry_run"]
        outcomes = retention.run(dry_run=dry_run, policy_set=policy_set, progress=self.stderr.write)
        rows = sum(outcome.rows for outcome in outcomes)
        keys = sum(outcome.key_destroyed for outcome in outcomes)
        if dry_run:
            self.stdout.write(f"dry run: {rows} records due; {keys} period keys would be destroyed")
        else:
            self.stdout.write(f"retention applied: {rows} records shredded; {keys} period keys destroyed")
