"""Taxonomy and per-language rule files: contents, schema checks, and adding a language without Python."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tiaki.screening import rules as rules_module
from tiaki.screening.rules import RULES_DIR, RuleFileError, load_all_rules, load_rules_file, parse_rules
from tiaki.screening.taxonomy import ILO_CODES, TaxonomyError, load_taxonomy, parse_taxonomy

HTCDS_METHODS_OF_CONTROL = {
    "PhysicalThreats", "ThreatsLawEnforcement", "ThreatensChildrenFamily", "DebtBondage", "FalsePromises",
    "PhysicalAbuse", "SexualAbuse", "TakesEarnings", "RestrictsFinancialAccess", "RestrictsMedicalCare",
    "WithholdsNecessities", "PsychologicalAbuse", "PsychoactiveSubstance", "ExcessiveWorkingHours",
    "WithholdsDocuments", "Other",
}  # fmt: skip


def test_taxonomy_has_exactly_the_contract_codes() -> None:
    taxonomy = load_taxonomy()
    assert tuple(taxonomy.indicators) == ILO_CODES
    assert set(taxonomy.dimensions) == {"recruitment", "exploitation", "coercion", "vulnerability"}
    assert {code: ind.strength for code, ind in taxonomy.indicators.items()} == {
        "abuse_of_vulnerability": "medium",
        "deception": "strong",
        "restriction_of_movement": "strong",
        "isolation": "medium",
        "physical_sexual_violence": "strong",
        "intimidation_threats": "strong",
        "retention_of_identity_documents": "strong",
        "withholding_of_wages": "strong",
        "debt_bondage": "strong",
        "abusive_working_living_conditions": "medium",
        "excessive_overtime": "medium",
    }
    for ind in taxonomy.indicators.values():
        assert set(ind.methods_of_control) <= HTCDS_METHODS_OF_CONTROL
    assert taxonomy.child_code == "child_under_18"
    assert taxonomy.child_age_limit == 18
    assert {"ForcedLabour", "SexualExploitation", "ForcedMarriage", "ForcedBegging"} <= set(
        taxonomy.exploitation_types
    )


def test_taxonomy_missing_a_code_is_rejected() -> None:
    raw = {"version": "x", "dimensions": {"coercion": "C"}, "indicators": {}}
    with pytest.raises(TaxonomyError, match="missing ILO codes"):
        parse_taxonomy(raw)


def test_every_screened_language_has_a_rule_file_covering_every_code() -> None:
    rulesets = load_all_rules()
    assert sorted(rulesets) == ["en", "id", "mi", "ms", "my", "si", "ta", "th", "vi"]
    for rules in rulesets.values():
        assert {ind.code for ind in rules.indicators} == set(ILO_CODES), rules.language


MINIMAL = {
    "language": "xx",
    "name": "Test",
    "version": "1",
    "script": "Latin",
    "segmentation": "words",
    "clause_breaks": "[.!?]",
}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"colour": "blue"}, r"unknown keys \['colour'\]"),
        ({"script": "Klingon"}, "script must be one of"),
        ({"segmentation": "magic"}, "segmentation must be one of"),
        (
            {"indicators": {"not_a_code": {"patterns": ["x"]}}},
            "indicators.not_a_code: unknown indicator code",
        ),
        ({"indicators": {"deception": {"patterns": ["(unclosed"]}}}, "invalid regular expression"),
        ({"indicators": {"deception": {"patterns": ["{NOPE}"]}}}, r"unknown term \{NOPE\}"),
        ({"terms": {"Doc": "passport"}}, r"term names are upper-case .*\['Doc'\]"),
        (
            {"terms": {"A": "{B}", "B": "{A}"}, "indicators": {"deception": {"patterns": ["{A}"]}}},
            "terms nest too deeply",
        ),
        ({"indicators": {"deception": {"regexes": ["x"]}}}, "allowed keys are"),
        ({"age": {"patterns": ["aged \\d+"]}}, "must capture the age"),
        ({"negation": {"cues": ["not"], "before_chars": -1}}, "non-negative"),
        # Joined into one alternation, this \1 would name the first pattern's group.
        (
            {"indicators": {"deception": {"exclude": ["(own) room", r"(his|her) bag in \1 room"]}}},
            r"exclude\[1\]: a back-reference may only follow capturing groups of its own pattern",
        ),
    ],
)
def test_schema_errors_name_the_problem(extra: dict, message: str) -> None:
    with pytest.raises(RuleFileError, match=message):
        parse_rules({**MINIMAL, **extra}, source="xx.toml")


def test_a_back_reference_after_non_capturing_groups_is_accepted() -> None:
    rules = parse_rules(
        {**MINIMAL, "indicators": {"deception": {"exclude": ["(?:own) room", r"(his|her) bag in \1 room"]}}},
        source="xx.toml",
    )
    exclude = next(ind.exclude for ind in rules.indicators if ind.code == "deception")
    assert exclude is not None and exclude.search("his bag in his room")
    assert not exclude.search("his bag in her room")


def test_terms_may_use_terms_defined_after_them() -> None:
    from tiaki.screening.detector import find_matches

    rules = parse_rules(
        {
            **MINIMAL,
            "terms": {"TAKEN": "{DOC} (?:was|were) taken", "DOC": "passports?|papers"},
            "indicators": {"retention_of_identity_documents": {"patterns": ["my {TAKEN}"]}},
        },
        source="xx.toml",
    )
    assert [(m.start, m.end) for m in find_matches(rules, "at the port my papers were taken.")] == [(12, 32)]
    assert find_matches(rules, "at the port my bags were taken.") == []


def test_a_partner_adds_a_language_with_a_data_file_only(tmp_path: Path) -> None:
    (tmp_path / "xx.toml").write_text(
        """
