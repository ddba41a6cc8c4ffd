"""The built-in frontline course and its knowledge test, loaded from data files with a schema check."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
LANGUAGES = ("en", "vi", "th", "my", "ksw", "ms", "id", "si", "ta", "mi")


class ContentError(ValueError):
    """A course or test data file does not match its schema."""


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class CourseText:
    language: str
    title: str
    reviewed: bool  # False: a machine-assisted draft not yet checked by a native speaker
    lessons: tuple[Lesson, ...]


@dataclass(frozen=True)
class Question:
    id: str
    answer: int
    text: dict[str, str]
    options: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class KnowledgeTest:
    version: str
    questions: tuple[Question, ...]

    def score(self, answers: dict[str, int]) -> int:
        return sum(1 for q in self.questions if answers.get(q.id) == q.answer)


def _load_course(path: Path) -> CourseText:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    try:
        lessons = tuple(
            Lesson(str(item["id"]), str(item["title"]), tuple(str(p) for p in item["paragraphs"]))
            for item in data["lessons"]
        )
        text = CourseText(str(data["language"]), str(data["title"]), bool(data["reviewed"]), lessons)
    except (KeyError, TypeError) as missing:
        raise ContentError(f"{path.name}: missing {missing}") from missing
    if text.language != path.stem:
        raise ContentError(f"{path.name}: language {text.language!r} does not match the file name")
    if not lessons or any(not lesson.paragraphs for lesson in lessons):
        raise ContentError(f"{path.name}: every lesson needs paragraphs")
    return text


@cache
def course(language: str) -> CourseText:
    """The course in `language`, falling back to English for a language without a file."""
    path = DATA / "course" / f"{language}.toml"
    if not path.exists():
        path = DATA / "course" / "en.toml"
    text = _load_course(path)
    english = _load_course(DATA / "course" / "en.toml")
    if [lesson.id for lesson in text.lessons] != [lesson.id for lesson in english.lessons]:
        raise ContentError(f"{path.name}: lessons differ from the English source")
    return text


@cache
def knowledge_test() -> KnowledgeTest:
    data = tomllib.loads((DATA / "knowledge_test.toml").read_text(encoding="utf-8"))
    languages = tuple(data["languages"])
    questions = []
    for item in data["questions"]:
        qid = str(item["id"])
        missing = [lang for lang in languages if lang not in item["text"] or lang not in item["options"]]
        if missing:
            raise ContentError(f"question {qid}: no text in {', '.join(missing)}")
        counts = {len(item["options"][lang]) for lang in languages}
        if len(counts) != 1 or not 0 <= int(item["answer"]) < counts.pop():
            raise ContentError(f"question {qid}: options differ between languages or answer out of range")
        questions.append(
            Question(
                id=qid,
                answer=int(item["answer"]),
                text={lang: str(item["text"][lang]) for lang in languages},
                options={lang: tuple(item["options"][lang]) for lang in languages},
            )
        )
    return KnowledgeTest(version=str(data["version"]), questions=tuple(questions))
