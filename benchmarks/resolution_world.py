"""Synthetic world through `tiaki resolve`: pairwise and B-cubed P/R/F1, per script and nationality."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

TIAKI = shlex.split(os.environ.get("TIAKI_BIN", "tiaki"))


def pair_counts(
    truth: np.ndarray, predicted: np.ndarray, groups: np.ndarray
) -> dict[str, tuple[int, int, int]]:
    """Per group: (true pairs, predicted pairs, correct pairs) over pairs touching a mention of the group."""
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    frame = pd.DataFrame({"t": truth, "p": predicted, "g": groups, "i": np.arange(len(truth))})

    def count(key: str, slot: int, require_same_truth: bool) -> None:
        for _k, members in frame.groupby(key)["i"]:
            idx = members.to_numpy()
            if len(idx) < 2:
                continue
            for a_pos in range(len(idx)):
                a = idx[a_pos]
                for b in idx[a_pos + 1 :]:
                    if require_same_truth and truth[a] != truth[b]:
                        continue
                    touched = {groups[a], groups[b]}
                    for g in touched:
                        out[g][slot] += 1
                    out["ALL"][slot] += 1

    count("t", 0, False)
    count("p", 1, False)
    count("p", 2, True)
    return {k: (v[0], v[1], v[2]) for k, v in out.items()}


def bcubed_per_record(truth: np.ndarray, predicted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    frame = pd.DataFrame({"t": truth, "p": predicted})
    both = frame.groupby(["t", "p"])["t"].transform("size").to_numpy()
    return both / frame.groupby("p")["p"].transform("size").to_numpy(), both / frame.groupby("t")[
        "t"
    ].transform("size").to_numpy()


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def report(label: str, truth: np.ndarray, predicted: np.ndarray, by: dict[str, np.ndarray]) -> float:
    bp, br = bcubed_per_record(truth, predicted)
    print(f"\n== {label}")
    print(
        f"{'group':22s} {'n':>7s} | {'pair P':>7s} {'pair R':>7s} {'pair F1':>7s}"
        f" | {'B3 P':>6s} {'B3 R':>6s} {'B3 F1':>6s}"
    )
    overall = 0.0
    for dimension, groups in by.items():
        counts = pair_counts(truth, predicted, groups)
        names = ["ALL"] if dimension == "overall" else sorted(set(groups))
        for g in names:
            mask = np.ones(len(truth), bool) if g == "ALL" else groups == g
            t, p, c = counts.get(g, (0, 0, 0))
            pp, pr = (c / p if p else 1.0), (c / t if t else 1.0)
            b_p, b_r = float(bp[mask].mean()), float(br[mask].mean())
            name = "overall" if g == "ALL" else f"{dimension}={g or '(none)'}"
            print(
                f"{name:22s} {int(mask.sum()):7d} | {pp:7.4f} {pr:7.4f} {f1(pp, pr):7.4f}"
                f" | {b_p:6.4f} {b_r:6.4f} {f1(b_p, b_r):6.4f}"
            )
            if g == "ALL":
                overall = f1(pp, pr)
    return overall


def transliteration_check(frame: pd.DataFrame) -> None:
    """How often a native-script name meets a Latin spelling of that person: our keys vs anyascii alone.

    "loose" is the loose spelling (words sorted); "any key" also counts the joined spelling and the
    consonant skeleton, the keys the model compares at its transliteration levels.
    """
    from anyascii import anyascii

    from tiaki.resolution.names import loose, normalise_name

    def name_keys(name: str) -> set[str]:
        k = normalise_name(name)
        return {f"l:{k.loose}", f"j:{k.joined}", f"s:{k.skeleton}", f"sj:{k.skeleton_joined}"}

    latin = frame[(frame["name_script"] == "Latn") & (frame["name"] != "")]
    loose_keys: dict[str, set[str]] = defaultdict(set)
    any_keys: dict[str, set[str]] = defaultdict(set)
    for name, entity in zip(latin["name"], latin["entity_id"], strict=True):
        loose_keys[entity].add(normalise_name(name).loose)
        any_keys[entity] |= name_keys(name)
    print("\n== transliteration: a script mention's key equals a Latin mention's key (same person)")
    for script in sorted(set(frame["name_script"]) - {"Latn", ""}):
        sub = frame[(frame["name_script"] == script) & frame["entity_id"].isin(list(loose_keys))]
        if sub.empty:
            continue
        pairs = list(zip(sub["name"], sub["entity_id"], strict=True))
        ours = sum(normalise_name(n).loose in loose_keys[e] for n, e in pairs)
        anykey = sum(bool(name_keys(n) & any_keys[e]) for n, e in pairs)
        plain = sum(
            " ".join(sorted(loose(w) for w in anyascii(n).lower().split())) in loose_keys[e] for n, e in pairs
        )
        print(
            f"{script:6s} n={len(sub):5d}  loose {ours / len(sub):.3f}  any key {anykey / len(sub):.3f}"
            f"  anyascii alone {plain / len(sub):.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--world", type=Path, help="an existing `tiaki world` output directory")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--extra-column",
        action="append",
        default=[],
        dest="extra_columns",
        help="also compare this mentions.csv column (e.g. role), as `tiaki resolve --extra-column`",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        world = args.world or Path(tmp) / "world"
        if args.world is None:
            subprocess.run(
                [
                    *TIAKI,
                    "world",
                    "--people",
                    str(args.people),
                    "--seed",
                    str(args.seed),
                    "--out",
                    str(world),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        out = Path(tmp) / "clusters.csv"
        started = time.monotonic()
        extra = [arg for column in args.extra_columns for arg in ("--extra-column", column)]
        subprocess.run(
            [*TIAKI, "resolve", str(world / "mentions.csv"), "--out", str(out), *extra], check=True
        )
        seconds = time.monotonic() - started
        mentions = pd.read_csv(world / "mentions.csv", dtype=str, keep_default_na=False)
        truth = pd.read_csv(world / "ground_truth" / "mention_entity.csv", dtype=str)
        people = pd.read_csv(world / "people.csv", dtype=str, keep_default_na=False)
        clusters = pd.read_csv(out, dtype=str)
    frame = (
        mentions.merge(truth, left_on="id", right_on="mention_id")
        .merge(clusters, on="id")
        .merge(
            people[["entity_id", "nationality"]].rename(columns={"nationality": "true_nationality"}),
            on="entity_id",
            how="left",
        )
    )
    by = {
        "overall": np.array(["ALL"] * len(frame)),
        "script": frame["name_script"].to_numpy(),
        "nationality": frame["true_nationality"].fillna("").to_numpy(),
    }
    print(
        f"world: {len(frame):,} mentions of {frame['entity_id'].nunique():,} people;"
        f" resolve took {seconds:.1f}s"
    )
    label = "tiaki resolve" + "".join(f" --extra-column {c}" for c in args.extra_columns)
    ours = report(label, frame["entity_id"].to_numpy(), frame["cluster_id"].to_numpy(), by)
    # Baseline: mentions with the same case-folded name (or, without a name, the same phone) are one person.
    key = frame["name"].str.casefold().str.strip()
    key = key.where(key != "", "phone:" + frame["phone"].str.replace(r"\D", "", regex=True))
    key = key.where(key != "phone:", "id:" + frame["id"])
    report("baseline: exact case-folded name", frame["entity_id"].to_numpy(), key.to_numpy(), by)
    transliteration_check(frame)
    sys.exit(0 if ours >= 0.95 else 1)


if __name__ == "__main__":
    main()
