"""Background task of watchlist screening: one uploaded list screened by the worker."""

from __future__ import annotations

from django_tasks import task
from django_tasks.base import TaskContext

from tiaki.resolution import watchlist_services


@task(takes_context=True)
def watchlist_screen(context: TaskContext, screening_id: int) -> str:
    """Screen a queued list; progress and the outcome (done or failed) are saved on the screening."""
    # A second attempt means the worker running the first one died (`tiaki worker` re-queues such tasks at
    # start-up): the screening was left RUNNING, with its list still waiting, and must be taken up again.
    resume = context.attempt > 1
    return str(watchlist_services.watchlist_screening_run(screening_id, resume=resume).status)
