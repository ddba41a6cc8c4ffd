"""`tiaki world` writes the contract files, reports progress on stderr and a summary on stdout."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command


def test_world_command_writes_a_world(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("world", people=1500, seed=2, out=tmp_path, stdout=out, stderr=err)
    summary = json.loads(out.getvalue())
    # Progress goes to stderr, one carriage-return-updated line per chunk; stdout is only the JSON summary.
    assert re.fullmatch(r"(\rworld: [0-9,]+/1,500 people \(\d+%\) \d+\.\ds)+\n", err.getvalue())
    assert "1,500/1,500 people (100%)" in err.getvalue()
    assert summary["people"] == 1500
    assert summary["seed"] == 2
    assert (tmp_path / "people.csv").read_text(encoding="utf-8").count("\n") == 1501
    for name in ("mentions.csv", "reports.jsonl", "ground_truth/mention_entity.csv", "watchlist.csv"):
        assert (tmp_path / name).exists()
    recorded = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert recorded == {k: v for k, v in summary.items() if k != "out"}


def test_world_command_rejects_an_empty_world(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--people must be at least 1"):
        call_command("world", people=0, seed=1, out=tmp_path)
