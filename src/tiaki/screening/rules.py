"""Loader and schema check for per-language rule files (data/rules/<lang>.toml).

A rule file is all a partner edits to add or improve a language; see data/rules/README.md for the format.
"""

from __future__ import annotations

import hashlib
import re
import sys
import tomllib
import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from tiaki.screening.prefilter import (
    Gate,
    LiteralFinder,
    PatternSet,
    first_chars,
    gate_for_patterns,
    literal_finder,
    pattern_set,
    sre_c,
    sre_parse,
    with_first_chars,
)
from tiaki.screening.taxonomy import DATA_DIR, TAXONOMY_PATH, load_taxonomy

RULES_DIR = DATA_DIR / "rules"
TEXT_MODEL_PATH = DATA_DIR / "text_model.npz"  # the statistical layer (textmodel.py)
# The code that decides what a screening finds, part of the version stored with each result (see
# ruleset_version): a module the detector comes to depend on for its findings belongs here.
DETECTOR_SOURCES = tuple(
    Path(__file__).with_name(name)
    for name in (
        "detector.py",
        "language.py",
        "normalise.py",
        "prefilter.py",
        "rules.py",
        "scoring.py",
        "segmentation.py",
        "taxonomy.py",
        "textmodel.py",
    )
)
# The libraries whose behaviour decides a finding, by distribution name, also part of that version: language
# identification (lingua), Zawgyi detection and conversion (myanmartools, python-myanmar), Thai word cuts
# (pythainlp), the literal pass (pyahocorasick) and the text model's arithmetic (numpy, scipy). An upgrade
# of one of them re-screens, as a change of the detector's own code does.
DETECTOR_LIBRARIES = (
    "lingua-language-detector",
    "myanmartools",
    "numpy",
    "pyahocorasick",
    "python-myanmar",
    "pythainlp",
    "scipy",
)
SEGMENTATIONS = ("words", "word_start", "thai", "myanmar")
SCRIPTS = ("Latin", "Thai", "Myanmar", "Sinhala", "Tamil")
_TERM = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_ALLOWED_TOP = {
    "language", "name", "version", "script", "lingua", "segmentation", "also_apply", "clause_breaks",
    "terms", "negation", "hypothetical", "age", "indicators", "exploitation", "sentence_breaks",
    "unaccented_text",
}  # fmt: skip
_ALLOWED_INDICATOR = {"patterns", "negative_patterns", "exclude", "sentence_exclude"}
_ALLOWED_EXPLOITATION = {"patterns", "context_patterns", "exclude"}
CONTEXT_SUFFIX = "__context"
DEFAULT_SENTENCE_BREAKS = r"(?:\.(?!\d)|[!?\n\u104b])+"  # a full stop inside "3.500" ends nothing


class RuleFileError(ValueError):
    """A rule file breaks the schema; the message names the file and the key."""


@dataclass(frozen=True)
class IndicatorRules:
    code: str
    affirmative: re.Pattern[str] | None
    negative: re.Pattern[str] | None
    exclude: re.Pattern[str] | None
    # Counter-evidence anywhere in the match's sentence, across clause breaks ("the door is locked at
    # night, but everyone has a key"; "I could not call home because my phone broke"). Searched whole,
    # once per sentence (see detector._Clauses.holds).
    sentence_exclude: PatternSet | None = None
    # The same patterns with a keyword prefilter per alternative (see prefilter.py).
    affirmative_set: PatternSet | None = None
    negative_set: PatternSet | None = None


@dataclass(frozen=True)
class ExploitationRules:
    """One HTCDS exploitation type (sexual exploitation, forced begging, ...) of a rule file.

    Its `patterns` name the exploitation itself ("forced to beg") and count on their own; its
    `context_patterns` name a setting ("brothel", "fishing boat") and count only in a text where an ILO
    indicator was found. Both are compiled into the rule set's combined exploitation patterns.
    """

    code: str
    exclude: re.Pattern[str] | None
    has_patterns: bool
    has_context_patterns: bool