language = "xx"
name = "Test"
version = "1"
script = "Latin"
segmentation = "words"
clause_breaks = '[.!?]'
[terms]
DOC = 'pasipoti|passport'
[negation]
cues = ['\\bkāore\\b']
[indicators.retention_of_identity_documents]
patterns = ['\\bmau (?:\\w+ )?{DOC}']
""",
        encoding="utf-8",
    )
    rulesets = load_all_rules(tmp_path)
    from tiaki.screening.detector import find_matches

    rules = rulesets["xx"]
    assert [(m.code, m.start, m.end) for m in find_matches(rules, "i mau tōku pasipoti.")] == [
        ("retention_of_identity_documents", 2, 19)
    ]
    assert find_matches(rules, "kāore i mau tōku pasipoti.") == []


def test_sentence_exclusions_reach_across_clauses_but_not_into_the_next_sentence() -> None:
    from tiaki.screening.detector import find_matches

    rules = parse_rules(
        {
            **MINIMAL,
            "clause_breaks": "[.!?,]",
            "indicators": {
                "restriction_of_movement": {
                    "patterns": [r"\blocks? the door\b"],
                    "sentence_exclude": [r"\bhas a key\b"],
                }
            },
        },
        source="xx.toml",
    )

    def codes(text: str) -> list[str]:
        return [m.code for m in find_matches(rules, text)]

    assert codes("the manager locks the door at night, but everyone has a key.") == []
    assert codes("the manager locks the door at night. the cook has a key.") == ["restriction_of_movement"]
    # Without punctuation a sentence still ends SENTENCE_REACH characters from the match.
    far = "the manager locks the door " + "and then " * 30 + "everyone has a key"
    assert codes(far) == ["restriction_of_movement"]
    # The keyword baseline ignores exclusions of both kinds.
    assert [m.code for m in find_matches(rules, "he locks the door, she has a key.", context=False)] == [
        "restriction_of_movement"
    ]


def test_cue_and_break_lists_skip_to_where_a_match_can_start_without_changing_a_match() -> None:
    rules = parse_rules(
        {
            **MINIMAL,
            "negation": {"cues": [r"\bnot\b", r"\bnever\b", r"n't\b"]},
            "hypothetical": {"cues": [r"\b(?:if|whether)\b", r"\w+ing"]},
        },
        source="xx.toml",
    )
    negation = rules.negation.before
    hypothetical = rules.hypothetical.before
    assert negation is not None and hypothetical is not None
    # Every cue's first characters are known: the engine scans for them (see prefilter.first_chars).
    assert negation.pattern.startswith("(?=[")
    # One cue that can start with any letter: the plain alternation, as before.
    assert hypothetical.pattern == r"(?:\b(?:if|whether)\b)|(?:\w+ing)"
    plain = re.compile(r"\bnot\b|\bnever\b|n't\b")
    text = "he did not pay. i haven't seen it; never again, knot nothing nevermore can't"
    assert [m.span() for m in negation.finditer(text)] == [m.span() for m in plain.finditer(text)]
    # The packaged rule files' cue lists and sentence breaks carry the look-ahead.
    english = load_all_rules()["en"]
    assert english.negation.before is not None and english.negation.before.pattern.startswith("(?=[")
    assert english.sentence_breaks.pattern.startswith("(?=[")


def test_file_name_must_match_language(tmp_path: Path) -> None:
    source = (RULES_DIR / "en.toml").read_text(encoding="utf-8")
    (tmp_path / "zz.toml").write_text(source, encoding="utf-8")
    with pytest.raises(RuleFileError, match="does not match the file name"):
        load_rules_file(tmp_path / "zz.toml")


def test_the_stored_version_changes_with_the_rules_and_the_detectors_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stored screening is stale, and screened again, once a rule file or the code that found it changes."""
    rules_dir = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules_dir)
    version = rules_module.ruleset_version.__wrapped__  # not the cached value
    before = version(rules_dir)
    assert version(rules_dir) == before
    en = rules_dir / "en.toml"
    en.write_text(en.read_text(encoding="utf-8") + "\n# a reviewer's comment\n", encoding="utf-8")
    edited = version(rules_dir)
    assert edited != before
    code = tmp_path / "detector.py"
    code.write_text("SENTENCE_REACH = 160\n", encoding="utf-8")
    monkeypatch.setattr(rules_module, "DETECTOR_SOURCES", (*rules_module.DETECTOR_SOURCES, code))
    with_code = version(rules_dir)
    code.write_text("SENTENCE_REACH = 200\n", encoding="utf-8")
    assert version(rules_dir) not in (before, edited, with_code)


