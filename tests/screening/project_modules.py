"""The project's benchmark and script modules for tests (benchmarks/ and scripts/ are not packages)."""

import importlib
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def project_module(folder: str, name: str) -> Any:
    """Import `name` from the project's `folder` (benchmarks or scripts), on sys.path only meanwhile."""
    path = str(ROOT / folder)
    sys.path.insert(0, path)
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(path)
