"""`tiaki worker`: the background task worker (database-backed queue; no extra server)."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

# A task claimed this many times by workers that then died is failed rather than queued again: it may be
# the very thing that kills its worker (out of memory, a crash in native code).
MAX_CLAIMS = 3


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:8]
    except OSError:
        return "-"


def worker_id() -> str:
    """host/boot/pid/random: enough for a restarted worker to tell whether a task's claimant still lives.

    django-tasks-db marks a claimed task RUNNING and has no heartbeat, so a worker killed with SIGKILL (or
    by the out-of-memory killer, or a power cut) leaves its task RUNNING for ever.
    """
    return f"{socket.gethostname()[:30]}/{_boot_id()}/{os.getpid()}/{get_random_string(8)}"


def _claimant_dead(owner: str) -> bool | None:
    """True when `owner` (a worker id) was a worker on this machine that no longer runs; None if unknown."""
    parts = owner.split("/")
    if len(parts) != 4 or parts[0] != socket.gethostname()[:30] or not parts[2].isdecimal():
        return None  # another machine's worker, or an id not made by worker_id(): cannot tell
    if parts[1] != _boot_id():
        return True  # claimed before this machine last booted
    pid = int(parts[2])
    if pid == os.getpid():
        return True  # a restarted container can give the new worker the old one's pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, under another account
    return False


def recover_abandoned() -> tuple[int, int, int]:
    """Queue again the tasks left RUNNING by dead workers of this machine; return (requeued, failed, unknown).

    Tasks are written to be safe to run again (they upsert their results), so a task interrupted half-way
    simply runs once more. Tasks claimed by workers on other machines are left alone (`unknown`).
    """
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    requeued = failed = unknown = 0
    with transaction.atomic():
        for result in DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING):
            dead = _claimant_dead(result.worker_ids[-1] if result.worker_ids else "")
            if dead is None:
                unknown += 1
                continue
            if not dead:
                continue
            if len(result.worker_ids) >= MAX_CLAIMS:
                result.status = TaskResultStatus.FAILED
                result.finished_at = timezone.now()
                result.exception_class_path = "tiaki.worker.WorkerDied"
                result.traceback = f"the worker died while running this task {len(result.worker_ids)} times"
                result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                failed += 1
            else:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                requeued += 1
    return requeued, failed, unknown


class Command(BaseCommand):
    help = (
        "Run background tasks. At start it queues again the tasks a killed worker of this machine left "
        "running, queues re-screening of reports screened by older rules (so a deployment that changes "
        "the rule files re-screens what is already stored) and resolution of mentions never resolved."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="process the queue, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        from tiaki.resolution.tasks import enqueue_unresolved
        from tiaki.screening.tasks import enqueue_stale

        requeued, failed, unknown = recover_abandoned()
        if requeued or failed:
            self.stderr.write(
                f"requeued {requeued} tasks left running by a stopped worker; failed {failed} that had "
                f"stopped a worker {MAX_CLAIMS} times"
            )
        if unknown:
            self.stderr.write(f"{unknown} tasks are running on other machines' workers: left alone")
        queued = enqueue_stale()
        if queued:
            self.stderr.write(f"queued {queued} reports for re-screening")
        unresolved = enqueue_unresolved()
        if unresolved:
            self.stderr.write(f"queued {unresolved} unresolved mentions for resolution")
        _schedule_retention()
        call_command("db_worker", batch=options["batch"], worker_id=worker_id())


def _schedule_retention() -> None:
    # Retention (governance/retention.py) runs daily as a self-requeueing task; this queues the first run.
    from tiaki.governance.tasks import schedule_retention

    schedule_retention()