def test_the_stored_version_changes_with_a_library_the_detector_runs_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An upgrade of pythainlp may cut Thai words elsewhere, so results found before it are stale too."""
    version = rules_module.ruleset_version.__wrapped__
    before = version(RULES_DIR)
    installed = rules_module.version
    monkeypatch.setattr(
        rules_module, "version", lambda name: "99.0" if name == "pythainlp" else installed(name)
    )
    assert "pythainlp 99.0" in rules_module.detector_environment()
    assert version(RULES_DIR) != before


def test_the_versioned_libraries_hold_every_library_the_detector_imports() -> None:
    """DETECTOR_LIBRARIES cannot rot: a third-party module the detector's code imports, at the top or
    inside a function, is versioned too (scikit-learn only trains the text model: a development tool)."""
    distributions = importlib.metadata.packages_distributions()
    training_only = {"sklearn"}
    imported: set[str] = set()
    for _path, node in _detector_imports():
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif node.module and not node.level:
            imported.add(node.module.split(".")[0])
    third_party = {name for name in imported if name not in sys.stdlib_module_names and name != "tiaki"}
    assert {"lingua", "pythainlp", "numpy"} <= third_party
    for name in third_party - training_only:
        assert set(distributions[name]) <= set(rules_module.DETECTOR_LIBRARIES), name


def test_the_versioned_code_holds_every_screening_module_it_imports() -> None:
    """DETECTOR_SOURCES cannot rot: a module the detector's code imports from the package is in it too."""
    names = {path.stem for path in rules_module.DETECTOR_SOURCES}
    assert "detector" in names and "textmodel" in names
    for path, node in _detector_imports():
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tiaki.screening."):
            assert node.module.removeprefix("tiaki.screening.") in names, (path.name, node.module)


def _detector_imports() -> Iterator[tuple[Path, ast.Import | ast.ImportFrom]]:
    """Every import statement of the versioned detector code, at the top or inside a function."""
    for path in rules_module.DETECTOR_SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                yield path, node
