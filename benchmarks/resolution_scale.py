"""Scale: `tiaki resolve` on up to 1,000,000 mentions (time, peak memory, accuracy) and watchlist screening.

Mentions are drawn from the people of a synthetic world (`tiaki world`), each person mentioned one to
five times with the field gaps, spelling variants, reordering, typos and phone formats partners produce.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

TIAKI = shlex.split(os.environ.get("TIAKI_BIN", "tiaki"))


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def make_mentions(people: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """n mentions of people from the world, with the errors partners make."""
    rng = random.Random(seed)
    counts = np.random.default_rng(seed).integers(1, 6, size=len(people))
    order = np.repeat(np.arange(len(people)), counts)[:n]
    rows = []
    for i, p in enumerate(order):
        person = people.iloc[int(p)]
        name = person["full_name"] if rng.random() < 0.4 else person["latin_name"]
        r = rng.random()
        if r < 0.15:
            name = name.upper()
        elif r < 0.25:
            words = name.split()
            name = " ".join(words[1:] + words[:1])
        elif r < 0.3:
            name = _typo(name, rng)
        phone = person["phone"] if rng.random() < 0.5 else ""
        if phone and rng.random() < 0.5:
            phone = re.sub(r"^\+\d{2}", "0", phone.replace(" ", ""))
        dob = person["dob"] if rng.random() < 0.6 else ""
        if dob and rng.random() < 0.2:
            dob = dob[:4]
        rows.append(
            {
                "id": f"m{i}",
                "source": person["nationality"],
                "name": name if rng.random() < 0.95 else "",
                "dob": dob,
                "gender": person["gender"] if rng.random() < 0.7 else "",
                "nationality": person["nationality"] if rng.random() < 0.7 else "",
                "phone": phone,
                "id_number": person["id_number"] if rng.random() < 0.3 else "",
                "entity_id": person["entity_id"],
            }
        )
    return pd.DataFrame(rows)


def run(command: list[str]) -> tuple[float, float]:
    """Run a command under /usr/bin/time; return (seconds, peak resident memory in GB).

    CPU time is printed too: on a shared machine wall time also measures the neighbours.
    """
    started = time.monotonic()
    result = subprocess.run(["/usr/bin/time", "-v", *command], check=True, capture_output=True, text=True)
    seconds = time.monotonic() - started
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", result.stderr).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", result.stderr).group(1))
    print(f"  ({' '.join(command[len(TIAKI) : len(TIAKI) + 1])}: CPU {user + system:.1f}s user+system)")
    return seconds, peak_kb / 1024 / 1024


def bcubed_f1(truth: pd.Series, predicted: pd.Series) -> float:
    frame = pd.DataFrame({"t": truth.to_numpy(), "p": predicted.to_numpy()})
    both = frame.groupby(["t", "p"])["t"].transform("size")
    precision = float((both / frame.groupby("p")["p"].transform("size")).mean())
    recall = float((both / frame.groupby("t")["t"].transform("size")).mean())
    return 2 * precision * recall / (precision + recall)


def compare_engines(source: Path, tmp: Path, mentions: pd.DataFrame) -> None:
    """The same saved model on DuckDB and on Spark: are the clusters identical?"""
    model = tmp / "model.json"
    trained = tmp / "trained.csv"
    seconds, _peak = run(
        [
            *TIAKI,
            "resolve",
            str(source),
            "--out",
            str(trained),
            "--save-model",
            str(model),
            "--verbosity",
            "0",
        ]
    )
    print(f"train on duckdb: {seconds:.1f}s")
    clusters = {}
    for engine in ("duckdb", "spark"):
        out = tmp / f"clusters-{engine}.csv"
        seconds, peak = run(
            [
                *TIAKI,
                "resolve",
                str(source),
                "--out",
                str(out),
                "--engine",
                engine,
                "--model",
                str(model),
                "--verbosity",
                "0",
            ]
        )
        clusters[engine] = pd.read_csv(out, dtype=str).set_index("id")["cluster_id"]
        merged = mentions.merge(clusters[engine].rename("cluster_id"), left_on="id", right_index=True)
        score = bcubed_f1(merged["entity_id"], merged["cluster_id"])
        print(
            f"{engine}: {len(mentions):,} mentions, saved model, {seconds:.1f}s, peak {peak:.2f} GB,"
            f" {clusters[engine].nunique():,} clusters, B-cubed F1 {score:.4f}"
        )
    duck, spark = clusters["duckdb"], clusters["spark"].reindex(clusters["duckdb"].index)
    same = bool((duck == spark).all())
    differing = int((duck != spark).sum())
    print(f"clusters identical on duckdb and spark: {same} ({differing:,} mentions differ)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=0, help="world size (default: mentions / 3)")
    parser.add_argument("--engine", default="duckdb")
    parser.add_argument("--screen", action="store_true", help="also screen the mentions against a watchlist")
    parser.add_argument("--watchlist", type=int, default=100_000)
    parser.add_argument(
        "--compare-engines",
        action="store_true",
        help="train once on DuckDB, then resolve with that model on DuckDB and on Spark; compare clusters",
    )
    args = parser.parse_args()
    people_n = args.people or max(1000, args.mentions // 3)
    with tempfile.TemporaryDirectory() as tmp:
        world = Path(tmp) / "world"
        subprocess.run(
            [*TIAKI, "world", "--people", str(people_n), "--seed", "5", "--out", str(world)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        people = pd.read_csv(world / "people.csv", dtype=str, keep_default_na=False)
        mentions = make_mentions(people, args.mentions, seed=5)
        source, out = Path(tmp) / "mentions.csv", Path(tmp) / "clusters.csv"
        mentions.drop(columns="entity_id").to_csv(source, index=False)
        if args.compare_engines:
            compare_engines(source, Path(tmp), mentions)
            sys.exit(0)
        seconds, peak = run(
            [*TIAKI, "resolve", str(source), "--out", str(out), "--engine", args.engine, "--verbosity", "0"]
        )
        clusters = pd.read_csv(out, dtype=str)
        merged = mentions.merge(clusters, on="id")
        print(
            f"resolve: {len(mentions):,} mentions of {mentions['entity_id'].nunique():,} people"
            f" on {args.engine}"
        )
        print(f"  wall time {seconds:.1f}s, peak memory {peak:.2f} GB (targets for 1M: < 180 s, < 12 GB)")
        print(f"  B-cubed F1 {bcubed_f1(merged['entity_id'], merged['cluster_id']):.4f}")
        baseline = merged["name"].str.casefold().where(merged["name"] != "", merged["id"])
        print(
            f"  baseline (exact case-folded name) B-cubed F1 {bcubed_f1(merged['entity_id'], baseline):.4f}"
        )
        if args.screen:
            watch = people.sample(min(args.watchlist, len(people)), random_state=5)
            watchlist = pd.DataFrame(
                {
                    "id": "w" + watch["entity_id"],
                    "name": watch["latin_name"],
                    "dob": watch["dob"],
                    "gender": watch["gender"],
                    "nationality": watch["nationality"],
                }
            )
            wl_path, hits_path = Path(tmp) / "watchlist.csv", Path(tmp) / "hits.csv"
            watchlist.to_csv(wl_path, index=False)
            seconds, peak = run(
                [
                    *TIAKI,
                    "watchlist-screen",
                    "--watchlist",
                    str(wl_path),
                    "--records",
                    str(source),
                    "--out",
                    str(hits_path),
                    "--engine",
                    args.engine,
                    "--verbosity",
                    "0",
                ]
            )
            hits = pd.read_csv(hits_path, dtype=str)
            listed = mentions[mentions["entity_id"].isin(watch["entity_id"])]
            truth = set(zip(listed["id"], "w" + listed["entity_id"], strict=True))
            found = set(zip(hits["record_id"], hits["watchlist_id"], strict=True))
            precision = len(found & truth) / max(len(found), 1)
            recall = len(found & truth) / max(len(truth), 1)
            print(
                f"watchlist-screen: {len(mentions):,} records x {len(watchlist):,} entries: {seconds:.1f}s, "
                f"peak {peak:.2f} GB, precision {precision:.4f}, recall {recall:.4f}"
                " (target for 1M x 100k: < 300 s)"
            )
    sys.exit(0)


if __name__ == "__main__":
    main()
