"""Run a `tiaki` command that stops at a chosen point and waits to be killed (for the crash tests).

    python -m tests.hardening.interrupted computing|writing resolve IN.csv --out OUT.csv

`computing`: stop when resolution starts, before any output exists. `writing`: stop after half the rows of
an output CSV have reached its file on disk. Either way it prints a line naming the point, then waits for
SIGKILL: the test kills it exactly there instead of guessing when a moment has come.
"""

from __future__ import annotations

import signal
import sys
from typing import Any

POINTS = ("computing", "writing")


def _hold(point: str) -> None:
    print(f"STOPPED AT {point}", flush=True)
    while True:
        signal.pause()


def _stop_while_computing() -> None:
    from tiaki.resolution.management.commands import resolve

    def resolve_mentions(*args: Any, **kwargs: Any) -> Any:
        _hold("computing")

    resolve.resolve_mentions = resolve_mentions


def _stop_while_writing() -> None:
    import pandas as pd

    original = pd.DataFrame.to_csv

    def to_csv(self: pd.DataFrame, path_or_buf: Any = None, *args: Any, **kwargs: Any) -> Any:
        if hasattr(path_or_buf, "write") and len(self) > 1:
            original(self.iloc[: len(self) // 2], path_or_buf, *args, **kwargs)
            path_or_buf.flush()
            _hold("writing")
        return original(self, path_or_buf, *args, **kwargs)

    pd.DataFrame.to_csv = to_csv


def main() -> None:
    point, command = sys.argv[1], sys.argv[2:]
    if point not in POINTS:
        raise SystemExit(f"usage: {__doc__}")
    import django

    django.setup()
    (_stop_while_computing if point == "computing" else _stop_while_writing)()
    from tiaki.cli import main as tiaki

    tiaki(["tiaki", *command])


if __name__ == "__main__":
    main()