@dataclass(frozen=True)
class CueRules:
    """Context cues: `before` is searched in the window before a match, `after` in the window after it.

    `inside` also searches the match itself (for languages whose negation sits on the matched verb).
    """

    before: re.Pattern[str] | None
    after: re.Pattern[str] | None
    before_chars: int
    after_chars: int
    inside: bool = False


@dataclass(frozen=True)
class RuleSet:
    language: str
    name: str
    version: str
    script: str
    lingua: str | None
    segmentation: str
    also_apply: tuple[str, ...]
    clause_breaks: re.Pattern[str]
    # Sentence ends for `sentence_exclude` (text without punctuation, such as Thai, is also bounded by
    # SENTENCE_REACH characters either side of the match).
    sentence_breaks: re.Pattern[str]
    negation: CueRules
    hypothetical: CueRules
    age: re.Pattern[str] | None
    age_words: dict[str, int]
    indicators: tuple[IndicatorRules, ...]
    exploitation: tuple[ExploitationRules, ...] = ()
    age_gate: Gate | None = None
    # All exploitation types' cues as one alternation with a named group per type (`<Type>` for explicit
    # cues, `<Type__context>` for setting cues): one scan of the text instead of one per type.
    # `exploitation_explicit` has the explicit cues only, `exploitation_all` both kinds.
    exploitation_explicit: PatternSet | None = None
    exploitation_all: PatternSet | None = None
    # Finds every gate literal of the rule set in one pass over a text (see prefilter.LiteralFinder).
    literals: LiteralFinder | None = None
    # With `unaccented_text = true`: the same rules with every diacritic removed (see `unaccented`), for
    # text typed without them (Vietnamese chat and SMS are often written "không dấu").
    unaccented: RuleSet | None = None


