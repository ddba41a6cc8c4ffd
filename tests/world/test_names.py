"""Names are composed and written the way each tradition and each kind of record writes them."""

from __future__ import annotations

import random

import jellyfish
import numpy as np
import phonenumbers
from hypothesis import given, settings
from hypothesis import strategies as st

from tiaki.world.data import Culture, NamePart, load_world_data
from tiaki.world.identifiers import mobile_numbers, passport_slip, written_phone
from tiaki.world.names import MentionWriter, PersonName, typo

DATA = load_world_data()
QUIET = {
    "nickname_rate": 0.0, "latin_rate": 0.0, "drop_diacritics_rate": 0.0, "variant_romanisation_rate": 0.0,
    "swap_order_rate": 0.0, "uppercase_rate": 0.0, "typo_rate": 0.0, "zawgyi_rate": 0.0,
}  # fmt: skip


def _part(culture: Culture, kind: str, latin: str) -> NamePart:
    return next(p for p in getattr(culture, kind) if p.latin == latin)


def _person(
    code: str, given: list[tuple[str, str]], family: tuple[str, str] | None, gender: str
) -> PersonName:
    culture = DATA.cultures[code]
    parts = tuple(_part(culture, kind, latin) for kind, latin in given)
    fam = _part(culture, family[0], family[1]) if family else None
    honorific = next((h for h in culture.honorifics if h.gender == gender), None)
    return PersonName(culture, parts, fam, honorific, None, gender)


def test_vietnamese_is_family_name_first_with_diacritics() -> None:
    person = _person("vi", [("middle", "Thi"), ("given", "Lan")], ("family", "Nguyen"), "f")
    assert person.full_name() == "Nguyễn Thị Lan"
    assert person.latin_name() == "Nguyen Thi Lan"
    assert (person.given_name, person.family_name) == ("Thị Lan", "Nguyễn")
    writer = MentionWriter(QUIET | {"swap_order_rate": 1.0})
    assert writer.write(person, random.Random(1)) == ("Thị Lan Nguyễn", "Latn")
    writer = MentionWriter(QUIET | {"drop_diacritics_rate": 1.0, "uppercase_rate": 1.0})
    assert writer.write(person, random.Random(1)) == ("NGUYEN THI LAN", "Latn")


def test_malay_and_malaysian_indian_names_are_patronymic() -> None:
    son = _person("ms", [("given", "Ahmad")], ("given", "Ismail"), "m")
    daughter = _person("ms", [("given", "Siti")], ("given", "Ismail"), "f")
    assert (son.full_name(), daughter.full_name()) == ("Ahmad bin Ismail", "Siti binti Ismail")
    tamil = _person("ta_my", [("given", "Ravi")], ("given", "Muthu"), "m")
    assert tamil.full_name() == "Ravi a/l Muthu"
    assert tamil.script == "Latn"


def test_karen_names_carry_saw_or_naw_in_both_scripts() -> None:
    person = _person("ksw", [("syllables", "Eh"), ("syllables", "Htoo")], None, "m")
    assert person.full_name() == "စောအဲထူး"
    assert person.latin_name() == "Saw Eh Htoo"


def test_sinhala_names_are_reduced_to_initials_in_romanised_records() -> None:
    person = _person("si", [("given", "Kasun")], ("family", "Perera"), "m")
    assert person.full_name() == "කසුන් පෙරේරා"
    person.culture = Culture(**{**vars(person.culture), "meta": person.culture.meta | {"initials_rate": 1.0}})
    writer = MentionWriter(QUIET | {"latin_rate": 1.0})
    assert writer.write(person, random.Random(3)) == ("K. Perera", "Latn")


def test_burmese_mentions_can_arrive_in_zawgyi() -> None:
    person = _person("my", [("syllables", "Aung"), ("syllables", "Kyaw")], None, "m")
    assert person.full_name() == "အောင်ကျော်"
    person.honorific = None
    writer = MentionWriter(QUIET | {"zawgyi_rate": 1.0})
    name, script = writer.write(person, random.Random(2))
    assert script == "Qaag"
    assert name != "အောင်ကျော်"


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=3, max_size=30), st.integers(0, 10_000))
def test_a_typo_is_one_slip_away(text: str, seed: int) -> None:
    slipped = typo(text, random.Random(seed))
    assert jellyfish.damerau_levenshtein_distance(text, slipped) <= 1


@settings(max_examples=60)
@given(
    st.sampled_from(sorted(DATA.countries)),
    st.sampled_from(sorted(DATA.countries)),
    st.integers(0, 2**32 - 1),
)
def test_written_phones_parse_in_the_reports_country(code: str, report_country: str, seed: int) -> None:
    country = DATA.countries[code]
    for number in mobile_numbers(country, 5, np.random.default_rng(seed)):
        assert phonenumbers.is_valid_number(phonenumbers.parse(number))
        written = written_phone(number, country, report_country, random.Random(seed), national_rate=0.5)
        parsed = phonenumbers.parse(written, report_country)
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == number


def test_a_copied_passport_number_has_one_slip() -> None:
    # O for 0, I for 1, S for 5, B for 8 -- or a character dropped.
    slips = [passport_slip("C1234567", random.Random(seed)) for seed in range(4)]
    assert slips == ["C123457", "CI234567", "1234567", "CI234567"]
