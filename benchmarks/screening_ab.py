"""Compare the bulk screening speed of two versions of the code (or two interpreters) on a noisy machine.

Usage:
    git worktree add /tmp/tiaki-old HEAD~1
    uv run python benchmarks/screening_ab.py /tmp/tiaki-old/src src [--n 2500] [--rounds 16]
        [--old-python PATH] [--new-python PATH]

One warm process per side, both pinned to the same core, screen the same narratives (those of
screening_speed.py) with `detect_many` in alternating rounds, the order swapped every round. On a shared
machine the speed drifts by ±10% over minutes; alternating rounds see the same drift, so the median of
the per-round ratios (new / old CPU time) is the figure to read, not either side's time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def worker(src: str, n: int, core: int) -> None:
    """Load the code under `src`, warm up, then screen the narratives once per line read from stdin."""
    sys.path.insert(0, src)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core})
    # The side's own code first: screening_speed puts this checkout's src first on sys.path when imported,
    # and until the twelfth session that made both sides run the new code (every ratio was about 1).
    from tiaki.screening import detector

    sys.path.insert(0, str(HERE))
    from screening_speed import build_narratives

    loaded = Path(detector.__file__).resolve()
    if not loaded.is_relative_to(Path(src).resolve()):
        raise SystemExit(f"{src}: loaded {loaded} instead")
    items = [(text, None) for text in build_narratives(n, 7)]
    list(detector.detect_many(items))  # load rules and models, fill caches
    print("ready", loaded, flush=True)
    for _line in sys.stdin:
        start = time.process_time()
        list(detector.detect_many(items))
        print(time.process_time() - start, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("old_src", nargs="?", help="the old code's src directory")
    parser.add_argument("new_src", nargs="?", help="the new code's src directory")
    parser.add_argument("--n", type=int, default=2500, help="narratives per round")
    parser.add_argument("--rounds", type=int, default=16)
    parser.add_argument("--old-python", default=sys.executable)
    parser.add_argument("--new-python", default=sys.executable)
    parser.add_argument("--worker", metavar="SRC", help=argparse.SUPPRESS)  # one side's process
    parser.add_argument(
        "--core", type=int, default=max(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
    )
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.n, args.core)
        return
    if not args.old_src or not args.new_src:
        parser.error("give the old and the new src directories")
    sides = {
        "old": (args.old_python, str(Path(args.old_src).resolve())),
        "new": (args.new_python, str(Path(args.new_src).resolve())),
    }
    procs = {
        name: subprocess.Popen(
            [python, __file__, "--worker", src, "--n", str(args.n), "--core", str(args.core)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name, (python, src) in sides.items()
    }
    times: dict[str, list[float]] = {"old": [], "new": []}
    try:
        for name, proc in procs.items():
            assert proc.stdout is not None
            ready = proc.stdout.readline().split(maxsplit=1)
            if not ready or ready[0] != "ready":
                raise SystemExit(f"the {name} side did not start (its error is above)")
            print(f"{name}: {ready[1].strip()}", flush=True)
        for round_no in range(args.rounds):
            for name in ("old", "new") if round_no % 2 == 0 else ("new", "old"):
                proc = procs[name]
                assert proc.stdin is not None and proc.stdout is not None
                proc.stdin.write("go\n")
                proc.stdin.flush()
                times[name].append(float(proc.stdout.readline()))
            print(
                f"round {round_no + 1}: old {times['old'][-1]:.2f} s, new {times['new'][-1]:.2f} s",
                flush=True,
            )
    finally:
        for proc in procs.values():
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait()
    ratios = [new / old for old, new in zip(times["old"], times["new"], strict=True)]
    for name, values in times.items():
        print(f"{name}: median {statistics.median(values):.3f} s, min {min(values):.3f} s ({sides[name][1]})")
    print(
        f"new / old per round ({args.rounds} rounds of {args.n} narratives): "
        f"median {statistics.median(ratios):.3f}, range {min(ratios):.3f}-{max(ratios):.3f}"
    )


if __name__ == "__main__":
    main()