def _expand(pattern: str, terms: dict[str, str], where: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in terms:
            raise RuleFileError(f"{where}: unknown term {{{name}}}")
        return f"(?:{terms[name]})"

    # Terms may use other terms, so expand until nothing changes (bounded to stop cycles).
    for _ in range(5):
        expanded = _TERM.sub(replace, pattern)
        if expanded == pattern:
            return expanded
        pattern = expanded
    raise RuleFileError(f"{where}: terms nest too deeply (cycle?)")


def lowercase_pattern(pattern: str) -> str:
    """Lower-case a regular expression's literal characters, leaving escapes such as \\S or \\B alone.

    Patterns are matched case-sensitively against lower-cased text: Python's regex engine can then use
    its first-character prefilter, which IGNORECASE disables (about 5x faster on Latin-script text).
    """
    out = []
    escaped = False
    for ch in pattern:
        out.append(ch if escaped else ch.lower())
        escaped = not escaped and ch == "\\"
    return "".join(out)


def _expanded(patterns: object, terms: dict[str, str], where: str) -> list[str]:
    if patterns is None:
        return []
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
        raise RuleFileError(f"{where}: expected a list of non-empty regular expressions")
    parts = []
    groups = 0  # capturing groups of the patterns before this one, once the list is joined
    for i, pattern in enumerate(patterns):
        expanded = lowercase_pattern(_expand(pattern, terms, f"{where}[{i}]"))
        try:
            compiled = re.compile(expanded)
        except re.error as exc:
            raise RuleFileError(f"{where}[{i}]: invalid regular expression {pattern!r}: {exc}") from exc
        if groups and _has_backreference(expanded):
            # Joined into one alternation, \1 here would name a group of an earlier pattern.
            raise RuleFileError(
                f"{where}[{i}]: a back-reference may only follow capturing groups of its own pattern; "
                "write the groups of the earlier patterns in this list as (?:...)"
            )
        groups += compiled.groups
        parts.append(f"(?:{expanded})")
    return parts


def _has_backreference(pattern: str) -> bool:
    """Whether a pattern refers back to one of its groups (\\1, (?P=name), (?(1)...))."""

    def walk(items: Any) -> bool:
        for op, av in items:
            if op in (sre_c.GROUPREF, sre_c.GROUPREF_EXISTS):
                return True
            for value in av if isinstance(av, (tuple, list)) else (av,):
                if isinstance(value, sre_parse.SubPattern) and walk(value):
                    return True
                if isinstance(value, (tuple, list)) and any(
                    isinstance(v, sre_parse.SubPattern) and walk(v) for v in value
                ):
                    return True
        return False

    return walk(sre_parse.parse(pattern))


def _joined(parts: list[str]) -> re.Pattern[str]:
    """The alternation of expanded patterns, behind a look-ahead on their first characters where all are
    known (see prefilter.first_chars): cue, exclusion and break patterns are searched in every matched
    text, and the engine then skips to where a match can start instead of trying every position."""
    return re.compile(with_first_chars(parts, map(first_chars, parts)))


def _compile(patterns: object, terms: dict[str, str], where: str) -> re.Pattern[str] | None:
    parts = _expanded(patterns, terms, where)
    return _joined(parts) if parts else None


def _compile_gated(
    patterns: object, terms: dict[str, str], where: str
) -> tuple[re.Pattern[str] | None, Gate | None]:
    """The joined pattern plus its keyword prefilter."""
    parts = _expanded(patterns, terms, where)
    if not parts:
        return None, None
    return _joined(parts), gate_for_patterns(parts)


def _compile_set(patterns: object, terms: dict[str, str], where: str) -> PatternSet | None:
    """The joined pattern with a keyword prefilter per alternative."""
    return pattern_set(_expanded(patterns, terms, where))


def _cue_rules(raw: object, terms: dict[str, str], where: str) -> CueRules:
    allowed = {"cues", "before_cues", "after_cues", "before_chars", "after_chars", "inside"}
    if raw is None:
        return CueRules(None, None, 0, 0)
    if not isinstance(raw, dict) or set(raw) - allowed:
        raise RuleFileError(f"{where}: expected a table with keys among {sorted(allowed)}")
    before, after = raw.get("before_chars", 40), raw.get("after_chars", 0)
    if not isinstance(before, int) or not isinstance(after, int) or before < 0 or after < 0:
        raise RuleFileError(f"{where}: before_chars/after_chars must be non-negative integers")
    inside = raw.get("inside", False)
    if not isinstance(inside, bool):
        raise RuleFileError(f"{where}: inside must be true or false")
    both = raw.get("cues", [])
    for key in ("cues", "before_cues", "after_cues"):
        if not isinstance(raw.get(key, []), list):
            raise RuleFileError(f"{where}.{key}: expected a list of regular expressions")
    before_re = _compile(both + raw.get("before_cues", []), terms, f"{where}.cues")
    after_re = _compile(both + raw.get("after_cues", []), terms, f"{where}.cues")
    return CueRules(before_re, after_re, before, after, inside)


def parse_rules(raw: dict, *, source: str) -> RuleSet:
    """Validate one parsed rule file and compile its patterns."""
    unknown = set(raw) - _ALLOWED_TOP
    if unknown:
        raise RuleFileError(f"{source}: unknown keys {sorted(unknown)}")
    for key in ("language", "name", "version", "script", "segmentation", "clause_breaks"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise RuleFileError(f"{source}: {key} must be a non-empty string")
    if raw["script"] not in SCRIPTS:
        raise RuleFileError(f"{source}: script must be one of {SCRIPTS}")
    if raw["segmentation"] not in SEGMENTATIONS:
        raise RuleFileError(f"{source}: segmentation must be one of {SEGMENTATIONS}")
    if not isinstance(raw.get("unaccented_text", False), bool):
        raise RuleFileError(f"{source}: unaccented_text must be true or false")
    terms = raw.get("terms", {})
    if not isinstance(terms, dict) or not all(isinstance(v, str) for v in terms.values()):
        raise RuleFileError(f"{source}: terms must map NAME = 'regex'")
    # Only upper-case names are expanded: {Doc} in a pattern would stay literal braces and match nothing.
    misnamed = sorted(name for name in terms if not _TERM.fullmatch(f"{{{name}}}"))
    if misnamed:
        raise RuleFileError(
            f"{source}: term names are upper-case letters, digits and _ (starting with a letter): {misnamed}"
        )
    taxonomy = load_taxonomy()
    known_codes = set(taxonomy.indicators)
    raw_indicators = raw.get("indicators", {})
    if not isinstance(raw_indicators, dict):
        raise RuleFileError(f"{source}: indicators must be a table")
    indicators = []
    for code, table in raw_indicators.items():
        where = f"{source}: indicators.{code}"
        if code not in known_codes:
            raise RuleFileError(f"{where}: unknown indicator code (see taxonomy.toml)")
        if not isinstance(table, dict) or set(table) - _ALLOWED_INDICATOR:
            raise RuleFileError(f"{where}: allowed keys are {sorted(_ALLOWED_INDICATOR)}")
        affirmative_set = _compile_set(table.get("patterns"), terms, f"{where}.patterns")
        negative_set = _compile_set(table.get("negative_patterns"), terms, f"{where}.negative_patterns")
        indicators.append(
            IndicatorRules(
                code=code,
                affirmative=affirmative_set.regex if affirmative_set else None,
                negative=negative_set.regex if negative_set else None,
                exclude=_compile(table.get("exclude"), terms, f"{where}.exclude"),
                sentence_exclude=_compile_set(
                    table.get("sentence_exclude"), terms, f"{where}.sentence_exclude"
                ),
                affirmative_set=affirmative_set,
                negative_set=negative_set,
            )
        )
    combined: dict[str, list[str]] = {"patterns": [], "context_patterns": []}
    raw_exploitation = raw.get("exploitation", {})
    if not isinstance(raw_exploitation, dict):
        raise RuleFileError(f"{source}: exploitation must be a table")
    exploitation = []
    for code, table in raw_exploitation.items():
        where = f"{source}: exploitation.{code}"
        if code not in taxonomy.exploitation_types:
            raise RuleFileError(
                f"{where}: unknown exploitation type (see [exploitation_types] in taxonomy.toml)"
            )
        if not isinstance(table, dict) or set(table) - _ALLOWED_EXPLOITATION:
            raise RuleFileError(f"{where}: allowed keys are {sorted(_ALLOWED_EXPLOITATION)}")
        present = {}
        for key, parts in combined.items():
            expanded = _expanded(table.get(key), terms, f"{where}.{key}")
            present[key] = bool(expanded)
            if expanded:
                name = code if key == "patterns" else f"{code}{CONTEXT_SUFFIX}"
                parts.append(f"(?P<{name}>{'|'.join(expanded)})")
        exploitation.append(
            ExploitationRules(
                code=code,
                exclude=_compile(table.get("exclude"), terms, f"{where}.exclude"),
                has_patterns=present["patterns"],
                has_context_patterns=present["context_patterns"],
            )
        )
    explicit = combined["patterns"]
    exploitation_all = pattern_set(explicit + combined["context_patterns"])
    age = raw.get("age", {})
    if not isinstance(age, dict) or set(age) - {"patterns", "words"}:
        raise RuleFileError(f"{source}: age allows only patterns and words")
    age_pattern, age_gate = (
        _compile_gated(age.get("patterns"), terms, f"{source}: age.patterns") if age else (None, None)
    )
    age_words = age.get("words", {})
    if not isinstance(age_words, dict) or not all(isinstance(v, int) for v in age_words.values()):
        raise RuleFileError(f"{source}: age.words must map a number word to an integer")
    if age_pattern is not None and age_pattern.groups < 1:
        raise RuleFileError(f"{source}: age.patterns must capture the age as a group")
    clause_breaks = _compile([raw["clause_breaks"]], terms, f"{source}: clause_breaks")
    assert clause_breaks is not None
    sentence_breaks = _compile(
        [raw.get("sentence_breaks", DEFAULT_SENTENCE_BREAKS)], terms, f"{source}: sentence_breaks"
    )
    assert sentence_breaks is not None
    also_apply = raw.get("also_apply", [])
    if not isinstance(also_apply, list) or not all(isinstance(x, str) for x in also_apply):
        raise RuleFileError(f"{source}: also_apply must be a list of language codes")
    lingua = raw.get("lingua")
    if lingua is not None and not isinstance(lingua, str):
        raise RuleFileError(f"{source}: lingua must be a lingua Language name such as 'ENGLISH'")
    return RuleSet(
        language=raw["language"],
        name=raw["name"],
        version=raw["version"],
        script=raw["script"],
        lingua=lingua,
        segmentation=raw["segmentation"],
        also_apply=tuple(also_apply),
        clause_breaks=clause_breaks,
        sentence_breaks=sentence_breaks,
        negation=_cue_rules(raw.get("negation"), terms, f"{source}: negation"),
        hypothetical=_cue_rules(raw.get("hypothetical"), terms, f"{source}: hypothetical"),
        age=age_pattern,
        age_words={k.casefold(): v for k, v in age_words.items()},
        indicators=tuple(indicators),
        exploitation=tuple(exploitation),
        age_gate=age_gate,
        exploitation_explicit=pattern_set(explicit),
        exploitation_all=exploitation_all,
        literals=literal_finder(
            [
                *(ind.affirmative_set for ind in indicators),
                *(ind.negative_set for ind in indicators),
            ],
            alternations=[exploitation_all],
            cues=[ind.sentence_exclude for ind in indicators],
        ),
    )


def load_rules_file(path: Path) -> RuleSet:
    """Read, validate and compile one rule file; the file name must be <language>.toml."""
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(f"{path.name}: not valid TOML: {exc}") from exc
    rules = parse_rules(raw, source=path.name)
    if rules.language != path.stem:
        raise RuleFileError(f"{path.name}: language {rules.language!r} does not match the file name")
    if raw.get("unaccented_text"):
        twin = parse_rules(_unaccented_values(raw), source=f"{path.name} (without diacritics)")
        rules = replace(rules, unaccented=twin)
    return rules


@cache
def unaccent_table() -> dict[int, str]:
    """Each precomposed Latin letter with diacritics -> its base letter (đ -> d): one character for one."""
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and base.isascii() and base.isalpha():
            table[code] = base
    return table


def unaccented(text: str) -> str:
    """Text without the diacritics of Latin letters, the same length (offsets stay valid)."""
    return text.translate(unaccent_table())


def _unaccented_values(raw: Any) -> Any:
    """A parsed rule file with every string (pattern, cue, term) written without diacritics."""
    if isinstance(raw, str):
        return unaccented(raw)
    if isinstance(raw, dict):
        return {key: _unaccented_values(value) for key, value in raw.items()}
    if isinstance(raw, list):
        return [_unaccented_values(value) for value in raw]
    return raw


@cache
def load_all_rules(directory: Path = RULES_DIR) -> dict[str, RuleSet]:
    """Every rule file in the directory, keyed by language code; unknown also_apply codes are errors."""
    rulesets = {path.stem: load_rules_file(path) for path in sorted(directory.glob("*.toml"))}
    for rules in rulesets.values():
        for other in rules.also_apply:
            if other not in rulesets:
                raise RuleFileError(
                    f"{rules.language}.toml: also_apply names {other!r}, which has no rule file"
                )
    return rulesets


@cache
def ruleset_version(directory: Path = RULES_DIR) -> str:
    """Taxonomy version plus a digest of the taxonomy, every rule file, the text model, the detector's
    code (DETECTOR_SOURCES) and what it runs on (detector_environment), stored with each result.

    The digest changes whenever any of them changes, so stored results know they are stale and are
    screened again, and each result names exactly what found it. (A change that only makes the code
    faster re-screens too: the price of never having to trust that a change found nothing new.)
    """
    digest = hashlib.sha256(TAXONOMY_PATH.read_bytes())
    for path in sorted(directory.glob("*.toml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    if TEXT_MODEL_PATH.exists():
        digest.update(TEXT_MODEL_PATH.read_bytes())
    for path in DETECTOR_SOURCES:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(detector_environment().encode())
    return f"{load_taxonomy().version}+{digest.hexdigest()[:12]}"


def detector_environment() -> str:
    """What outside the project decides a finding: the interpreter's minor version (its regular expression
    engine), its Unicode data (which characters are letters, lower case, normal forms) and the versions
    of DETECTOR_LIBRARIES, one per line."""
    lines = [
        f"python {sys.version_info.major}.{sys.version_info.minor}",
        f"unicode {unicodedata.unidata_version}",
    ]
    lines += [f"{name} {version(name)}" for name in DETECTOR_LIBRARIES]
    return "\n".join(lines)
