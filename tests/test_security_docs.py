"""docs/security.md cannot rot: every ASVS 5.0 level 1 and 2 requirement has a row, every test and file it
names exists, and every status is one of the documented ones."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "security.md"

# ASVS 5.0.0 (May 2025): the chapters, and the requirements at level 1 or 2 in each (level 3 ones are out
# of scope for a level 2 verification). Ranges are written out so that a missing row names itself.
CHAPTERS = {
    1: "Encoding and Sanitization",
    2: "Validation and Business Logic",
    3: "Web Frontend Security",
    4: "API and Web Service",
    5: "File Handling",
    6: "Authentication",
    7: "Session Management",
    8: "Authorization",
    9: "Self-contained Tokens",
    10: "OAuth and OIDC",
    11: "Cryptography",
    12: "Secure Communication",
    13: "Configuration",
    14: "Data Protection",
    15: "Secure Coding and Architecture",
    16: "Security Logging and Error Handling",
    17: "WebRTC",
}


def _ids(section: str, numbers: str) -> list[str]:
    """'1.2', '1-9' -> ['1.2.1', ..., '1.2.9']; '1.3', '1,3' -> ['1.3.1', '1.3.3']."""
    found: list[str] = []
    for part in numbers.split(","):
        first, _, last = part.partition("-")
        found += [f"{section}.{n}" for n in range(int(first), int(last or first) + 1)]
    return found


LEVEL_1_AND_2 = [
    *_ids("1.1", "1-2"),
    *_ids("1.2", "1-9"),
    *_ids("1.3", "1-11"),
    *_ids("1.4", "1-3"),
    *_ids("1.5", "1-2"),
    *_ids("2.1", "1-3"),
    *_ids("2.2", "1-3"),
    *_ids("2.3", "1-4"),
    *_ids("2.4", "1"),
    *_ids("3.2", "1-2"),
    *_ids("3.3", "1-4"),
    *_ids("3.4", "1-6"),
    *_ids("3.5", "1-5"),
    *_ids("3.7", "1-2"),
    *_ids("4.1", "1-3"),
    *_ids("4.2", "1"),
    *_ids("4.3", "1-2"),
    *_ids("4.4", "1-4"),
    *_ids("5.1", "1"),
    *_ids("5.2", "1-3"),
    *_ids("5.3", "1-2"),
    *_ids("5.4", "1-3"),
    *_ids("6.1", "1-3"),
    *_ids("6.2", "1-11"),
    *_ids("6.3", "1-3"),
    *_ids("6.4", "1-4"),
    *_ids("6.5", "1-5"),
    *_ids("6.6", "1-3"),
    *_ids("6.8", "1-3"),
    *_ids("7.1", "1-3"),
    *_ids("7.2", "1-4"),
    *_ids("7.3", "1-2"),
    *_ids("7.4", "1-5"),
    *_ids("7.5", "1-2"),
    *_ids("7.6", "1-2"),
    *_ids("8.1", "1-2"),
    *_ids("8.2", "1-3"),
    *_ids("8.3", "1"),
    *_ids("8.4", "1"),
    *_ids("9.1", "1-3"),
    *_ids("9.2", "1-4"),
    *_ids("10.1", "1-2"),
    *_ids("10.2", "1-2"),
    *_ids("10.3", "1-4"),
    *_ids("10.4", "1-11"),
    *_ids("10.5", "1-5"),
    *_ids("10.6", "1-2"),
    *_ids("10.7", "1-3"),
    *_ids("11.1", "1-2"),
    *_ids("11.2", "1-3"),
    *_ids("11.3", "1-3"),
    *_ids("11.4", "1-3"),
    *_ids("11.5", "1"),
    *_ids("11.6", "1"),
    *_ids("12.1", "1-3"),
    *_ids("12.2", "1-2"),
    *_ids("12.3", "1-4"),
    *_ids("13.1", "1"),
    *_ids("13.2", "1-5"),
    *_ids("13.3", "1-2"),
    *_ids("13.4", "1-5"),
    *_ids("14.1", "1-2"),
    *_ids("14.2", "1-4"),
    *_ids("14.3", "1-3"),
    *_ids("15.1", "1-3"),
    *_ids("15.2", "1-3"),
    *_ids("15.3", "1-7"),
    *_ids("16.1", "1"),
    *_ids("16.2", "1-5"),
    *_ids("16.3", "1-4"),
    *_ids("16.4", "1-3"),
    *_ids("16.5", "1-3"),
    *_ids("17.1", "1"),
    *_ids("17.2", "1-4"),
    *_ids("17.3", "1-2"),
]
# The level each of those has in ASVS 5.0.0 where it is 1 (the rest are level 2).
LEVEL_1 = {
    *_ids("1.2", "1-5"),
    *_ids("1.3", "1-2"),
    "1.5.1",
    "2.1.1",
    *_ids("2.2", "1-2"),
    "2.3.1",
    *_ids("3.2", "1-2"),
    "3.3.1",
    *_ids("3.4", "1-2"),
    *_ids("3.5", "1-3"),
    "4.1.1",
    "4.4.1",
    *_ids("5.2", "1-2"),
    *_ids("5.3", "1-2"),
    "6.1.1",
    *_ids("6.2", "1-7"),
    "6.3.1",
    *_ids("6.4", "1-2"),
    *_ids("7.2", "1-4"),
    *_ids("7.4", "1-2"),
    "8.1.1",
    *_ids("8.2", "1-2"),
    "8.3.1",
    *_ids("9.1", "1-3"),
    "9.2.1",
    *_ids("10.4", "1-5"),
    *_ids("11.3", "1-2"),
    "11.4.1",
    "12.1.1",
    *_ids("12.2", "1-2"),
    "13.4.1",
    "14.2.1",
    "14.3.1",
    "15.1.1",
    "15.2.1",
    "15.3.1",
}
STATUSES = {"met", "partial", "gap", "n/a", "operator"}
TEST_REFERENCE = re.compile(r"(tests/[\w/]+\.py)::(\w+)")
FILE_REFERENCE = re.compile(r"`((?:src|docs|tests)/[\w./-]+\.(?:py|md|html|js|toml|txt))`")
ROW = re.compile(r"^\| (\d+\.\d+\.\d+) \| (\d) \| ([a-z/]+) \| (.*) \| (.*) \|$")


@cache
def _text() -> str:
    return DOC.read_text(encoding="utf-8")


@cache
def _rows() -> dict[str, tuple[str, str, str, str, str]]:
    """Requirement id -> (chapter heading it sits under, level, status, where, test)."""
    rows: dict[str, tuple[str, str, str, str, str]] = {}
    chapter = ""
    for line in _text().splitlines():
        if line.startswith("## "):
            chapter = line[3:]
        elif match := ROW.match(line):
            requirement, level, status, where, test = match.groups()
            assert requirement not in rows, f"{requirement} has two rows"
            rows[requirement] = (chapter, level, status, where.strip(), test.strip())
    return rows


@cache
def _functions(path: str) -> frozenset[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return frozenset(
        node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    )


def test_every_chapter_has_its_heading_in_order() -> None:
    headings = [line[3:] for line in _text().splitlines() if re.match(r"^## V\d+ ", line)]
    assert headings == [f"V{number} {name}" for number, name in CHAPTERS.items()]


@pytest.mark.parametrize("number", list(CHAPTERS))
def test_every_level_2_chapter_accounts_for_each_of_its_requirements(number: int) -> None:
    expected = [r for r in LEVEL_1_AND_2 if r.split(".")[0] == str(number)]
    rows = _rows()
    missing = [r for r in expected if r not in rows]
    assert not missing, f"V{number}: no row for {', '.join(missing)}"
    for requirement in expected:
        chapter, level, _status, _where, _test = rows[requirement]
        assert chapter == f"V{number} {CHAPTERS[number]}", f"{requirement} sits under {chapter!r}"
        assert level == ("1" if requirement in LEVEL_1 else "2"), f"{requirement}: wrong level {level}"


def test_no_row_names_a_requirement_that_asvs_does_not_have_at_level_1_or_2() -> None:
    assert sorted(set(_rows()) - set(LEVEL_1_AND_2)) == []


def test_every_row_has_a_known_status_a_place_and_evidence() -> None:
    for requirement, (_chapter, _level, status, where, test) in _rows().items():
        assert status in STATUSES, f"{requirement}: unknown status {status!r}"
        assert where, f"{requirement}: say where it is met, or why not"
        if status == "met":
            assert TEST_REFERENCE.search(test) or test.startswith("review"), (
                f"{requirement}: a met requirement names its test (or says 'review' and why)"
            )
        if status == "partial":
            assert test, f"{requirement}: a partial requirement names what shows the part that is done"


@pytest.mark.parametrize(
    ("path", "name"), sorted(set(TEST_REFERENCE.findall(DOC.read_text(encoding="utf-8"))))
)
def test_every_test_named_exists(path: str, name: str) -> None:
    assert (ROOT / path).is_file(), f"{path} does not exist"
    assert name in _functions(path), f"{path} has no test {name}"


def test_every_file_named_exists() -> None:
    missing = sorted({p for p in FILE_REFERENCE.findall(_text()) if not (ROOT / p).exists()})
    assert missing == []


def test_the_gaps_are_summarised() -> None:
    rows = _rows()
    gaps = sorted(
        (r for r, row in rows.items() if row[2] == "gap"), key=lambda r: [int(n) for n in r.split(".")]
    )
    summary = _text().split("## Gaps and partials, most important first", 1)[1]
    unmentioned = [r for r in gaps if r not in summary]
    assert unmentioned == [], f"gaps missing from the summary: {unmentioned}"
