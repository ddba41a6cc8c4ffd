"""kill -9 of `tiaki worker` while it resolves mentions into entities: on restart every mention is resolved
once, nothing half-linked is visible, and the audit chain holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tiaki.accounts.models import Organisation
from tiaki.governance import audit
from tiaki.governance.models import AuditEvent
from tiaki.intake import services as intake_services
from tiaki.intake.models import Channel
from tiaki.intelligence.models import Provenance
from tiaki.resolution import services as resolution_services
from tiaki.resolution.models import EntityLink, Mention
from tiaki.resolution.tasks import resolve_mentions

from .processes import Process, freeze_mid_task, kill_all, run_tiaki, tiaki_env

PEOPLE = (
    {"name": "Tran Van Hung", "dob": "1984-05-02", "nationality": "VN", "role": "suspect"},
    {"name": "Trần Văn Hùng", "dob": "1984-05-02", "nationality": "VN", "role": "suspect"},
    {"name": "Nguyen Thi Lan", "dob": "2001-11-20", "nationality": "VN", "role": "victim"},
    {"name": "วิชัย บุญมี", "dob": "1979-01-15", "nationality": "TH", "role": "suspect"},
    {"name": "Wichai Boonmee", "dob": "1979-01-15", "nationality": "TH", "role": "suspect"},
)
REPORTS = 12


def _unresolved_reports(organisation: Organisation, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    # Stored without queueing anything (the test settings would run tasks at once, in this process): the
    # worker's start-up finds the unresolved mentions and queues them, as after a web server died between
    # a report's commit and the queueing.
    monkeypatch.setattr(intake_services, "_queue_screening", lambda report_id: None)
    mention_ids: list[int] = []
    for i in range(REPORTS):
        report = intake_services.report_submit(
            actor=None, organisation=organisation, channel=Channel.PARTNER_FORM, narrative=f"Report {i}."
        )
        people = [PEOPLE[i % len(PEOPLE)], PEOPLE[(i + 2) % len(PEOPLE)]]
        created = resolution_services.mentions_add(actor=None, report=report, mentions=people, resolve=False)
        mention_ids += [m.pk for m in created]
    return mention_ids


@pytest.mark.slow  # two worker start-ups and Splink scoring: about a minute on the shared machine
@pytest.mark.django_db(transaction=True)
def test_kill_9_of_the_worker_while_resolving_then_restart_resolves_every_mention_once(
    tmp_path: Path, org_a: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    mention_ids = _unresolved_reports(org_a, monkeypatch)
    env = tiaki_env()
    started: list[Process] = []
    try:
        first = Process.tiaki(env, tmp_path / "worker-1.log", "worker")
        started.append(first)
        interrupted = freeze_mid_task(first, resolve_mentions.module_path, after=2)
        first.kill9()
        # What the killed task had not committed is not there: its report's mentions are all unlinked.
        assert not EntityLink.objects.filter(mention_id__in=interrupted.args_kwargs["args"][0]).exists()

        second = run_tiaki(env, "worker", "--batch")
        assert second.returncode == 0, second.stderr
        assert "requeued 1 tasks left running by a stopped worker" in second.stderr
    finally:
        kill_all(started)

    resolutions = DBTaskResult.objects.filter(task_path=resolve_mentions.module_path)
    assert set(resolutions.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    # Every mention linked exactly once (one-to-one by the schema), each link supported by its report.
    assert sorted(EntityLink.objects.values_list("mention_id", flat=True)) == sorted(mention_ids)
    assert Mention.objects.filter(link__isnull=True).count() == 0
    for link in EntityLink.objects.select_related("mention"):
        assert Provenance.objects.filter(entity_id=link.entity_id, report_id=link.mention.report_id).exists()
    created = AuditEvent.objects.filter(action="entity_link.create").values_list("object_id", flat=True)
    assert len(list(created)) == len(set(created)) == len(mention_ids)
    # The spellings of one person met: the Vietnamese and the Thai pairs each resolved to one entity.
    hung = {
        m.link.entity_id
        for m in Mention.objects.filter(role="suspect")
        if "Hung" in m.value or "Hùng" in m.value
    }
    assert len(hung) == 1
    assert audit.verify().ok
