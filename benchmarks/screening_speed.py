"""Screening throughput: narratives of about 150 words per second on one core.

Usage:
    uv run python benchmarks/screening_speed.py [--n 10000] [--seed 7]

Narratives are assembled (seeded) from the labelled sentences of benchmarks/data/screening_eval in all
eight languages, padded with their indicator-free sentences, to about 150 words each (Thai and Burmese,
written without spaces, are sized by characters at about six per word). The same run times the naive
keyword baseline (no negation/hypothetical/segmentation context), the rules without the statistical
layer, and language identification alone. The target is judged on bulk screening (`detect_many`, which
a triage backlog and `tiaki screen --input` use); one text at a time (`detect`) is printed beside it, so
is bulk screening that also names what the text model set aside (`explain=True`, as a report's page and
the API ask for it), and so is the bulk path with keyword matching only (no context cues, no text model):
what the matching design costs on this machine before any of the detector's checks.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tiaki.screening.detector import detect, detect_many  # noqa: E402
from tiaki.screening.language import detect_language  # noqa: E402

DATA_DIR = Path(__file__).resolve().parent / "data" / "screening_eval"
TARGET_WORDS = 150
CHARS_PER_WORD = 6  # for scripts without spaces


def _size(text: str, lang: str) -> int:
    return len(text) // CHARS_PER_WORD if lang in ("th", "my") else len(text.split())


def build_narratives(n: int, seed: int) -> list[str]:
    rows: list[dict] = []
    for name in ("dev", "heldout"):
        with (DATA_DIR / f"{name}.jsonl").open(encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    by_lang: dict[str, tuple[list[str], list[str]]] = {}
    for row in rows:
        positives, negatives = by_lang.setdefault(row["lang"], ([], []))
        (positives if row["codes"] else negatives).append(row["text"])
    rng = random.Random(seed)
    langs = sorted(by_lang)
    narratives = []
    for i in range(n):
        lang = langs[i % len(langs)]
        positives, negatives = by_lang[lang]
        parts = [rng.choice(positives)] if rng.random() < 0.7 else []
        while _size(" ".join(parts), lang) < TARGET_WORDS:
            parts.append(rng.choice(negatives if rng.random() < 0.7 else positives))
        rng.shuffle(parts)
        narratives.append(" ".join(parts))
    return narratives


def timed(label: str, func, narratives: list[str]) -> float:  # type: ignore[no-untyped-def]
    """Run func on each narrative; print wall-clock and CPU time, return the CPU seconds."""
    return timed_all(label, lambda texts: [func(text) for text in texts], narratives)


def timed_all(label: str, func, narratives: list[str]) -> float:  # type: ignore[no-untyped-def]
    """Run func on the list of narratives; print wall-clock and CPU time, return the CPU seconds.

    CPU time of this process is the figure the target is judged on: the benchmark machine is shared, and
    wall-clock time there includes waiting for a core held by someone else.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    func(narratives)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label:36} wall {wall:6.2f} s  cpu {cpu:6.2f} s  {len(narratives) / cpu:8.0f} narratives/cpu-s")
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the claim says
    narratives = build_narratives(args.n, args.seed)
    words = sum(len(t.split()) for t in narratives) / len(narratives)
    chars = sum(len(t) for t in narratives) / len(narratives)
    print(f"{len(narratives)} narratives, mean {words:.0f} space-separated words / {chars:.0f} characters")
    # The interpreter's build matters: on one machine a plain source build (pyenv's default) took about a
    # fifth longer over the bulk pass than Debian's own build (docs/screening.md, tenth session).
    print(f"Python {platform.python_version()} ({sys.executable} -> {os.path.realpath(sys.executable)})")
    # Warm-up: load rule files, build the lingua detector, import pythainlp (one-off costs).
    start = time.perf_counter()
    for text in narratives[:16]:
        detect(text)
    print(f"{'warm-up (load rules, models) on 16':36} wall {time.perf_counter() - start:6.2f} s")
    timed("language identification only", detect_language, narratives)
    baseline = timed("baseline: keywords, no context", lambda t: detect(t, context=False), narratives)
    timed("full, keyword prefilter off", lambda t: detect(t, prefilter=False), narratives)
    timed("rules alone, no text model", lambda t: detect(t, model=False), narratives)
    single = timed("tiaki.screening.detect, one by one", detect, narratives)
    total = timed_all(
        "tiaki.screening.detect_many (bulk)",
        lambda texts: list(detect_many((t, None) for t in texts)),
        narratives,
    )
    # What a report's page and the API ask for besides: which indicators the rules found and the text model
    # set aside (set_aside; by default the rules do not look for them).
    explained = timed_all(
        "detect_many, explain=True (bulk)",
        lambda texts: list(detect_many(((t, None) for t in texts), explain=True)),
        narratives,
    )
    # The floor of this design on this machine: the same bulk path with the naive keyword matching only.
    floor = timed_all(
        "detect_many, keywords only (bulk)",
        lambda texts: list(detect_many(((t, None) for t in texts), context=False, model=False)),
        narratives,
    )
    print(
        f"bulk / one by one (same run): {total / single:.2f}; bulk / keyword baseline: "
        f"{total / baseline:.2f}; bulk / keywords only in bulk: {total / floor:.2f}; "
        f"bulk / bulk explained: {total / explained:.2f}"
    )
    print(
        f"target: {args.n} narratives under 10 s of CPU on one core -> "
        f"{'met' if total < 10 else 'NOT met'} ({total:.2f} s)"
    )


if __name__ == "__main__":
    main()
