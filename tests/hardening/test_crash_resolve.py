"""kill -9 of `tiaki resolve` mid-run: the output file is the previous one or absent, never half a file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.resolution.conftest import people_mentions

from .processes import Process, tiaki_env, wait_until

PREVIOUS = "id,cluster_id\nolder-run,older-run\n"


@pytest.mark.parametrize(
    ("point", "earlier_output"),
    [("computing", False), ("writing", True)],
    ids=["while computing, no earlier output", "while writing, over an earlier output"],
)
def test_a_killed_resolve_leaves_no_partial_output(tmp_path: Path, point: str, earlier_output: bool) -> None:
    source = tmp_path / "mentions.csv"
    people_mentions(60).drop(columns=["person"]).to_csv(source, index=False)
    out = tmp_path / "clusters.csv"
    if earlier_output:
        out.write_text(PREVIOUS)
    run = Process(
        [
            sys.executable,
            "-m",
            "tests.hardening.interrupted",
            point,
            "resolve",
            str(source),
            "--out",
            str(out),
        ],
        tiaki_env(),
        tmp_path / "resolve.log",
    )
    try:
        wait_until(
            lambda: f"STOPPED AT {point}" in run.output(), what=f"resolve to reach {point}", process=run
        )
        if point == "writing":  # half the rows are on disk, in a temporary file beside the output
            (partial,) = tmp_path.glob(".clusters.csv.*.tmp")
            assert partial.read_text().startswith("id,cluster_id\n")
    finally:
        run.kill9()

    assert (out.read_text() if out.exists() else None) == (PREVIOUS if earlier_output else None)
    # What SIGKILL leaves behind is at most the hidden temporary file, which no reader takes for output.
    leftovers = {p.name for p in tmp_path.iterdir()} - {"mentions.csv", "clusters.csv", "resolve.log"}
    assert all(name.startswith(".clusters.csv.") and name.endswith(".tmp") for name in leftovers)
    assert bool(leftovers) == (point == "writing")
