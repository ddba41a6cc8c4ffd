"""The world's distributions: surname shares, valid phones, traceable mentions, indicator coverage."""

from __future__ import annotations

import re
from collections import Counter

import phonenumbers
import pytest

from tiaki.world.data import ILO_CODES, NARRATIVE_LANGUAGES, load_world_data
from tiaki.world.generator import FILES

from .conftest import PEOPLE, World


def test_every_contract_file_has_the_agreed_header(world: World) -> None:
    for name, header in FILES.items():
        with (world.path / name).open(encoding="utf-8") as handle:
            assert handle.readline().rstrip("\n").split(",") == header
    for name in ("reports.jsonl", "cases.jsonl", "programmes.jsonl", "summary.json"):
        assert (world.path / name).stat().st_size > 0
    assert world.summary.people == PEOPLE
    assert len(world.csv("people.csv")) == PEOPLE


def test_vietnamese_surnames_follow_published_frequencies(world: World) -> None:
    vietnamese = [p for p in world.csv("people.csv") if p["culture"] == "vi"]
    families = Counter(p["family_name"] for p in vietnamese)
    share = families["Nguyễn"] / len(vietnamese)
    # About 4,400 people: three standard errors of a 38.4% share are ±2.2 points.
    assert abs(share - 0.384) < 0.022
    assert families.most_common(3)[0][0] == "Nguyễn"
    assert abs(families["Trần"] / len(vietnamese) - 0.121) < 0.015
    for person in vietnamese:
        assert person["full_name"].startswith(person["family_name"] + " ")


def test_thai_family_names_are_many_and_rarely_shared(world: World) -> None:
    thai = [p for p in world.csv("people.csv") if p["culture"] == "th"]
    families = Counter(p["family_name"] for p in thai)
    assert len(families) > 200
    assert families.most_common(1)[0][1] / len(thai) < 0.03
    assert all(p["latin_name"].isascii() for p in thai)


def test_every_phone_is_valid_for_its_country(world: World) -> None:
    people = world.csv("people.csv")
    numbers = [p["phone"] for p in people if p["phone"]]
    assert len(numbers) > PEOPLE * 0.8
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(n)) for n in numbers)
    reports = {r["id"]: r for r in world.jsonl("reports.jsonl")}
    mentioned = [
        (m["phone"], reports[m["report_id"]]["country"]) for m in world.csv("mentions.csv") if m["phone"]
    ]
    assert len(mentioned) > 500
    # National formats ("091 234 5678") are only valid read in the report's country, as a resolver would.
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(n, region)) for n, region in mentioned)
    assert any(not n.startswith("+") for n, _ in mentioned)
    for name in ("travellers.csv", "watchlist.csv"):
        assert all(
            phonenumbers.is_valid_number(phonenumbers.parse(r["phone"]))
            for r in world.csv(name)
            if r["phone"]
        )


def test_every_mention_traces_to_one_ground_truth_entity(world: World) -> None:
    people = {p["entity_id"]: p for p in world.csv("people.csv")}
    mentions = world.csv("mentions.csv")
    truth = world.csv("ground_truth/mention_entity.csv")
    assert [t["mention_id"] for t in truth] == [m["id"] for m in mentions]
    assert len({m["id"] for m in mentions}) == len(mentions)
    assert all(t["entity_id"] in people for t in truth)
    reports = {r["id"]: r for r in world.jsonl("reports.jsonl")}
    listed = {mid: rid for rid, r in reports.items() for mid in r["mention_ids"]}
    for mention in mentions:
        assert listed[mention["id"]] == mention["report_id"]
        assert reports[mention["report_id"]]["org_id"] == mention["source"]
        assert mention["role"] in {"victim", "suspect", "witness", "reporter"}
        assert mention["name"] or mention["phone"]
    entity_of = {t["mention_id"]: t["entity_id"] for t in truth}
    for mention in mentions:
        person = people[entity_of[mention["id"]]]
        if mention["gender"]:
            assert mention["gender"] == person["gender"]
        if mention["role"] == "suspect":
            assert person["network_role"] not in ("", "victim")
        if mention["role"] == "victim":
            assert person["is_victim"] == "true"


