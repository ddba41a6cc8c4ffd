"""The `tiaki screen` command-line contract, run as partners run it (a subprocess of `uv run tiaki`)."""

from __future__ import annotations

import json
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tiaki.screening.rules import ruleset_version

ROOT = Path(__file__).resolve().parents[2]
RESULT_KEYS = {
    "id", "language", "indicators", "score", "level", "ruleset_version", "dimensions", "notes",
    "exploitation_types", "set_aside",
}  # fmt: skip


def run_screen(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["uv", "run", "--quiet", "tiaki", "screen", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )


def test_stdin_gives_one_json_object() -> None:
    proc = run_screen(stdin=b"The broker kept our passports and we owe him 3000 dollars.")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert set(result) == RESULT_KEYS
    assert result["id"] is None
    assert result["language"] == "en"
    assert result["indicators"] == [
        {"code": "retention_of_identity_documents", "evidence": "kept our passports", "start": 11, "end": 29,
         "strength": "strong", "source": "rules"},
        {"code": "debt_bondage", "evidence": "we owe him 3000", "start": 34, "end": 49, "strength": "strong",
         "source": "rules"},
    ]  # fmt: skip
    assert (result["score"], result["level"]) == (0.9, "high")
    assert result["ruleset_version"] == ruleset_version()


def test_invalid_utf8_on_stdin_is_a_json_error_and_nonzero_exit() -> None:
    proc = run_screen(stdin=b"\x89PNG\r\n\x1a\n\x00\xff binary")
    assert proc.returncode == 1
    assert json.loads(proc.stdout) == {"id": None, "error": "input is not valid UTF-8 (bad byte at offset 0)"}


def test_jsonl_input_one_line_out_per_line_in_with_errors_named(tmp_path: Path) -> None:
    path = tmp_path / "reports.jsonl"
    path.write_bytes(
        '{"id": "r1", "text": "Chủ giữ hộ chiếu của tôi."}\n'.encode() + b"this is not json\n"
        b'{"id": "r3", "text": 42}\n'
        b'{"id": "r4", "text": "\xff\xfe"}\n'
        b"\n"
        b'{"id": 5, "text": "I keep my own passport.", "lang": "en"}\n'
        b'{"id": 6, "text": "hello", "lang": "klingon"}\n'
    )
    proc = run_screen("--input", str(path))
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [o["id"] for o in out] == ["r1", None, "r3", "r4", 5, 6]
    assert out[0]["language"] == "vi"
    assert [(i["code"], i["evidence"], i["start"], i["end"]) for i in out[0]["indicators"]] == [
        ("retention_of_identity_documents", "giữ hộ chiếu", 4, 16)
    ]
    assert out[1] == {"id": None, "line": 2, "error": "line 2: not valid JSON (Expecting value at column 1)"}
    assert out[2] == {"id": "r3", "line": 3, "error": "line 3: text must be a string"}
    assert out[3]["line"] == 4 and "not valid UTF-8" in out[3]["error"]
    assert (out[4]["level"], out[4]["indicators"]) == ("none", [])
    assert out[5]["line"] == 7 and "unknown language 'klingon'" in out[5]["error"]


def test_missing_input_file_is_a_clear_error() -> None:
    proc = run_screen("--input", "/nonexistent/reports.jsonl")
    assert proc.returncode == 1
    assert b"cannot read /nonexistent/reports.jsonl" in proc.stderr


@pytest.mark.parametrize(("lang", "expected"), [("auto", "ms"), ("id", "id")])
def test_lang_option_via_call_command(lang: str, expected: str, tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text(
        '{"id": 1, "text": "Majikan merampas pasport saya dan gaji tidak dibayar."}\n', encoding="utf-8"
    )
    out = StringIO()
    call_command("screen", "--input", str(path), "--lang", lang, stdout=out)
    result = json.loads(out.getvalue())
    assert result["language"] == expected
    assert [i["code"] for i in result["indicators"]] == [
        "retention_of_identity_documents",
        "withholding_of_wages",
    ]


def test_explain_names_what_the_text_model_set_aside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tiaki.screening import detector

    from .test_textmodel import LONG, RD, WAGES, _forced

    monkeypatch.setattr(detector, "load_text_model", lambda: _forced(0.99))
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"id": 1, "text": LONG}) + "\n", encoding="utf-8")
    by_flag = {}
    for flags in ((), ("--explain",)):
        out = StringIO()
        call_command("screen", "--input", str(path), *flags, stdout=out)
        by_flag[flags] = json.loads(out.getvalue())
        assert (by_flag[flags]["level"], by_flag[flags]["indicators"]) == ("none", [])
    assert by_flag[()]["set_aside"] is None  # the rules were not asked
    assert by_flag[("--explain",)]["set_aside"] == sorted((RD, WAGES))
    with monkeypatch.context() as patch:
        patch.setattr("sys.stdin", StringIO(LONG))
        out = StringIO()
        call_command("screen", "--explain", stdout=out)
    assert json.loads(out.getvalue())["set_aside"] == sorted((RD, WAGES))
