"""Every UI string has a real translation in every supported language, and the catalogues are current."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

SOURCE = Path(__file__).resolve().parents[2] / "src" / "tiaki"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def _statistics(po_file: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr.strip()


def test_all_ten_languages_are_offered() -> None:
    assert [code for code, _ in settings.LANGUAGES] == [
        "en",
        "vi",
        "th",
        "my",
        "ksw",
        "ms",
        "id",
        "si",
        "ta",
        "mi",
    ]


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_is_complete(language: str) -> None:
    statistics = _statistics(SOURCE / "locale" / language / "LC_MESSAGES" / "django.po")
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_string_in_the_source_is_missing_from_the_catalogue(language: str, tmp_path: Path) -> None:
    # Re-extract the strings from a copy of the source, merged into a copy of the catalogue: any string
    # added to the code without a translation shows up as untranslated.
    copy = tmp_path / "tiaki"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "data", "static", "*.mo"))
    cwd = Path.cwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[]):  # write into the copy, never into the real catalogue
            call_command("makemessages", locale=[language], verbosity=0, no_obsolete=True)
    finally:
        os.chdir(cwd)
    statistics = _statistics(copy / "locale" / language / "LC_MESSAGES" / "django.po")
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics


def test_docs_record_the_review_status_of_each_language() -> None:
    notes = (SOURCE.parents[1] / "docs" / "translations.md").read_text()
    for code, _name in settings.LANGUAGES[1:]:
        assert f"`{code}`" in notes