def test_mentions_carry_realistic_noise(world: World) -> None:
    mentions = world.csv("mentions.csv")
    scripts = Counter(m["name_script"] for m in mentions)
    for script in ("Latn", "Thai", "Mymr", "Sinh", "Taml", "Qaag"):
        assert scripts[script] > 0, script
    phone_only = [m for m in mentions if not m["name"]]
    assert 0 < len(phone_only) < len(mentions) * 0.1
    names = {m["name"] for m in mentions}
    assert any(n.startswith(("U ", "Daw ", "Ko ", "Ma ", "Maung ")) for n in names)
    assert any(n.startswith(("Saw ", "Naw ")) for n in names)
    assert any(re.fullmatch(r"[A-Z]\. \w+", n) for n in names)  # Sinhala/Tamil initials
    assert any(" bin " in n or " binti " in n for n in names)
    people = {p["entity_id"]: p for p in world.csv("people.csv")}
    truth = {t["mention_id"]: t["entity_id"] for t in world.csv("ground_truth/mention_entity.csv")}
    vietnamese = [m for m in mentions if people[truth[m["id"]]]["culture"] == "vi" and m["name"]]
    dropped = [m for m in vietnamese if m["name"].isascii()]
    assert 0.2 < len(dropped) / len(vietnamese) < 0.8
    exact = [m for m in mentions if m["name"] == people[truth[m["id"]]]["full_name"]]
    assert 0.1 < len(exact) / len(mentions) < 0.6
    shared = Counter(m["phone"].replace(" ", "") for m in mentions if m["phone"].startswith("+"))
    assert any(count > 1 for count in shared.values())


def test_dates_of_birth_are_sometimes_year_only_or_unknown(world: World) -> None:
    dobs = Counter(
        "unknown" if not p["dob"] else "year" if len(p["dob"]) == 4 else "full"
        for p in world.csv("people.csv")
    )
    assert 0.8 < dobs["full"] / PEOPLE < 0.9
    assert 0.05 < dobs["year"] / PEOPLE < 0.2
    assert 0.01 < dobs["unknown"] / PEOPLE < 0.05


def test_passports_follow_each_countrys_format(world: World) -> None:
    data = load_world_data()
    patterns = {
        code: re.compile(
            "^"
            + "".join(
                "[0-9]" if ch == "#" else f"[{c.passport_letters}]" if ch == "@" else re.escape(ch)
                for ch in c.passport_pattern
            )
            + "$"
        )
        for code, c in data.countries.items()
    }
    people = [p for p in world.csv("people.csv") if p["id_number"]]
    assert len(people) > PEOPLE / 2
    assert all(patterns[p["nationality"]].match(p["id_number"]) for p in people)


def test_far_more_legitimate_migrants_than_traffickers(world: World) -> None:
    people = world.csv("people.csv")
    roles = Counter(p["network_role"] for p in people)
    members = sum(v for k, v in roles.items() if k not in ("", "victim"))
    migrants = sum(1 for p in people if not p["network_role"] and p["residence_country"] != p["nationality"])
    assert members < 0.01 * PEOPLE
    assert roles["victim"] < 0.03 * PEOPLE
    assert migrants > 10 * (members + roles["victim"])
    for role in ("leader", "recruiter", "transporter", "employer", "victim"):
        assert roles[role] > 0
    agencies = world.csv("agencies.csv")
    statuses = Counter(a["licence_status"] for a in agencies)
    assert statuses["licensed"] > statuses["unlicensed"] + statuses["revoked"]
    assert all(a["network_id"] for a in agencies if a["licence_status"] != "licensed")


def _template_pattern(template: str) -> re.Pattern[str]:
    pieces = re.split(r"\{[a-z]+\}", template)
    return re.compile(".+?".join(re.escape(p) for p in pieces), re.DOTALL)


def test_narrative_ground_truth_matches_the_text(world: World) -> None:
    data = load_world_data()
    patterns = {
        lang: {code: [_template_pattern(t) for t in sentences] for code, sentences in n.indicators.items()}
        for lang, n in data.narratives.items()
    }
    truth = {t["report_id"]: t for t in world.csv("ground_truth/narrative_indicators.csv")}
    checked = 0
    for report in world.jsonl("reports.jsonl"):
        row = truth[report["id"]]
        assert row["lang"] == report["lang"]
        if report.get("encoding") == "zawgyi":
            continue
        found = {
            code
            for code, pats in patterns[report["lang"]].items()
            if any(p.search(report["narrative"]) for p in pats)
        }
        assert found == set(row["codes"].split()), report["id"]
        checked += 1
    assert checked > 900


def test_indicator_coverage_per_language(world: World) -> None:
    rows = world.csv("ground_truth/narrative_indicators.csv")
    by_lang: dict[str, list[set[str]]] = {}
    for row in rows:
        by_lang.setdefault(row["lang"], []).append(set(row["codes"].split()))
    assert set(by_lang) == set(NARRATIVE_LANGUAGES)
    for lang, reports in by_lang.items():
        with_codes = sum(1 for codes in reports if codes)
        assert 0.2 < with_codes / len(reports) < 0.9, lang
        assert len(set().union(*reports)) >= 7, lang
    assert set().union(*(c for reports in by_lang.values() for c in reports)) == set(ILO_CODES)


