"""Putting a new labelled set together from its writers' files (scripts/assemble_screening_set.py)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from .project_modules import project_module

NAME = "fresh999"  # no such set in the register


def _module() -> Any:
    return project_module("scripts", "assemble_screening_set")


def _rows(lang: str) -> list[dict]:
    """40 synthetic rows for one language: 20 negatives, 20 with one code and type."""
    return [
        {
            "id": f"{lang}-w999-{i:02d}",
            "lang": lang,
            "text": f"{lang} synthetic narrative number {i}",
            "codes": [] if i % 2 else ["debt_bondage"],
            "exploitation": [] if i % 2 else ["ForcedLabour"],
        }
        for i in range(1, 41)
    ]


def _write(folder: Path, lang: str, rows: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = (json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    (folder / f"{lang}.jsonl").write_text("".join(lines), encoding="utf-8")


def _writers(root: Path, module: Any) -> list[Path]:
    """One folder per writer, as the brief asks."""
    for lang in module.LANGUAGES:
        _write(root / lang, lang, _rows(lang))
    return [root / lang for lang in module.LANGUAGES]


def test_a_good_set_is_written_in_the_registers_language_order(tmp_path: Path) -> None:
    module = _module()
    data = tmp_path / "data"
    data.mkdir()
    path, rows = module.assemble(NAME, _writers(tmp_path / "w", module), data_dir=data)
    written = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert written == rows and len(rows) == 360
    assert [row["lang"] for row in rows[::40]] == list(module.LANGUAGES)
    report = module.report(NAME, "mixed", path, rows)
    assert f'sha256 = "{hashlib.sha256(path.read_bytes()).hexdigest()}"' in report
    assert "negatives = 180" in report and "(read these alone): none" in report
    with pytest.raises(SystemExit, match="never rewritten"):
        module.assemble(NAME, _writers(tmp_path / "w", module), data_dir=data)


def test_every_problem_is_listed_and_nothing_is_written(tmp_path: Path) -> None:
    module = _module()
    folders = _writers(tmp_path / "w", module)
    vi = _rows("vi")
    vi[0]["codes"] = ["passport_kept"]
    vi[1]["id"] = "vi-w999-7"
    vi[2]["text"] = _rows("en")[5]["text"]
    vi[4]["exploitation"] = ["ForcedLabour"]  # a negative with a type
    _write(tmp_path / "w" / "vi", "vi", vi)
    th = [dict(row, codes=["isolation"], exploitation=["Other"]) for row in _rows("th")]
    _write(tmp_path / "w" / "th", "th", th[:39])
    (tmp_path / "w" / "ta" / "ta.jsonl").unlink()
    mi = [json.dumps(row, ensure_ascii=False) for row in _rows("mi")]
    mi[2] = mi[2][:-1]  # cut short
    mi[3] = json.dumps(dict(_rows("mi")[3], writer="me"))
    (tmp_path / "w" / "mi" / "mi.jsonl").write_text("\n".join(mi) + "\n", encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    with pytest.raises(SystemExit) as raised:
        module.assemble(NAME, folders, data_dir=data)
    message = str(raised.value)
    for problem in (
        "vi.jsonl row 1: unknown code 'passport_kept'",
        "vi.jsonl row 2: id 'vi-w999-7'",
        "vi-w999-03: the same text as another row",
        "en-w999-06: the same text as another row",
        "vi.jsonl row 5: exploitation types on a narrative without an indicator",
        "th.jsonl: 39 rows, needs 40",
        "th.jsonl: 0 negatives",
        "ta.jsonl: found in 0 of the folders given",
        "mi.jsonl row 3: not JSON",
        "mi.jsonl row 4: needs exactly the fields id, lang, text, codes, exploitation",
    ):
        assert problem in message
    assert "en.jsonl" not in message.replace("en-w999-06", "")
    assert list(data.iterdir()) == []


def test_a_writer_is_briefed_with_the_guide_its_language_and_its_own_folder(tmp_path: Path) -> None:
    module = _module()
    text = module.brief("fresh47", "my", "long", tmp_path / "my")
    assert str(module.DATA_DIR / "WRITING_GUIDE.md") in text
    assert "Burmese (my)" in text and f"{tmp_path / 'my'}/my.jsonl" in text
    assert '"my-w47-01" to "my-w47-40"' in text and "All 40 narratives LONG" in text
    with pytest.raises(SystemExit, match="freshNN"):
        module.brief("heldout2", "my", "long", tmp_path)
