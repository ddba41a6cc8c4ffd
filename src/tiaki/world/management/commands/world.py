"""`tiaki world --people N --seed S --out DIR`: write a synthetic world and its ground truth."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.world import generate
from tiaki.world.data import WorldDataError


class Command(BaseCommand):
    help = "Write a synthetic, multilingual world (CSV/JSONL) with its ground truth to DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=10_000, help="number of ground-truth persons")
        parser.add_argument("--seed", type=int, default=1, help="random seed: same seed, same bytes")
        parser.add_argument("--out", type=Path, required=True, help="output directory (created if missing)")
        parser.add_argument("--quiet", action="store_true", help="no progress on stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        people: int = options["people"]
        if people < 1:
            raise CommandError("--people must be at least 1")
        if options["seed"] < 0:
            raise CommandError("--seed must not be negative")
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            # Progress goes to stderr so stdout stays machine-readable.
            elapsed = time.monotonic() - started
            end = "\n" if done == total else ""
            self.stderr.write(
                f"\rworld: {done:,}/{total:,} people ({100 * done // total}%) {elapsed:.1f}s", ending=end
            )
            self.stderr.flush()

        try:
            summary = generate(
                people, options["seed"], options["out"], progress=None if options["quiet"] else progress
            )
        except WorldDataError as exc:
            raise CommandError(f"world data: {exc}") from exc
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
