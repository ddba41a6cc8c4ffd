"""Incremental resolution in the application: one new report's mentions against N resolved mentions.

Builds a throwaway database, stores N mentions drawn from a synthetic world's people (with the errors
partners make, as in resolution_scale.py) and resolves them in bulk; then times `mentions_add` +
`mentions_resolve` for each of --reports new reports (three mentions each), and prints the median and 95th
percentile next to the same-run baseline: re-resolving everything in one batch. Target: under 1 s a report.

    uv run python benchmarks/resolution_incremental.py --existing 10000 100000
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--existing", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--reports", type=int, default=50)
    parser.add_argument("--per-report", type=int, default=3)
    args = parser.parse_args()
    for n in args.existing:
        with tempfile.TemporaryDirectory() as tmp:
            run(n, args.reports, args.per_report, Path(tmp))


def run(n: int, reports: int, per_report: int, tmp: Path) -> None:
    os.environ["TIAKI_DATA_DIR"] = str(tmp)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tiaki.config.settings.base"
    import django

    if not hasattr(django, "_tiaki_ready"):
        django.setup()
        django._tiaki_ready = True  # type: ignore[attr-defined]
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections, transaction

    # A second run in the same process gets a database of its own.
    connections.close_all()
    settings.DATABASES["default"]["NAME"] = str(tmp / "bench.sqlite3")
    for alias in list(connections):
        del connections[alias]
    call_command("migrate", verbosity=0)

    import pandas as pd

    from tiaki.accounts import services as accounts_services
    from tiaki.intake.models import Channel, Report
    from tiaki.resolution import services
    from tiaki.resolution.demo import store_resolved
    from tiaki.resolution.linkage import DEFAULT_MODEL_PATH, resolve_mentions
    from tiaki.resolution.models import EntityLink, Mention, MentionRole
    from tiaki.world import generate

    sys.path.insert(0, str(Path(__file__).parent))
    from resolution_scale import make_mentions

    started = time.perf_counter()
    generate(people=max(1000, n // 2), seed=11, out=tmp / "world")
    people = pd.read_csv(tmp / "world" / "people.csv", dtype=str, keep_default_na=False)
    rows = make_mentions(people, int((n + reports * per_report) * 1.1) + 50, seed=11)
    # Shuffled: the generator lists each person's mentions together, and a new report should name people
    # already known about as often as the partners' reports do.
    rows = rows[rows["name"] != ""].sample(frac=1.0, random_state=11).reset_index(drop=True)
    existing, fresh = rows.iloc[:n], rows.iloc[n : n + reports * per_report]
    if len(fresh) < reports * per_report:
        raise SystemExit(f"the world gave only {len(rows):,} mentions; need {n + reports * per_report:,}")
    truth = dict(zip(rows["id"], rows["entity_id"], strict=True))

    organisation = accounts_services.organisation_create(
        actor=None, name="Benchmark partner", org_type="ngo", country="TH"
    )
    fields = services.ATTRIBUTE_FIELDS

    def attributes(row: pd.Series) -> dict[str, str]:
        return {k: str(row[k]) for k in fields if k in row and str(row[k])}

    with transaction.atomic():
        holders = Report.objects.bulk_create(
            [
                Report(organisation=organisation, channel=Channel.IMPORT, narrative="bulk")
                for _ in range(0, len(existing), per_report)
            ],
            batch_size=2000,
        )
        mentions = [
            Mention(
                organisation=organisation,
                report=holders[i // per_report],
                kind="person",
                role=MentionRole.OTHER,
                value=row["name"],
                attributes=attributes(row),
                external_key=row["id"],
            )
            for i, (_index, row) in enumerate(existing.iterrows())
        ]
        stored = store_resolved(mentions)
    loaded = time.perf_counter() - started
    print(f"\n{n:,} existing mentions resolved into {len(stored.entities):,} entities (set-up {loaded:.0f}s)")

    times: list[float] = []
    decisions: list[str] = []
    correct = 0
    for r in range(reports + 1):  # the first report warms up the model and the engine; not counted
        batch = fresh.iloc[((r - 1) % reports) * per_report : ((r - 1) % reports + 1) * per_report]
        report = Report.objects.create(organisation=organisation, channel=Channel.API, narrative="new")
        began = time.perf_counter()
        made = services.mentions_add(
            actor=None,
            report=report,
            mentions=[{"kind": "person", **attributes(row)} for _i, row in batch.iterrows()],
            resolve=False,
        )
        links = services.mentions_resolve(mentions=made)
        elapsed = time.perf_counter() - began
        if r == 0:
            Mention.objects.filter(pk__in=[m.pk for m in made]).delete()
            continue
        for m, row_id in zip(made, batch["id"], strict=True):  # for scoring against the truth below
            Mention.objects.filter(pk=m.pk).update(external_key=row_id)
        times.append(elapsed)
        for link, (_i, row) in zip(links, batch.iterrows(), strict=True):
            decisions.append(link.decision)
            if link.decision == "auto":
                others = EntityLink.objects.filter(entity_id=link.entity_id).exclude(pk=link.pk)
                keys = Mention.objects.filter(link__in=others).values_list("external_key", flat=True)
                correct += any(truth.get(k) == row["entity_id"] for k in keys)

    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    autos = decisions.count("auto")
    print(
        f"  incremental, one report of {per_report} mentions ({len(times)} reports): "
        f"median {statistics.median(times):.3f}s, p95 {p95:.3f}s, max {times[-1]:.3f}s (target < 1 s)"
    )
    print(
        f"  decisions: {autos} auto ({correct} to the right person), {decisions.count('pending')} pending, "
        f"{decisions.count('new')} new"
    )

    frame = pd.concat([existing, fresh]).drop(columns="entity_id").reset_index(drop=True)
    began = time.perf_counter()
    resolve_mentions(frame, model_path=Path(str(DEFAULT_MODEL_PATH)), threshold=services.AUTO_THRESHOLD)
    batch_seconds = time.perf_counter() - began
    print(
        f"  baseline, re-resolving all {len(frame):,} mentions in one batch: {batch_seconds:.1f}s "
        f"({batch_seconds / statistics.median(times):,.0f}x the incremental median)"
    )


if __name__ == "__main__":
    main()
