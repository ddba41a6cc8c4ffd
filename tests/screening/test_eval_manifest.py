"""The register of labelled narratives (benchmarks/data/screening_eval/MANIFEST.toml) against its files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from .project_modules import project_module


def _eval_module() -> Any:
    return project_module("benchmarks", "screening_eval")


def test_every_set_matches_its_entry() -> None:
    evaluation = _eval_module()
    assert evaluation.manifest_problems() == []
    assert len(evaluation.ALL_SPLITS) >= 45


def test_unseen_sets_are_neither_tuned_nor_trained_on() -> None:
    evaluation = _eval_module()
    training = project_module("scripts", "train_screening_model")
    unseen = evaluation.UNSEEN_SPLITS
    assert "heldout" in unseen and len(unseen) >= 3
    assert not unseen & set(evaluation.TUNE_SPLITS)
    assert not unseen & set(training.TRAINING_SPLITS)
    not_trained = [s for s in evaluation.TUNE_SPLITS if s not in training.TRAINING_SPLITS]
    assert not_trained and all(evaluation.MANIFEST[s].get("training") for s in not_trained)
    # The model reads its sets in the register's order.
    assert list(training.TRAINING_SPLITS) == [
        s for s in evaluation.ALL_SPLITS if s in training.TRAINING_SPLITS
    ]


def _write(folder: Path, name: str, rows: list[dict]) -> dict:
    data = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()
    (folder / f"{name}.jsonl").write_bytes(data)
    return {
        "narratives": len(rows),
        "negatives": sum(not row["codes"] for row in rows),
        "languages": len({row["lang"] for row in rows}),
        "sha256": hashlib.sha256(data).hexdigest(),
        "status": "unseen",
        "trained": False,
    }


@pytest.fixture
def folder(tmp_path: Path) -> tuple[Path, dict[str, dict]]:
    rows = [
        {
            "id": "en-1",
            "lang": "en",
            "text": "They kept my passport.",
            "codes": ["retention_of_identity_documents"],
        },
        {"id": "vi-1", "lang": "vi", "text": "Tôi tự giữ hộ chiếu.", "codes": []},
    ]
    return tmp_path, {"a": _write(tmp_path, "a", rows), "b": _write(tmp_path, "b", rows[:1])}


def test_a_consistent_folder_has_no_problems(folder: tuple[Path, dict[str, dict]]) -> None:
    path, manifest = folder
    assert _eval_module().manifest_problems(manifest, path) == []


def test_an_edited_unseen_set_is_caught(folder: tuple[Path, dict[str, dict]]) -> None:
    path, manifest = folder
    text = (path / "a.jsonl").read_text(encoding="utf-8").replace('"codes": []', '"codes": ["isolation"]')
    (path / "a.jsonl").write_text(text, encoding="utf-8")
    found = _eval_module().manifest_problems(manifest, path)
    assert any(p.startswith("a: negatives is 0") for p in found)
    assert any(p.startswith("a: sha256 is ") for p in found)
    assert not any(p.startswith("b:") for p in found)


def test_sets_and_entries_must_pair_and_unseen_sets_stay_untrained(
    folder: tuple[Path, dict[str, dict]],
) -> None:
    path, manifest = folder
    (path / "c.jsonl").write_text("", encoding="utf-8")
    manifest["d"] = dict(manifest["b"])
    manifest["b"]["trained"] = True
    manifest["a"]["status"] = "spent"
    found = _eval_module().manifest_problems(manifest, path)
    assert "c.jsonl has no entry in the register" in found
    assert "d: no file d.jsonl" in found
    assert "b: an unseen set cannot be trained on" in found
    assert "a: unknown status 'spent'" in found


def test_a_line_separator_inside_a_narrative_does_not_split_its_row(tmp_path: Path) -> None:
    rows = [{"id": "en-1", "lang": "en", "text": "Line one\u2028line two.", "codes": []}]
    manifest = {"a": _write(tmp_path, "a", rows)}
    assert "\u2028" in (tmp_path / "a.jsonl").read_text(encoding="utf-8")
    assert _eval_module().manifest_problems(manifest, tmp_path) == []
