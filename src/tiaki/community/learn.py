"""The learn content: one TOML file per language under data/learn/, schema-checked when loaded.

Content is data, not code, so a partner can correct a translation or add a language without touching
Python. Every file must have the same shape as the English source; `check_all()` says what is wrong.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

LEARN_DIR = Path(__file__).resolve().parent / "data" / "learn"
SITUATIONS = ("recruitment", "travel", "work", "home")
SOURCE_LANGUAGE = "en"

_TEXT_KEYS = {
    "learn": (
        "title",
        "intro",
        "trafficking_heading",
        "smuggling_heading",
        "difference_heading",
        "help_heading",
    ),
    "signs": ("title", "intro"),
    "passport": ("rights_heading", "red_flags_heading"),
}
_LIST_KEYS = {
    "learn": ("trafficking", "smuggling", "difference", "help"),
    "passport": ("rights", "red_flags"),
}


class ContentError(ValueError):
    """A learn file does not match the schema."""


@dataclass(frozen=True)
class Situation:
    key: str
    heading: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class LearnContent:
    language: str
    review: str
    learn: dict[str, Any]
    signs_title: str
    signs_intro: str
    situations: tuple[Situation, ...]
    passport: dict[str, Any]

    @property
    def is_draft(self) -> bool:
        return self.review != "source" and self.review != "reviewed"


def _text(document: dict[str, Any], section: str, key: str, where: str) -> str:
    value = document.get(section, {}).get(key)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: [{section}] {key} must be non-empty text")
    return value


def _texts(document: dict[str, Any], section: str, key: str, where: str) -> tuple[str, ...]:
    value = document.get(section, {}).get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ContentError(f"{where}: [{section}] {key} must be a non-empty list of texts")
    return tuple(value)


def parse(document: dict[str, Any], *, where: str) -> LearnContent:
    """Check one parsed file against the schema and turn it into LearnContent."""
    meta = document.get("meta", {})
    language = meta.get("language")
    if not isinstance(language, str) or not language:
        raise ContentError(f"{where}: [meta] language is missing")
    review = meta.get("review")
    if not isinstance(review, str) or not review:
        raise ContentError(f"{where}: [meta] review must say 'source', 'reviewed' or what kind of draft")
    learn: dict[str, Any] = {}
    passport: dict[str, Any] = {}
    for section, target in (("learn", learn), ("passport", passport)):
        for key in _TEXT_KEYS[section]:
            target[key] = _text(document, section, key, where)
        for key in _LIST_KEYS[section]:
            target[key] = _texts(document, section, key, where)
    raw_situations = document.get("signs", {}).get("situation")
    if not isinstance(raw_situations, list):
        raise ContentError(f"{where}: [[signs.situation]] entries are missing")
    keys = tuple(s.get("key") for s in raw_situations if isinstance(s, dict))
    if keys != SITUATIONS:
        raise ContentError(
            f"{where}: situations must be {list(SITUATIONS)} in that order, found {list(keys)}"
        )
    situations = tuple(
        Situation(
            key=s["key"],
            heading=_text({"s": s}, "s", "heading", where),
            items=_texts({"s": s}, "s", "items", where),
        )
        for s in raw_situations
    )
    return LearnContent(
        language=language,
        review=review,
        learn=learn,
        signs_title=_text(document, "signs", "title", where),
        signs_intro=_text(document, "signs", "intro", where),
        situations=situations,
        passport=passport,
    )


def load_file(path: Path) -> LearnContent:
    with path.open("rb") as handle:
        content = parse(tomllib.load(handle), where=path.name)
    if content.language != path.stem:
        raise ContentError(f"{path.name}: [meta] language is {content.language!r}, expected {path.stem!r}")
    return content


def _shape(content: LearnContent) -> tuple[Any, ...]:
    return (
        tuple(len(content.learn[k]) for k in _LIST_KEYS["learn"]),
        tuple(len(content.passport[k]) for k in _LIST_KEYS["passport"]),
        tuple(len(s.items) for s in content.situations),
    )


def check_all(directory: Path = LEARN_DIR) -> list[str]:
    """Problems across all files: schema errors, missing languages, shapes that differ from English."""
    problems: list[str] = []
    loaded: dict[str, LearnContent] = {}
    for code, _name in settings.LANGUAGES:
        path = directory / f"{code}.toml"
        if not path.exists():
            problems.append(f"{path.name}: missing")
            continue
        try:
            loaded[code] = load_file(path)
        except (ContentError, tomllib.TOMLDecodeError) as error:
            problems.append(str(error))
    source = loaded.get(SOURCE_LANGUAGE)
    if source is not None:
        for code, content in loaded.items():
            if _shape(content) != _shape(source):
                problems.append(
                    f"{code}.toml: number of paragraphs or items differs from {SOURCE_LANGUAGE}.toml"
                )
    return problems


@lru_cache(maxsize=16)
def content_for(language: str) -> LearnContent:
    """The content in `language`, falling back to English for a language without a file."""
    path = LEARN_DIR / f"{language}.toml"
    if not path.exists():
        path = LEARN_DIR / f"{SOURCE_LANGUAGE}.toml"
    return load_file(path)
