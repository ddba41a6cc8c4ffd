"""Background tasks of governance: the daily retention run."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import default_task_backend, task

from tiaki.governance import retention

DAILY = dt.timedelta(days=1)


@task()
def retention_daily() -> dict[str, int]:
    """Apply the retention policy, then queue tomorrow's run (the worker queues the first at start)."""
    try:
        outcomes = retention.run()
    finally:
        # Even a failed run is retried tomorrow: retention must not stop silently after one bad day.
        _queue(timezone.now() + DAILY)
    return {
        "records": sum(o.rows for o in outcomes),
        "keys_destroyed": sum(o.key_destroyed for o in outcomes),
    }


def _waiting() -> bool:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=retention_daily.module_path, status=TaskResultStatus.READY
    ).exists()


def _queue(run_after: dt.datetime) -> bool:
    if not default_task_backend.supports_defer or _waiting():
        return False  # the immediate backend (tests) cannot defer; one waiting run is enough
    retention_daily.using(run_after=run_after).enqueue()
    return True


def schedule_retention() -> bool:
    """Queue a retention run now unless one is already waiting; True if one was queued."""
    return _queue(timezone.now())