def test_watchlist_hits_are_exactly_the_travelling_members(world: World) -> None:
    travellers = {t["record_id"]: t["entity_id"] for t in world.csv("ground_truth/traveller_entity.csv")}
    watchlist = {w["watchlist_id"]: w["entity_id"] for w in world.csv("ground_truth/watchlist_entity.csv")}
    hits = {(h["record_id"], h["watchlist_id"]) for h in world.csv("ground_truth/watchlist_hits.csv")}
    watched = {entity: wid for wid, entity in watchlist.items()}
    expected = {(rid, watched[entity]) for rid, entity in travellers.items() if entity in watched}
    assert hits == expected
    assert len(hits) > 20
    assert all(t["id_number"] for t in world.csv("travellers.csv"))
    names = {t["id"]: t["name"] for t in world.csv("travellers.csv")}
    listed = {w["id"]: w["name"] for w in world.csv("watchlist.csv")}
    variants = [pair for pair in hits if names[pair[0]] != listed[pair[1]]]
    assert len(variants) > len(hits) / 2
    # Namesakes: different people travelling under exactly a watchlisted member's name.
    people = {p["entity_id"]: p for p in world.csv("people.csv")}
    watched_names = {people[entity]["latin_name"] for entity in watchlist.values()}
    namesakes = [
        rid for rid, entity in travellers.items()
        if entity not in watched and people[entity]["latin_name"] in watched_names
    ]  # fmt: skip
    assert len(namesakes) >= 3


def test_cases_and_programmes_keep_the_demo_alive(world: World) -> None:
    cases = world.jsonl("cases.jsonl")
    orgs = {o["org_id"]: o for o in world.csv("organisations.csv")}
    assert len(cases) > 50
    assert all(
        c["org_id"] in orgs and orgs[c["org_id"]]["org_type"] in ("ngo", "school_shelter") for c in cases
    )
    assert any(c["referrals"] for c in cases)
    assert any(c["shelter_placement"] for c in cases)
    assert any(c["return_plan"] for c in cases)
    assert any(c["org_id"] == "TH-SCH-MST" and c["is_child"] for c in cases)
    programmes = world.jsonl("programmes.jsonl")
    assert {p["kind"] for p in programmes} == {"outreach_event", "campaign", "training"}
    types = Counter(o["org_type"] for o in orgs.values())
    assert set(types) == {
        "government",
        "law_enforcement",
        "immigration_service",
        "ngo",
        "school_shelter",
        "international_organisation",
    }
    posts = {o["city"] for o in orgs.values() if o["org_type"] == "immigration_service"}
    assert {"Bangkok", "Kuala Lumpur", "Jakarta", "Colombo"} <= posts


@pytest.mark.parametrize("culture", ["th", "my", "ksw", "si", "ta_lk"])
def test_native_script_people_have_a_romanised_name(world: World, culture: str) -> None:
    people = [p for p in world.csv("people.csv") if p["culture"] == culture]
    assert people
    assert all(p["name_script"] != "Latn" and not p["full_name"].isascii() for p in people)
    assert all(p["latin_name"].replace(" ", "").isalpha() and p["latin_name"].isascii() for p in people)


def test_naming_conventions_hold_for_every_person(world: World) -> None:
    people = world.csv("people.csv")
    by_culture: dict[str, list[dict[str, str]]] = {}
    for person in people:
        by_culture.setdefault(person["culture"], []).append(person)
    for person in by_culture["ms"]:
        connector = " bin " if person["gender"] == "M" else " binti "
        assert connector in person["full_name"]
    for person in by_culture["ta_my"]:
        assert (" a/l " if person["gender"] == "M" else " a/p ") in person["full_name"]
    for person in by_culture["ksw"]:
        assert person["latin_name"].startswith("Saw " if person["gender"] == "M" else "Naw ")
    for person in by_culture["my"]:
        assert person["family_name"] == ""
        assert " " not in person["full_name"]  # Burmese is written without spaces between syllables
    indonesians = by_culture["id"]
    single = sum(1 for p in indonesians if not p["family_name"]) / len(indonesians)
    assert abs(single - 0.32) < 0.04
    thai_nicknames = sum(1 for p in by_culture["th"] if p["nicknames"]) / len(by_culture["th"])
    assert abs(thai_nicknames - 0.85) < 0.04
    vietnamese = by_culture["vi"]
    thi = sum(1 for p in vietnamese if p["gender"] == "F" and p["given_name"].startswith("Thị ")) / sum(
        1 for p in vietnamese if p["gender"] == "F"
    )
    # Thị is the most common middle name of women, but far from universal among those born since 1980.
    assert 0.3 < thi < 0.5
