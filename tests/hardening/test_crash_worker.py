"""kill -9 of `tiaki worker` in the middle of a task: on restart the task runs again and all work finishes."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from tiaki.accounts.models import Organisation
from tiaki.governance import audit
from tiaki.governance.models import AuditEvent
from tiaki.intake import services as intake_services
from tiaki.intake.models import Channel, Report
from tiaki.screening.models import ReportScreening
from tiaki.screening.services import stale_report_ids
from tiaki.screening.tasks import screen_report
from tiaki.web.management.commands import worker

from .processes import Process, freeze_mid_task, kill_all, run_tiaki, tiaki_env

REPORTS = 40
NARRATIVES = (
    "They took my passport when I arrived and I cannot leave the compound at night.",
    "The agent said I owe a debt of 5000 dollars and my wages are kept until it is paid.",
    "We work sixteen hours a day and sleep on the factory floor; the boss threatens our families.",
    "My cousin answered an advertisement for hotel work and was sold to a karaoke bar.",
)


def _reports(organisation: Organisation, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    # Stored without queueing screening (the test settings would run it at once, in this process): the
    # worker's start-up finds them unscreened and queues them, as after a web server died before queueing.
    monkeypatch.setattr(intake_services, "_queue_screening", lambda report_id: None)
    return [
        intake_services.report_submit(
            actor=None,
            organisation=organisation,
            channel=Channel.PARTNER_FORM,
            narrative=f"{NARRATIVES[i % len(NARRATIVES)]} (report {i})",
        ).pk
        for i in range(REPORTS)
    ]


def _screenings() -> Any:
    return DBTaskResult.objects.filter(task_path=screen_report.module_path)


@pytest.mark.slow  # two worker start-ups: about 30 s on an idle machine, longer on the shared one
@pytest.mark.django_db(transaction=True)
def test_kill_9_of_the_worker_mid_task_then_restart_finishes_everything_once(
    tmp_path: Path, org_a: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    report_ids = _reports(org_a, monkeypatch)
    env = tiaki_env()
    started: list[Process] = []
    try:
        first = Process.tiaki(env, tmp_path / "worker-1.log", "worker")
        started.append(first)
        interrupted = freeze_mid_task(first, screen_report.module_path, after=3)
        first.kill9()
        assert DBTaskResult.objects.get(pk=interrupted.pk).status == TaskResultStatus.RUNNING

        second = run_tiaki(env, "worker", "--batch")
        assert second.returncode == 0, second.stderr
        assert "requeued 1 tasks left running by a stopped worker" in second.stderr
    finally:
        kill_all(started)

    again = DBTaskResult.objects.get(pk=interrupted.pk)
    assert again.status == TaskResultStatus.SUCCESSFUL and len(again.worker_ids) == 2
    assert set(_screenings().values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    # Every report screened by the current rules, exactly one result each; a repeated run only re-audits.
    assert not stale_report_ids().exists()
    assert sorted(ReportScreening.objects.values_list("report_id", flat=True)) == sorted(report_ids)
    screened = list(AuditEvent.objects.filter(action="report.screen").values_list("object_id", flat=True))
    assert set(screened) == {str(pk) for pk in report_ids}
    assert all(Report.objects.get(pk=pk).language == "en" for pk in report_ids)
    assert audit.verify().ok


def _dead_pid() -> int:
    finished = subprocess.Popen(["true"])
    finished.wait()
    return finished.pid


def _claimed(*by: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [1], "kwargs": {}},
        task_path=screen_report.module_path,
        backend_name="default",
        run_after=get_date_max(),
        started_at=timezone.now(),
        worker_ids=list(by),
    )


@pytest.mark.django_db
def test_worker_start_up_requeues_only_tasks_whose_worker_is_gone() -> None:
    host, boot, dead, alive = socket.gethostname()[:30], worker._boot_id(), _dead_pid(), os.getppid()
    tasks = {
        "dead": _claimed(f"{host}/{boot}/{dead}/aaaaaaaa"),
        "alive": _claimed(f"{host}/{boot}/{alive}/aaaaaaaa"),
        "before reboot": _claimed(f"{host}/{'0' * 8 if boot != '0' * 8 else '1' * 8}/{alive}/aaaaaaaa"),
        "other machine": _claimed(f"elsewhere/{boot}/{dead}/aaaaaaaa"),
        "plain db_worker": _claimed("Qx81JmZpVh2yLw0bTnK4cRa7sEd9fGu3"),
        "killed its worker thrice": _claimed(*[f"{host}/{boot}/{dead}/aaaaaaa{n}" for n in range(3)]),
    }

    assert worker.recover_abandoned() == (2, 1, 2)  # requeued, failed, left alone as unknown

    status = {name: DBTaskResult.objects.get(pk=task.pk) for name, task in tasks.items()}
    assert {name: result.status for name, result in status.items()} == {
        "dead": TaskResultStatus.READY,
        "alive": TaskResultStatus.RUNNING,
        "before reboot": TaskResultStatus.READY,
        "other machine": TaskResultStatus.RUNNING,
        "plain db_worker": TaskResultStatus.RUNNING,
        "killed its worker thrice": TaskResultStatus.FAILED,
    }
    assert status["dead"].started_at is None and status["dead"].worker_ids == tasks["dead"].worker_ids
    assert status["killed its worker thrice"].exception_class_path == "tiaki.worker.WorkerDied"
    assert worker.recover_abandoned() == (0, 0, 2)  # nothing left to do on a second start


def test_worker_ids_name_this_machine_and_process_within_the_queue_limit() -> None:
    host, boot, pid, suffix = worker.worker_id().split("/")
    assert (host, boot, pid) == (socket.gethostname()[:30], worker._boot_id(), str(os.getpid()))
    assert len(suffix) == 8 and len(worker.worker_id()) <= 64
