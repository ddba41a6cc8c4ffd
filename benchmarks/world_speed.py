"""Time and peak memory of `tiaki world` for 1,000,000 people, against a 100,000-person run of the same code.

Run: uv run python benchmarks/world_speed.py [--people 1000000] [--seed 1]
Each size runs in a fresh process so peak RSS is that run's own. The baseline (a tenth of the people) shows
that time grows linearly and memory does not grow with the number of people (rows are streamed in chunks).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import json, resource, sys, time
from tiaki.world import generate
started = time.perf_counter()
summary = generate(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
elapsed = time.perf_counter() - started
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_rss_mib": peak_kib / 1024, "mentions": summary.mentions,
                  "reports": summary.reports, "travellers": summary.travellers}))
"""


def run(people: int, seed: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as out:
        result = subprocess.run(
            [sys.executable, "-c", CHILD, str(people), str(seed), out],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
        size = sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file())
    figures = json.loads(result.stdout)
    figures["output_mib"] = size / 2**20
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    baseline_people = max(1, args.people // 10)
    baseline = run(baseline_people, args.seed)
    full = run(args.people, args.seed)
    print(f"cores available: {os.cpu_count()}")
    for label, people, figures in (("baseline", baseline_people, baseline), ("world", args.people, full)):
        print(
            f"{label:8} people={people:>9,}  wall={figures['seconds']:7.1f} s"
            f"  peak_rss={figures['peak_rss_mib']:6.0f} MiB  output={figures['output_mib']:6.0f} MiB"
            f"  reports={figures['reports']:,}  mentions={figures['mentions']:,}"
        )
    scale = full["seconds"] / (baseline["seconds"] * args.people / baseline_people)
    print(
        f"time vs linear extrapolation of baseline: {scale:.2f}x; "
        f"memory growth for {args.people // baseline_people}x people: "
        f"{full['peak_rss_mib'] / baseline['peak_rss_mib']:.2f}x"
    )
    limit = 300.0
    verdict = "PASS" if full["seconds"] < limit else "FAIL"
    print(f"target: {args.people:,} people under {limit:.0f} s -> {verdict}")


if __name__ == "__main__":
    main()
