"""The learn content files: all ten languages, valid against the schema, the same shape as English."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

from tiaki.community import learn

SCRIPTS = {
    "th": r"[\u0E00-\u0E7F]",
    "my": r"[\u1000-\u109F]",
    "ksw": r"[\u1000-\u109F]",
    "si": r"[\u0D80-\u0DFF]",
    "ta": r"[\u0B80-\u0BFF]",
    "vi": r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]",
    "mi": r"[āēīōū]",
}


def test_all_files_pass_the_schema_check() -> None:
    assert learn.check_all() == []


def test_there_is_one_file_per_language() -> None:
    assert sorted(p.stem for p in learn.LEARN_DIR.glob("*.toml")) == sorted(c for c, _ in settings.LANGUAGES)


@pytest.mark.parametrize("language", [c for c, _ in settings.LANGUAGES if c != "en"])
def test_each_translation_is_written_in_its_own_script_and_marked_as_a_draft(language: str) -> None:
    content = learn.content_for(language)
    assert content.language == language
    assert content.is_draft
    english = learn.content_for("en")
    assert content.learn["title"] != english.learn["title"]
    if language in SCRIPTS:
        assert re.search(SCRIPTS[language], content.learn["trafficking"][0])
        assert re.search(SCRIPTS[language], content.situations[2].items[0])


def test_the_schema_check_names_what_is_wrong(tmp_path: Path) -> None:
    document = tomllib.loads((learn.LEARN_DIR / "en.toml").read_text())
    del document["signs"]["situation"][1]
    with pytest.raises(
        learn.ContentError, match=r"situations must be \['recruitment', 'travel', 'work', 'home'\]"
    ):
        learn.parse(document, where="en.toml")
    document = tomllib.loads((learn.LEARN_DIR / "en.toml").read_text())
    document["learn"]["help"] = []
    with pytest.raises(
        learn.ContentError, match=r"en.toml: \[learn\] help must be a non-empty list of texts"
    ):
        learn.parse(document, where="en.toml")
