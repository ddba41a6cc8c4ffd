"""Background tasks of intelligence: network analytics over the graph the requesting user may see."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from tiaki.intelligence import analytics
from tiaki.intelligence.models import AnalyticsRun, RunStatus
from tiaki.intelligence.rules import visible_relations


def _step(run: AnalyticsRun, progress: int, stage: str) -> None:
    run.progress = progress
    run.stage = stage
    run.save(update_fields=["progress", "stage"])


@task()
def network_analytics(run_id: int) -> int:
    """Components, Leiden communities and broker scores for one run; progress is saved as it goes."""
    run = AnalyticsRun.objects.select_related("requested_by").get(pk=run_id)
    run.status = RunStatus.RUNNING
    run.save(update_fields=["status"])
    try:
        _step(run, 10, "loading")
        # Computed on what this user may see: scores on the full graph would leak hidden structure.
        edges = list(visible_relations(run.requested_by).values_list("source_id", "target_id"))
        g = analytics.build(edges)
        _step(run, 30, "components")
        component = analytics.components(g)
        _step(run, 50, "communities")
        community = analytics.communities(g, resolution=run.resolution)
        _step(run, 70, "brokers")
        betweenness, estimated = analytics.broker_scores(g, component)
        previous = (
            AnalyticsRun.objects.filter(
                requested_by=run.requested_by, status=RunStatus.DONE, created_at__lt=run.created_at
            )
            .order_by("-created_at")
            .first()
        )
        known = {int(k) for k in previous.result.get("scores", {})} if previous else None
        _step(run, 90, "summary")
        result = analytics.summarise(
            g, component, community, betweenness, estimated=estimated, previous_entities=known
        )
        _step(run, 95, "layout")
        result["overview"] = analytics.overview(g, component, community, betweenness)
        run.result = result
        run.status = RunStatus.DONE
        run.progress = 100
        run.stage = "done"
        run.finished_at = timezone.now()
        run.save(update_fields=["result", "status", "progress", "stage", "finished_at"])
    except Exception:
        run.status = RunStatus.FAILED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        raise
    return run.pk
