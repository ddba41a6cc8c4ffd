"""Historical figures (50k, Splink's benchmark data): B-cubed and pairwise F1, ours vs Splink's example."""

from __future__ import annotations

import logging
import os
import shlex
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

import pandas as pd

DATA = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "reference"
    / "er"
    / "historical_figures_with_errors_50k.parquet"
)
TIAKI = shlex.split(os.environ.get("TIAKI_BIN", "tiaki"))


def bcubed(truth: pd.Series, predicted: pd.Series) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of predicted cluster ids against true ones (same index)."""
    frame = pd.DataFrame({"t": truth.to_numpy(), "p": predicted.to_numpy()})
    both = frame.groupby(["t", "p"]).size()
    size_t = frame.groupby("t").size()
    size_p = frame.groupby("p").size()
    n_tp = both.to_numpy()
    t_sizes = size_t.reindex(both.index.get_level_values(0)).to_numpy()
    p_sizes = size_p.reindex(both.index.get_level_values(1)).to_numpy()
    precision = float((n_tp * n_tp / p_sizes).sum() / len(frame))
    recall = float((n_tp * n_tp / t_sizes).sum() / len(frame))
    return precision, recall, 2 * precision * recall / (precision + recall)


def pairwise(truth: pd.Series, predicted: pd.Series) -> tuple[float, float, float]:
    def pairs(labels: pd.Series) -> set[tuple[int, int]]:
        out: set[tuple[int, int]] = set()
        for _k, idx in labels.groupby(labels).groups.items():
            out.update(combinations(sorted(idx), 2))
        return out

    t, p = pairs(truth.reset_index(drop=True)), pairs(predicted.reset_index(drop=True))
    tp = len(t & p)
    precision, recall = tp / max(len(p), 1), tp / max(len(t), 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-12)


def splink_example(df: pd.DataFrame) -> pd.Series:
    """Splink's published example settings for this dataset (deduplicate_50k_synthetic), unsupervised."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("substr(first_name,1,3)", "substr(surname,1,4)"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("postcode_fake", "first_name"),
            block_on("postcode_fake", "surname"),
            block_on("dob", "birth_place"),
            block_on("substr(postcode_fake,1,3)", "dob"),
            block_on("substr(postcode_fake,1,3)", "first_name"),
            block_on("substr(postcode_fake,1,3)", "surname"),
            block_on("substr(first_name,1,2)", "substr(surname,1,2)", "substr(dob,1,4)"),
        ],
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode_fake"),
            cl.ExactMatch("birth_place").configure(term_frequency_adjustments=True),
            cl.ExactMatch("occupation").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=True,
    )
    linker = Linker(DuckDBAPI().register(df), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("first_name", "surname", "dob"),
            block_on("substr(first_name,1,2)", "surname", "substr(postcode_fake,1,2)"),
            block_on("dob", "postcode_fake"),
        ],
        recall=0.6,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob"), estimate_without_term_frequencies=True
    )
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, 0.95
    ).as_pandas_dataframe()
    return df[["unique_id"]].merge(clusters[["unique_id", "cluster_id"]], on="unique_id", how="left")[
        "cluster_id"
    ]


def main() -> None:
    df = pd.read_parquet(DATA)
    contract = pd.DataFrame(
        {
            "id": df["unique_id"],
            "name": df["full_name"],
            "dob": df["dob"],
            "gender": df["gender"],
            "address": df["postcode_fake"],
            # not contract columns: compared because the command is asked to (--extra-column)
            "birth_place": df["birth_place"],
            "occupation": df["occupation"],
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "historical.csv", Path(tmp) / "clusters.csv"
        contract.to_csv(source, index=False)
        started = time.monotonic()
        command = [*TIAKI, "resolve", str(source), "--out", str(out), "--verbosity", "0"]
        command += ["--extra-column", "birth_place", "--extra-column", "occupation"]
        subprocess.run(command, check=True)
        ours_seconds = time.monotonic() - started
        ours = df[["unique_id"]].merge(pd.read_csv(out, dtype=str), left_on="unique_id", right_on="id")[
            "cluster_id"
        ]
    started = time.monotonic()
    baseline = splink_example(df)
    baseline_seconds = time.monotonic() - started
    truth = df["cluster"]
    print(f"historical_figures_with_errors_50k: {len(df):,} records, {truth.nunique():,} people")
    for label, predicted, seconds in (
        ("tiaki resolve", ours, ours_seconds),
        ("splink example", baseline, baseline_seconds),
    ):
        bp, br, bf = bcubed(truth, predicted)
        pp, pr, pf = pairwise(truth, predicted)
        print(
            f"{label:15s} B-cubed P {bp:.4f} R {br:.4f} F1 {bf:.4f}"
            f" | pairwise P {pp:.4f} R {pr:.4f} F1 {pf:.4f}"
            f" | {seconds:.1f}s"
        )
    print("reference (ER README): Splink example B-cubed F1 0.856 at p >= 0.95")
    sys.exit(0 if bcubed(truth, ours)[2] >= 0.90 else 1)


if __name__ == "__main__":
    main()
