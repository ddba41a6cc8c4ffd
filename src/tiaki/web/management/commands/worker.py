"""`tiaki worker`: the background task worker (database-backed queue; no extra server)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run background tasks. At start it queues re-screening of reports screened by older rules, so a "
        "deployment that changes the rule files re-screens what is already stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="process the queue, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        from tiaki.screening.tasks import enqueue_stale

        queued = enqueue_stale()
        if queued:
            self.stderr.write(f"queued {queued} reports for re-screening")
        call_command("db_worker", batch=options["batch"])
