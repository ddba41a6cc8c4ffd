"""One small world per test session, read by the statistics tests."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tiaki.world import WorldSummary, generate

PEOPLE = 20_000
SEED = 11


@dataclass
class World:
    path: Path
    summary: WorldSummary

    def csv(self, name: str) -> list[dict[str, str]]:
        with (self.path / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def jsonl(self, name: str) -> list[dict[str, Any]]:
        with (self.path / name).open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle]


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    path = tmp_path_factory.mktemp("world")
    return World(path, generate(PEOPLE, SEED, path))
