"""Time to compute each statistics dashboard, the CTDC release and a DP release on a loaded synthetic world,
against the same queries without protection (plain grouped counts), same run.

Run: uv run python benchmarks/stats_dashboards.py [--people 5000] [--repeat 5]
Builds a throwaway SQLite database in a temporary directory, loads the world's organisations, reports, cases
and programmes, and measures as a case supervisor of the organisation with the most cases.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _median_ms(function: Callable[[], Any], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _add_bulk(organisation: Any, cases: int) -> None:
    """Synthetic cases and reports in bulk (random but seeded), enough for the protection to matter."""
    import datetime as dt
    import random

    from tiaki.cases.models import Case
    from tiaki.cases.vocab import ExploitationType, Gender, MethodOfControl
    from tiaki.intake.models import Channel, Report

    prng = random.Random(1)
    owner = Case.objects.filter(organisation=organisation).values_list("owner_id", flat=True).first()
    countries = ["VN", "MM", "TH", "ID", "MY", "LK", "KH", "LA", "PH", "NP"]
    start = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    Case.objects.bulk_create(
        (
            Case(
                organisation=organisation,
                owner_id=owner,
                gender=prng.choice([Gender.FEMININE, Gender.MASCULINE, Gender.UNKNOWN]),
                citizenship=prng.choice(countries),
                type_of_exploitation=prng.sample(ExploitationType.values, prng.choice([1, 1, 2])),
                methods_of_control=prng.sample(MethodOfControl.values, 3),
                opened_at=start + dt.timedelta(days=prng.randint(0, 3 * 365)),
            )
            for _ in range(cases)
        ),
        batch_size=2000,
    )
    Report.objects.bulk_create(
        (
            Report(
                organisation=organisation,
                channel=Channel.INTERVIEW,
                narrative="synthetic",
                country=prng.choice(countries),
                received_at=start + dt.timedelta(days=prng.randint(0, 3 * 365)),
            )
            for _ in range(2 * cases)
        ),
        batch_size=2000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--extra-cases",
        type=int,
        default=50_000,
        help="synthetic cases (and twice as many reports) added in bulk",
    )
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="tiaki-stats-bench-"))
    os.environ["TIAKI_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tiaki.config.settings.base"
    import django

    django.setup()
    from django.core.exceptions import PermissionDenied
    from django.core.management import call_command
    from django.db.models import Count

    from tiaki.accounts import services as accounts_services
    from tiaki.accounts.permissions import Role
    from tiaki.cases.models import Case
    from tiaki.intake.models import Report
    from tiaki.programmes import demo as programmes_demo
    from tiaki.stats import dp, exports, selectors
    from tiaki.world import generate, load

    call_command("migrate", verbosity=0)
    world = data_dir / "world"
    started = time.perf_counter()
    generate(people=args.people, seed=1, out=world)
    organisations = load.organisations(world)
    load.sharing_agreements(organisations)
    load.reports(world, organisations, lambda *_: None)
    try:
        load.cases(world, organisations, lambda *_: None)
    except PermissionDenied as stopped:  # a world-loader defect, reported; measure what was loaded
        print(f"note: the world's case loader stopped early ({stopped}); measuring the cases loaded so far")
    loaded_programmes = programmes_demo.load(world, organisations)
    print(
        f"world of {args.people:,} people loaded in {time.perf_counter() - started:.1f} s: "
        f"{Case.objects.count():,} cases, {loaded_programmes} programmes"
    )

    busiest = Case.objects.values("organisation").annotate(n=Count("pk")).order_by("-n").first()
    organisation = next(o for o in organisations.values() if o.pk == busiest["organisation"])
    _add_bulk(organisation, args.extra_cases)
    print(
        f"measuring over {Case.objects.filter(organisation=organisation).count():,} cases and "
        f"{Report.objects.filter(organisation=organisation).count():,} reports of one organisation"
    )
    user = accounts_services.user_create(
        actor=None, organisation=organisation, username="bench", password=None, role=Role.CASE_SUPERVISOR
    )
    user.is_verified = lambda: True  # type: ignore[attr-defined]

    def baseline() -> None:
        list(Case.objects.filter(organisation=organisation).values("citizenship").annotate(n=Count("pk")))

    print(f"baseline (one grouped count, no protection): {_median_ms(baseline, args.repeat):8.1f} ms")

    def raw_over_time() -> None:  # the reports-and-cases dashboard's two queries, without protection
        selectors._by_quarter_and(Report.objects.filter(organisation=organisation), "received_at", "country")
        selectors._by_quarter_and(Case.objects.filter(organisation=organisation), "opened_at", "citizenship")

    print(f"baseline (its two quarter queries, raw):      {_median_ms(raw_over_time, args.repeat):8.1f} ms")
    for name, function in [
        ("reports and cases", selectors.reports_and_cases),
        ("indicators", selectors.indicators),
        ("referrals", selectors.referrals),
        ("returns", selectors.returns),
        ("outreach", selectors.outreach),
        ("training", selectors.training),
    ]:
        print(f"dashboard {name:<20} {_median_ms(lambda f=function: f(user=user), args.repeat):8.1f} ms")

    def ctdc() -> None:
        exports.build(user=user, kind="ctdc")

    def release() -> None:
        dp.dp_release_create(
            actor=user, organisation=organisation, query="cases_by_year_citizenship", epsilon=1.0
        )

    print(f"CTDC release (build)           {_median_ms(ctdc, args.repeat):8.1f} ms")
    print(f"DP release (cases, eps=1)      {_median_ms(release, args.repeat):8.1f} ms")


if __name__ == "__main__":
    main()
