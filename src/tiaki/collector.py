"""Pausing Python's cycle collector around bulk work."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def cycle_collection_paused(*, collect_after: bool = False) -> Iterator[None]:
    """Pause the cycle collector, restoring its state on leaving (also as a decorator).

    Bulk steps hold millions of small objects alive (a batch's prepared texts, a million mentions' name
    keys and links), and the collector walks all of them each time enough new objects were made: over
    and over, for nothing where the step makes no reference cycles, since reference counting frees what
    it allocates. With collect_after, one collection on leaving frees the cycles that libraries made
    meanwhile (pandas and Splink make a few).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            if collect_after:
                gc.collect()
