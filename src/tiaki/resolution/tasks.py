"""Background tasks of entity resolution: resolving a report's mentions after it is stored."""

from __future__ import annotations

from collections import defaultdict

from django_tasks import task

from tiaki.resolution import services
from tiaki.resolution.models import Mention


@task()
def resolve_mentions(mention_ids: list[int]) -> int:
    """Resolve newly stored mentions into entities; returns how many links were made."""
    mentions = list(Mention.objects.filter(pk__in=mention_ids))
    return len(services.mentions_resolve(mentions=mentions))


def enqueue_unresolved() -> int:
    """Queue every mention still without a link, one task per report or record (run at worker start-up).

    A mention is queued after its report commits; a web server killed between the two, or a queue lost
    with its database, would otherwise leave it unresolved for ever. Re-running is safe: mentions_resolve
    skips mentions that are linked by then.
    """
    by_source: dict[tuple[int | None, int | None], list[int]] = defaultdict(list)
    for pk, report_id, record_id in Mention.objects.filter(link__isnull=True).values_list(
        "pk", "report_id", "record_id"
    ):
        by_source[(report_id, record_id)].append(pk)
    for ids in by_source.values():
        resolve_mentions.enqueue(ids)
    return sum(len(ids) for ids in by_source.values())
