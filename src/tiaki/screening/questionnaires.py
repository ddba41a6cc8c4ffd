"""Structured screening questionnaires as data: loading, skip logic, scoring, XLSForm export, ODK import.

A questionnaire's answers become the same result as a screened narrative: the answers are written out as a
transcript ("question: answer" per line) and each indicator's evidence is the line that shows it, with
character offsets into that transcript, so every consumer of screening results reads both alike.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from tiaki.screening.detector import Indicator, ScreeningResult
from tiaki.screening.rules import ruleset_version
from tiaki.screening.scoring import assess
from tiaki.screening.taxonomy import load_taxonomy

DIRECTORY = Path(__file__).parent / "data" / "questionnaires"
LANGUAGES = ("en", "vi", "th", "my", "ksw", "ms", "id", "si", "ta", "mi")
TYPES = ("yes_no", "yes_no_unsure", "number", "choice")
KINDS = ("interview", "red_flag", "self_check")
CHILD = "child_under_18"
# Labels of yes / no / not sure in every language, from data (partners correct wording without code).
YES_NO_LABELS: dict[str, dict[str, str]] = tomllib.loads(
    (Path(__file__).parent / "data" / "questionnaire_answers.toml").read_text(encoding="utf-8")
)
_ID = re.compile(r"^q\d\d_[a-z0-9_]+$")
_CONDITION = re.compile(r"^(q\d\d_[a-z0-9_]+) == '([a-z0-9_]+)'$")


class QuestionnaireError(ValueError):
    """A questionnaire file or a set of answers is not valid; the message names the file and the field."""


@dataclass(frozen=True)
class Choice:
    value: str
    label: dict[str, str]


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: dict[str, str]
    help: dict[str, str]
    indicators: dict[str, tuple[str, ...]]
    show_if: str = ""
    choices: tuple[Choice, ...] = ()

    def values(self) -> tuple[str, ...]:
        if self.type == "yes_no":
            return ("yes", "no")
        if self.type == "yes_no_unsure":
            return ("yes", "no", "unsure")
        return tuple(c.value for c in self.choices)

    def label_of(self, value: str, language: str) -> str:
        if self.type == "number":
            return value
        if self.type == "choice":
            return next(c.label[language] for c in self.choices if c.value == value)
        return YES_NO_LABELS[value][language]


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    kind: str
    title: dict[str, str]
    intro: dict[str, str]
    questions: tuple[Question, ...] = field(default=())

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)


def _texts(raw: Any, where: str) -> dict[str, str]:
    if (
        not isinstance(raw, dict)
        or set(raw) != set(LANGUAGES)
        or not all(isinstance(v, str) and v.strip() for v in raw.values())
    ):
        missing = sorted(set(LANGUAGES) - set(raw)) if isinstance(raw, dict) else list(LANGUAGES)
        raise QuestionnaireError(f"{where}: needs text in all ten languages (missing or empty: {missing})")
    return {k: v.strip() for k, v in raw.items()}


def _conditions(expression: str) -> tuple[str, list[tuple[str, str]]]:
    """Parse "a == 'x' and b == 'y'" into ("and", [(a, x), (b, y)])."""
    if not expression:
        return "and", []
    joiner = " or " if " or " in expression else " and "
    if joiner == " or " and " and " in expression:
        raise QuestionnaireError(f"show_if mixes 'and' and 'or': {expression!r}")
    parts = []
    for part in expression.split(joiner):
        match = _CONDITION.match(part.strip())
        if not match:
            raise QuestionnaireError(f"show_if not understood: {part.strip()!r}")
        parts.append((match.group(1), match.group(2)))
    return joiner.strip(), parts


def parse(raw: Mapping[str, Any], *, source: str) -> Questionnaire:
    taxonomy = load_taxonomy()
    allowed_codes = set(taxonomy.indicators) | {CHILD}
    kind = raw.get("kind")
    if kind not in KINDS:
        raise QuestionnaireError(f"{source}: kind must be one of {KINDS}")
    questions: list[Question] = []
    for index, entry in enumerate(raw.get("question", []), start=1):
        where = f"{source}: question {index}"
        qid = entry.get("id", "")
        if not _ID.match(qid) or any(q.id == qid for q in questions):
            raise QuestionnaireError(f"{where}: id {qid!r} must match q00_name and be unique")
        qtype = entry.get("type")
        if qtype not in TYPES:
            raise QuestionnaireError(f"{where} ({qid}): type must be one of {TYPES}")
        choices = tuple(
            Choice(str(c["value"]), _texts(c.get("label"), f"{where} ({qid}) choice {c.get('value')}"))
            for c in entry.get("choice", [])
        )
        if (qtype == "choice") != bool(choices):
            raise QuestionnaireError(f"{where} ({qid}): choices go with type 'choice' only")
        indicators = {str(k): tuple(v) for k, v in entry.get("indicators", {}).items()}
        answers = {
            "number": ("lt18",),
            "yes_no": ("yes", "no"),
            "yes_no_unsure": ("yes", "no", "unsure"),
            "choice": tuple(c.value for c in choices),
        }[qtype]
        for answer, codes in indicators.items():
            bad = set(codes) - allowed_codes
            if bad:
                raise QuestionnaireError(f"{where} ({qid}): unknown indicator codes {sorted(bad)}")
            if answer not in answers:
                raise QuestionnaireError(f"{where} ({qid}): no answer {answer!r} for a {qtype} question")
        show_if = str(entry.get("show_if", "")).strip()
        _joiner, conditions = _conditions(show_if)
        earlier = {q.id: q for q in questions}
        for other, value in conditions:
            if other not in earlier:
                raise QuestionnaireError(
                    f"{where} ({qid}): show_if refers to {other!r}, not an earlier question"
                )
            if earlier[other].type != "number" and value not in earlier[other].values():
                raise QuestionnaireError(f"{where} ({qid}): {other} has no answer {value!r}")
        questions.append(
            Question(
                id=qid,
                type=qtype,
                text=_texts(entry.get("text"), f"{where} ({qid}) text"),
                help=_texts(entry["help"], f"{where} ({qid}) help") if "help" in entry else {},
                indicators=indicators,
                show_if=show_if,
                choices=choices,
            )
        )
    if not questions:
        raise QuestionnaireError(f"{source}: no questions")
    return Questionnaire(
        id=str(raw.get("id")),
        version=str(raw.get("version", "1")),
        kind=str(kind),
        title=_texts(raw.get("title"), f"{source}: title"),
        intro=_texts(raw.get("intro"), f"{source}: intro"),
        questions=tuple(questions),
    )


@cache
def load(form_id: str) -> Questionnaire:
    if not re.fullmatch(r"[a-z_]+", form_id):
        raise QuestionnaireError(f"no questionnaire {form_id!r}")
    path = DIRECTORY / f"{form_id}.toml"
    if not path.exists():
        raise QuestionnaireError(f"no questionnaire {form_id!r}")
    return parse(tomllib.loads(path.read_text(encoding="utf-8")), source=path.name)


def available() -> list[str]:
    return sorted(p.stem for p in DIRECTORY.glob("*.toml"))


def is_shown(question: Question, answers: Mapping[str, str]) -> bool:
    joiner, conditions = _conditions(question.show_if)
    if not conditions:
        return True
    results = [answers.get(other) == value for other, value in conditions]
    return any(results) if joiner == "or" else all(results)


def clean_answers(questionnaire: Questionnaire, raw: Mapping[str, Any]) -> dict[str, str]:
    """Keep the answers to questions that are shown; reject impossible values. Unanswered is allowed."""
    answers: dict[str, str] = {}
    for question in questionnaire.questions:
        if not is_shown(question, answers):
            continue
        value = raw.get(question.id)
        if value is None or str(value).strip() == "":
            continue
        value = str(value).strip().lower()
        if question.type == "number":
            if not value.isdecimal() or not 0 <= int(value) <= 120:
                raise QuestionnaireError(f"{question.id}: a whole number from 0 to 120 is expected")
        elif value not in question.values():
            raise QuestionnaireError(f"{question.id}: {value!r} is not one of {question.values()}")
        answers[question.id] = value
    return answers


def score(
    questionnaire: Questionnaire, raw_answers: Mapping[str, Any], *, language: str = "en"
) -> ScreeningResult:
    """The screening result of a set of answers, in the same shape as a screened narrative."""
    language = language if language in LANGUAGES else "en"
    answers = clean_answers(questionnaire, raw_answers)
    taxonomy = load_taxonomy()
    lines: list[str] = []
    found: list[Indicator] = []
    position = 0
    child = False
    for question in questionnaire.questions:
        if question.id not in answers:
            continue
        value = answers[question.id]
        line = f"{question.text[language]} — {question.label_of(value, language)}"
        key = "lt18" if question.type == "number" and int(value) < 18 else value
        for code in question.indicators.get(key, ()):
            if code == CHILD:
                child = True
            strength = "strong" if code == CHILD else taxonomy.indicators[code].strength
            found.append(
                Indicator(
                    code=code,
                    evidence=line,
                    start=position,
                    end=position + len(line),
                    strength=strength,
                    source="answers",
                )
            )
        lines.append(line)
        position += len(line) + 1
    codes = [i.code for i in found if i.code != CHILD]
    assessment = assess(codes, child=child, taxonomy=taxonomy)
    return ScreeningResult(
        language=language,
        indicators=tuple(found),
        score=assessment.score,
        level=assessment.level,
        ruleset_version=f"{questionnaire.id}@{questionnaire.version}+{ruleset_version()}",
        dimensions=assessment.established_dimensions,
    )


def transcript(questionnaire: Questionnaire, raw_answers: Mapping[str, Any], *, language: str = "en") -> str:
    answers = clean_answers(questionnaire, raw_answers)
    return "\n".join(
        f"{q.text[language]} — {q.label_of(answers[q.id], language)}"
        for q in questionnaire.questions
        if q.id in answers
    )


# --- XLSForm (ODK Collect, KoboToolbox) -------------------------------------------------------------------

LANGUAGE_NAMES = {
    "en": "English",
    "vi": "Vietnamese",
    "th": "Thai",
    "my": "Burmese",
    "ksw": "S'gaw Karen",
    "ms": "Malay",
    "id": "Indonesian",
    "si": "Sinhala",
    "ta": "Tamil",
    "mi": "Maori",
}


def _relevant(question: Question) -> str:
    joiner, conditions = _conditions(question.show_if)
    return f" {joiner} ".join(f"${{{other}}} = '{value}'" for other, value in conditions)


def to_xlsform(questionnaire: Questionnaire) -> bytes:
    """The questionnaire as an XLSForm workbook in all ten languages (label::Language (code) columns)."""
    from openpyxl import Workbook

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    label_columns = [f"label::{LANGUAGE_NAMES[c]} ({c})" for c in LANGUAGES]
    hint_columns = [f"hint::{LANGUAGE_NAMES[c]} ({c})" for c in LANGUAGES]
    survey.append(["type", "name", *label_columns, *hint_columns, "relevant", "constraint"])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *label_columns])
    for value, labels in YES_NO_LABELS.items():
        if value != "unsure":
            choices.append(["yes_no", value, *(labels[c] for c in LANGUAGES)])
    for value, labels in YES_NO_LABELS.items():
        choices.append(["yes_no_unsure", value, *(labels[c] for c in LANGUAGES)])
    for question in questionnaire.questions:
        if question.type == "number":
            kind, constraint = "integer", ". >= 0 and . <= 120"
        elif question.type == "choice":
            kind, constraint = f"select_one {question.id}_choices", ""
            for choice in question.choices:
                choices.append(
                    [f"{question.id}_choices", choice.value, *(choice.label[c] for c in LANGUAGES)]
                )
        else:
            kind, constraint = f"select_one {question.type}", ""
        survey.append(
            [
                kind,
                question.id,
                *(question.text[c] for c in LANGUAGES),
                *(question.help.get(c, "") for c in LANGUAGES),
                _relevant(question),
                constraint,
            ]
        )
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(
        [
            questionnaire.title["en"],
            f"tiaki_{questionnaire.id}",
            questionnaire.version,
            f"{LANGUAGE_NAMES['en']} (en)",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_submissions(data: bytes, *, filename: str) -> list[dict[str, str]]:
    """ODK/KoboToolbox submission exports (CSV or JSON) as plain {question id: value} rows.

    Group prefixes ("group/q01_x" or "group-q01_x") are dropped; unknown columns are ignored by scoring.
    Anything that is not such an export raises QuestionnaireError (an upload is untrusted input).
    """
    try:
        text = data.decode("utf-8-sig")
        if filename.lower().endswith(".json"):
            parsed = json.loads(text)
            records: Any = parsed.get("results") if isinstance(parsed, dict) else parsed
            if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
                raise QuestionnaireError('expected a list of submissions (or {"results": [...]})')
        else:
            records = list(csv.DictReader(io.StringIO(text, newline="")))
    except UnicodeDecodeError as exc:
        raise QuestionnaireError(f"not valid UTF-8 (bad byte at offset {exc.start})") from exc
    except (ValueError, csv.Error) as exc:
        if isinstance(exc, QuestionnaireError):
            raise
        raise QuestionnaireError(f"not a CSV or JSON export: {exc}") from exc
    rows = []
    for record in records:
        row: dict[str, str] = {}
        for key, value in record.items():
            name = re.split(r"[/-]", str(key))[-1]
            row[name] = "" if value is None else str(value)
        rows.append(row)
    return rows


def submission_id(row: Mapping[str, str], index: int) -> str:
    for key in ("_uuid", "instanceID", "_id", "KEY", "meta/instanceID"):
        if row.get(key):
            return row[key]
    return f"row-{index}"
