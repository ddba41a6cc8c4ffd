"""kill -9 of `tiaki serve` while the public submits reports: what was acknowledged survives, whole."""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from pathlib import Path

import pytest

from tiaki.accounts.models import Organisation
from tiaki.community import services as community_services
from tiaki.community.models import ReceiptCredential
from tiaki.governance.models import AuditEvent
from tiaki.intake.models import Channel, Report
from tiaki.screening.services import stale_report_ids

from .processes import (
    Process,
    free_port,
    kill_all,
    read_receipt,
    run_tiaki,
    start_server,
    submit_tip,
    tiaki_env,
)

CLIENTS = 4
ACKNOWLEDGED_BEFORE_KILL = 8


@pytest.mark.slow  # two server start-ups and `tiaki audit verify`: over 30 s on the shared machine
@pytest.mark.django_db(transaction=True)
def test_kill_9_of_the_web_server_loses_no_acknowledged_report(tmp_path: Path, org_a: Organisation) -> None:
    # Rate limit raised for this server only: the test submits faster than the public default allows.
    env = tiaki_env(TIAKI_TIP_RATE_LIMIT="100000")
    port = free_port()
    started: list[Process] = []
    try:
        started.append(start_server(env, tmp_path / "serve-1.log", port))
        acknowledged: dict[str, str] = {}  # marker -> receipt
        lock = threading.Lock()
        enough = threading.Event()
        dead = threading.Event()

        def client(number: int) -> None:
            attempt = 0
            while not dead.is_set():
                marker = f"crash-marker-{number}-{attempt}"
                attempt += 1
                try:
                    receipt = submit_tip(port, f"{marker}: they keep our passports and lock the dormitory.")
                except (OSError, http.client.HTTPException):
                    return  # the server is gone: this submission was never acknowledged
                if receipt is not None:
                    with lock:
                        acknowledged[marker] = receipt
                        if len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL:
                            enough.set()

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        assert enough.wait(timeout=180), started[0].output()
        started[0].kill9()
        dead.set()
        for thread in threads:
            thread.join(timeout=60)
        with lock:
            survivors = dict(acknowledged)

        started.append(start_server(env, tmp_path / "serve-2.log", port))

        # Every acknowledged receipt opens its report, and the report holds what was sent.
        for marker, receipt in survivors.items():
            report = community_services.receipt_verify(code=receipt)
            assert report is not None, marker
            assert report.narrative.startswith(f"{marker}: they keep our passports")

        # Nothing half-written: every stored tip is whole (narrative, receipt, both audit events), once.
        tips = list(Report.objects.filter(channel=Channel.PUBLIC_TIP))
        assert len(tips) >= len(survivors)
        markers = Counter(report.narrative.split(":", 1)[0] for report in tips)
        assert all(count == 1 for count in markers.values()), markers.most_common(3)
        assert set(survivors) <= set(markers)
        credentials = set(ReceiptCredential.objects.values_list("report_id", flat=True))
        events = set(AuditEvent.objects.values_list("action", "object_id"))
        for report in tips:
            assert report.narrative.strip() and report.organisation_id == org_a.pk
            assert report.pk in credentials
            assert ("report.submit", str(report.pk)) in events
            assert ("tip.receipt", str(report.pk)) in events
        verified = run_tiaki(env, "audit", "verify")
        assert verified.returncode == 0, verified.stderr
        assert f"audit chain intact: {AuditEvent.objects.count()} events" in verified.stdout

        # The restarted server serves: an old receipt opens its thread, and a new tip is acknowledged.
        assert "Your report" in read_receipt(port, next(iter(survivors.values())))
        assert submit_tip(port, "after the restart: a new report") is not None

        # A tip committed just before the kill may never have queued its screening (that happens after
        # the commit): the worker's start-up finds it unscreened and screens it with the rest.
        worked = run_tiaki(env, "worker", "--batch")
        assert worked.returncode == 0, worked.stderr
        assert not stale_report_ids().exists()
    finally:
        kill_all(started)
