"""`tiaki rescreen`: queue screening for reports never screened or screened by older rules."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tiaki.screening.tasks import enqueue_stale


class Command(BaseCommand):
    help = "Queue screening of every report whose stored result is missing or from an older rule set."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"queued {enqueue_stale()} reports for screening")
