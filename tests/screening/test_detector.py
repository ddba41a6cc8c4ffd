"""Exact-value tests of the detector in every screened language: evidence, offsets, negation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tiaki.screening import ScreeningInputError, detect
from tiaki.screening.detector import find_matches, lower_same_length
from tiaki.screening.normalise import normalise
from tiaki.screening.rules import RULES_DIR, load_all_rules, ruleset_version

DEV = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "screening_eval" / "dev.jsonl"

RD = "retention_of_identity_documents"
PV = "physical_sexual_violence"

# (language, text, code, evidence, start, end)
FOUND = [
    (
        "en",
        "Last year the recruiter confiscated my passport at the airport.",
        RD,
        "confiscated my passport",
        24,
        47,
    ),
    ("vi", "Ở Đài Loan, ông chủ tịch thu hộ chiếu của chị tôi.", RD, "tịch thu hộ chiếu", 20, 37),
    ("th", "นายหน้ายึดพาสปอร์ตของพี่สาวฉันไว้", RD, "ยึดพาสปอร์ต", 7, 18),
    ("my", "ပွဲစားက ကျွန်တော့် မှတ်ပုံတင်ကို သိမ်းထားတယ်။", RD, "မှတ်ပုံတင်ကို သိမ်းထား", 19, 41),
    ("ms", "Tauke kilang itu merampas pasport adik saya.", RD, "merampas pasport", 17, 33),
    ("id", "Agen itu menyita paspor kakak saya di bandara.", RD, "menyita paspor", 9, 23),
    ("si", "ඒජන්සිය මගේ අක්කාගේ පාස්පෝට් එක තියාගත්තා.", RD, "පාස්පෝට් එක තියාගත්", 20, 39),
    ("ta", "முகவர் என் அக்காவின் கடவுச்சீட்டை பறித்துக்கொண்டார்.", RD, "கடவுச்சீட்டை பறித்து", 21, 41),
    ("en", "The foreman punched my cousin twice.", PV, "punched my", 12, 22),
    ("vi", "Quản đốc đánh anh họ tôi hai lần.", PV, "Quản đốc đánh", 0, 13),
    ("th", "หัวหน้าคนงานตบหน้าลูกพี่ลูกน้องของฉัน", PV, "ตบ", 12, 14),
    ("my", "ကြီးကြပ်ရေးမှူးက ကျွန်တော့်ညီကို ရိုက်တယ်။", PV, "ရိုက်", 33, 38),
    ("ms", "Mandur itu menendang sepupu saya.", PV, "menendang", 11, 20),
    ("id", "Mandor itu menampar sepupu saya.", PV, "menampar", 11, 19),
    ("si", "සුපවයිසර් මගේ මස්සිනාට ගැහුවා.", PV, "ගැහුවා", 23, 29),
    ("ta", "மேற்பார்வையாளர் என் தம்பியை அடித்தார்.", PV, "அடித்", 28, 33),
]

# The same situations negated, or not retention at all ("lost", "my own", "if ...").
NOT_FOUND = [
    ("en", "The recruiter did not take my passport."),
    ("en", "I lost my passport at the market."),
    ("en", "I keep my own passport in my bag."),
    ("en", "If they take your passport, call the hotline."),
    ("en", "The agent wanted to hold my passport, but I refused."),
    ("en", "Nobody ever hit my cousin at the farm."),
    ("vi", "Ở Đài Loan, ông chủ không giữ hộ chiếu của chị tôi."),
    ("vi", "Không ai đánh anh họ tôi ở trang trại."),
    ("th", "นายหน้าไม่ได้ยึดพาสปอร์ตของพี่สาวฉัน"),
    ("th", "ไม่มีใครตบหน้าลูกพี่ลูกน้องของฉัน"),
    ("my", "ပွဲစားက ကျွန်တော့် မှတ်ပုံတင်ကို မသိမ်းဘူး။"),
    ("my", "ဘယ်သူမှ ကျွန်တော့်ညီကို မရိုက်ဘူး။"),
    ("ms", "Tauke kilang itu tidak merampas pasport adik saya."),
    ("ms", "Tiada sesiapa menendang sepupu saya."),
    ("id", "Agen itu tidak menyita paspor kakak saya di bandara."),
    ("id", "Tidak ada yang menampar sepupu saya."),
    ("si", "ඒජන්සිය මගේ අක්කාගේ පාස්පෝට් එක ගත්තේ නැහැ."),
    ("si", "කවුරුවත් මගේ මස්සිනාට ගැහුවේ නැහැ."),
    ("ta", "முகவர் என் அக்காவின் கடவுச்சீட்டை எடுக்கவில்லை."),
    ("ta", "யாரும் என் தம்பியை அடிக்கவில்லை."),
]


@pytest.mark.parametrize(("lang", "text", "code", "evidence", "start", "end"), FOUND)
def test_indicator_found_with_exact_offsets(
    lang: str, text: str, code: str, evidence: str, start: int, end: int
) -> None:
    result = detect(text)
    assert result.language == lang
    assert [(i.code, i.evidence, i.start, i.end) for i in result.indicators] == [(code, evidence, start, end)]
    assert text[start:end] == evidence
    assert result.indicators[0].strength == "strong"
    # One strong indicator establishes the coercion dimension alone: medium, 0.3 + 0.3 * 0.5.
    assert (result.level, result.score) == ("medium", 0.45)
    assert result.ruleset_version == ruleset_version()


@pytest.mark.parametrize(("lang", "text"), NOT_FOUND)
def test_negated_or_hypothetical_form_not_found(lang: str, text: str) -> None:
    result = detect(text, lang)
    assert result.indicators == ()
    assert (result.level, result.score) == ("none", 0.0)


def test_several_indicators_combine_to_high() -> None:
    text = "They took my passport, locked us in the dormitory and we worked 18 hours a day with no day off."
    result = detect(text)
    assert [(i.code, i.evidence) for i in result.indicators] == [
        (RD, "took my passport"),
        ("restriction_of_movement", "locked us in"),
        ("excessive_overtime", "worked 18 hours a day"),
        ("excessive_overtime", "no day off"),
    ]
    assert result.level == "high"
    assert result.dimensions == ("coercion",)
    # 0.6 + 0.4 * (1 - 0.5 * 0.5 * 0.7)
    assert result.score == 0.93


def test_child_flag_raises_level() -> None:
    result = detect("I am 15 and the boss keeps my passport.")
    assert [(i.code, i.evidence, i.start, i.end) for i in result.indicators] == [
        ("child_under_18", "I am 15", 0, 7),
        (RD, "keeps my passport", 21, 38),
    ]
    assert result.level == "high"


def test_explicit_language_overrides_detection() -> None:
    assert detect("Majikan merampas pasport saya.", "id").language == "id"


def test_unknown_language_is_a_clear_error() -> None:
    with pytest.raises(ScreeningInputError, match="unknown language 'xx'"):
        detect("text", "xx")


def test_language_without_rules_is_reported_not_guessed() -> None:
    result = detect("ၦၢ်ပှၤကညီ တၢ်ကတိၤ ဒီး ပှၤဂၤ", None)
    assert result.language == "ksw"
    assert result.notes == ("no_rules_for_language",)


def test_as_dict_matches_the_command_line_contract() -> None:
    data = detect("The agent kept my passport.").as_dict()
    assert data == {
        "language": "en",
        "indicators": [
            {
                "code": RD,
                "evidence": "kept my passport",
                "start": 10,
                "end": 26,
                "strength": "strong",
                "source": "rules",
            }
        ],
        "score": 0.45,
        "level": "medium",
        "ruleset_version": ruleset_version(),
        "dimensions": ["coercion"],
        "notes": [],
        "exploitation_types": [],
        "set_aside": [],
    }


def test_first_only_names_the_same_indicators_with_fewer_of_their_matches() -> None:
    # What the detector matches with where the text model will set every finding aside (set_aside names
    # the indicators the rules found, without their evidence).
    rulesets = load_all_rules(RULES_DIR)
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len({row["lang"] for row in rows}) >= 8
    spared = 0
    for row in rows:
        rules = rulesets[row["lang"]]
        text = lower_same_length(normalise(row["text"]).text)
        every = find_matches(rules, text)
        first = find_matches(rules, text, first_only=True)
        assert {match.code for match in first} == {match.code for match in every}, row["id"]
        assert set(first) <= set(every), row["id"]
        spared += len(every) - len(first)
    assert spared >= 20  # texts with more than one match of an indicator are among them
