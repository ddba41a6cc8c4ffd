"""Background tasks of screening."""

from __future__ import annotations

from django_tasks import task

from tiaki.screening import services


@task()
def screen_report(report_id: int) -> str:
    return services.report_screen(report_id=report_id).level


def enqueue_stale() -> int:
    """Queue every report whose stored result is missing or from older rules (run at start-up)."""
    queued = 0
    for report_id in services.stale_report_ids().iterator():
        screen_report.enqueue(report_id)
        queued += 1
    return queued
