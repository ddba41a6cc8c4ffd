"""Render time of case pages with 10,000 cases on PostgreSQL: p50/p95 against a trivial view, same run.

Run: uv run python benchmarks/case_pages.py [--cases 10000] [--requests 200]
Uses TIAKI_DATABASE_URL if it points at PostgreSQL, else starts the throwaway test cluster
(scripts/pg-test-server.sh). A fresh database `tiaki_bench` is created for each run. Requests go through
Django's full middleware stack in-process (no network), as a signed-in caseworker with two-factor done.
Target (issue 7): p95 < 300 ms for the case list and a case page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]


def _database_url() -> str:
    url = os.environ.get("TIAKI_DATABASE_URL", "")
    if not url.startswith("postgres"):
        exports = subprocess.run(
            ["bash", str(ROOT / "scripts" / "pg-test-server.sh")], capture_output=True, text=True, check=True
        ).stdout
        url = next(line.split("=", 1)[1] for line in exports.splitlines() if "TIAKI_DATABASE_URL" in line)
    parsed = urlparse(url)
    import psycopg

    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS tiaki_bench")
        connection.execute("CREATE DATABASE tiaki_bench")
    return parsed._replace(path="/tiaki_bench").geturl()


def _timings(client: object, url: str, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    os.environ["TIAKI_DATABASE_URL"] = _database_url()
    os.environ.setdefault("TIAKI_DATA_DIR", tempfile.mkdtemp(prefix="tiaki-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tiaki.config.settings.base"
    os.environ["TIAKI_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tiaki.accounts import services as accounts_services
    from tiaki.cases.models import Case

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # pages link hashed static names
    organisation = accounts_services.organisation_create(
        actor=None, name="Bench NGO", org_type="ngo", country="VN"
    )
    worker = accounts_services.user_create(
        actor=None,
        organisation=organisation,
        username="bench",
        password="bench password 12345",
        role="case_supervisor",
    )
    device = TOTPDevice.objects.create(user=worker, name="bench", confirmed=True)
    started = time.perf_counter()
    Case.objects.bulk_create(
        (
            Case(
                organisation=organisation,
                owner=worker,
                gender="Feminine",
                citizenship="VN",
                identity={"first_name": f"Person {i}", "second_name": "Nguyễn"},
            )
            for i in range(args.cases)
        ),
        batch_size=2000,
    )
    print(f"created {args.cases:,} cases in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    client = Client()
    client.force_login(worker)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    some_case = Case.objects.order_by("pk")[args.cases // 2].pk
    pages = {
        "baseline: /healthz (trivial view)": "/healthz",
        "case list, first page": "/en/cases/",
        "case list, page 200": "/en/cases/?page=200",
        "case list, filtered (Active)": "/en/cases/?status=Active",
        "case page (identity, audited)": f"/en/cases/{some_case}/",
    }
    for url in pages.values():
        _timings(client, url, 5)  # warm-up
    print(
        f"{'page':<38} {'p50 ms':>8} {'p95 ms':>8}   ({args.requests} requests each, {args.cases:,} cases, "
        f"PostgreSQL, {os.cpu_count()} cores)"
    )
    baseline_p50 = 0.0
    for label, url in pages.items():
        samples = _timings(client, url, args.requests)
        p50 = statistics.median(samples)
        p95 = statistics.quantiles(samples, n=20)[18]
        if label.startswith("baseline"):
            baseline_p50 = p50
        ratio = (
            f"  ×{p50 / baseline_p50:.1f} baseline"
            if baseline_p50 and not label.startswith("baseline")
            else ""
        )
        print(f"{label:<38} {p50:>8.1f} {p95:>8.1f}{ratio}")


if __name__ == "__main__":
    main()
