"""The Splink model: blocking budget, unsupervised resolution, reasons, saved models, incremental matching."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pandas as pd
import pytest
from splink import DuckDBAPI
from splink.blocking_analysis import count_comparisons_from_blocking_rules

from tiaki.resolution.linkage import (
    MODEL_VERSION,
    blocking_rules,
    cluster_links,
    entity_profiles,
    entity_term_frequencies,
    load_model,
    match_new_mentions,
    present_comparisons,
    resolve_mentions,
    screen_watchlist,
)
from tiaki.resolution.records import BLOCK_TOKEN_CAP, prepare_mentions


def _pairs(frame: pd.DataFrame, key: str) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for _k, group in frame.groupby(key):
        ids = sorted(group["id"])
        out.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
    return out


def _population(n: int, seed: int) -> pd.DataFrame:
    """n records whose names, like real ones, grow more varied with the population."""
    rng = random.Random(seed)
    syllables = [
        "som",
        "chai",
        "wi",
        "ma",
        "lee",
        "aung",
        "min",
        "thi",
        "da",
        "hung",
        "lan",
        "si",
        "ti",
        "ku",
    ]
    common_family = ["Nguyen", "Tran", "Boonmee", "Perera", "Silva", "Ismail"]
    rows = []
    for i in range(n):
        given = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).title()
        family = (
            rng.choice(common_family)
            if rng.random() < 0.5
            else "".join(rng.choice(syllables) for _ in range(3))
        )
        rows.append(
            {
                "id": str(i),
                "name": f"{given} {family}",
                "dob": f"{rng.randint(1960, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "gender": rng.choice("MF"),
                "phone": f"08{rng.randint(10_000_000, 99_999_999)}",
                "nationality": "TH",
            }
        )
    return pd.DataFrame(rows)


def test_blocking_budget_is_bounded() -> None:
    # Half of 20,000 people share six family names: a rule on a single common word would be quadratic.
    n = 20_000
    table = prepare_mentions(_population(n, seed=3))
    records = count_comparisons_from_blocking_rules(
        DuckDBAPI().register(table),
        blocking_rules=blocking_rules(present_comparisons(table)),
        link_type="dedupe_only",
        record_sample_proportion=1.0,
    )
    assert records[-1]["total_possible_comparison_count"] == 199_990_000
    # 0.1% of all pairs: about 10 comparisons per record instead of 10,000.
    assert records[-1]["cumulative_comparison_count"] < 12 * n
    # Stand-alone keys never hold more than BLOCK_TOKEN_CAP records, so those rules stay linear.
    for column in ("block_name_loose", "block_name_joined_sorted", "block_name_pair", "block_phone_tail"):
        assert table[column].value_counts().max() <= BLOCK_TOKEN_CAP
    tokens = table["name_block_tokens"].dropna().explode()
    assert tokens.value_counts().max() <= BLOCK_TOKEN_CAP


def test_resolve_finds_people_across_spellings(mentions_600: pd.DataFrame, tmp_path: Path) -> None:
    model_path = tmp_path / "model.json"
    result = resolve_mentions(mentions_600.drop(columns="person"), save_model_to=model_path)
    merged = mentions_600.merge(result.clusters, on="id")
    truth, predicted = _pairs(merged, "person"), _pairs(merged, "cluster_id")
    precision = len(truth & predicted) / len(predicted)
    recall = len(truth & predicted) / len(truth)
    assert precision >= 0.97
    assert recall >= 0.95
    model = json.loads(model_path.read_text(encoding="utf-8"))
    assert model["tiaki_model_version"] == MODEL_VERSION
    assert model["tiaki_comparisons"] == [
        "diacritics",
        "dob",
        "gender",
        "id_number",
        "name",
        "nationality",
        "phone",
    ]
    assert load_model(model_path)["link_type"] == "dedupe_only"


def test_links_carry_reasons(mentions_600: pd.DataFrame) -> None:
    result = resolve_mentions(mentions_600.drop(columns="person"))
    links = result.links.set_index(["id_l", "id_r"])
    # copies 0 and 2 of a person share name, passport, phone and a date written two ways
    reasons = links.loc[("p1-m0", "p1-m2"), "reasons"]
    assert reasons.startswith("name exact, dob exact, phone exact, id number exact")


def test_saved_model_of_another_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"tiaki_model_version": "tiaki-resolution-0"}), encoding="utf-8")
    with pytest.raises(ValueError, match="tiaki-resolution-0"):
        load_model(path)


def test_cluster_ids_are_the_smallest_member_and_entity_pass_joins_profiles() -> None:
    links = pd.DataFrame(
        {
            "id_l": ["a", "b", "a"],
            "id_r": ["b", "c", "c"],
            "match_probability": [0.99, 0.3, 0.3],
            # b-c share a name; a-c share a phone: neither alone is enough, the profiles together are
            "mw_name": [14.0, 8.0, 0.0],
            "mw_phone": [0.0, 0.0, 8.0],
        }
    )
    plain = cluster_links(["a", "b", "c"], links, 0.9)
    assert plain["cluster_id"].tolist() == ["a", "a", "c"]
    profiled = cluster_links(["a", "b", "c"], links, 0.9, prior=1e-3)
    assert profiled["cluster_id"].tolist() == ["a", "a", "a"]


def test_a_mention_matching_two_namesakes_joins_one_instead_of_chaining_them() -> None:
    # a1-a2 and b1-b2 are two people of one name (their phones differ); n has the name and nothing else.
    links = pd.DataFrame(
        {
            "id_l": ["a1", "b1", "a1", "n", "n", "a1"],
            "id_r": ["a2", "b2", "b1", "a2", "b2", "b2"],
            "match_probability": [0.999, 0.999, 0.01, 0.95, 0.94, 0.01],
            "mw_name": [12.0, 12.0, 12.0, 12.0, 12.0, 12.0],
            "mw_phone": [9.0, 9.0, -9.0, 0.0, 0.0, -9.0],
            "mw_gender": [1.0, 1.0, 1.0, 2.0, 1.5, 1.0],
        }
    )
    plain = cluster_links(["a1", "a2", "b1", "b2", "n"], links, 0.9)
    assert plain["cluster_id"].nunique() == 1
    profiled = cluster_links(["a1", "a2", "b1", "b2", "n"], links, 0.9, prior=1e-3)
    # n goes with the better-supported namesake (a: gender agreement 2.0 > 1.5), and b stays apart
    assert profiled["cluster_id"].tolist() == ["a1", "a1", "b1", "b1", "a1"]


def test_a_name_only_mention_joins_the_more_mentioned_namesake_unless_contradicted() -> None:
    # a1-a4 and b1-b2 are two people of one name (phones differ). n, m and p have that name: n fits both
    # equally; p too, on evidence too weak for two lone mentions; m contradicts a's date of birth.
    ids = ["b1", "b2", "a1", "a2", "a3", "a4", "n", "m", "p"]
    pairs = [
        ("a1", "a2", 9.0, 1.0, 0.0),
        ("a2", "a3", 9.0, 1.0, 0.0),
        ("a3", "a4", 9.0, 1.0, 0.0),
        ("b1", "b2", 9.0, 1.0, 0.0),
        ("a1", "b1", -9.0, 1.0, 0.0),
        ("n", "a1", 0.0, 1.5, 0.0),
        ("n", "b1", 0.0, 1.5, 0.0),
        ("m", "a1", 0.0, 1.5, -2.0),
        ("p", "a1", 0.0, 0.5, 0.0),
        ("p", "b1", 0.0, 0.5, 0.0),
    ]
    links = pd.DataFrame(
        {
            "id_l": [p[0] for p in pairs],
            "id_r": [p[1] for p in pairs],
            "match_probability": [0.5] * len(pairs),
            "mw_name": [12.0] * len(pairs),
            "mw_phone": [p[2] for p in pairs],
            "mw_gender": [p[3] for p in pairs],
            "mw_dob": [p[4] for p in pairs],
        }
    )
    clusters = cluster_links(ids, links, 0.9, prior=1e-3)
    # n and p are a's (four mentions to b's two); m's date of birth keeps it out however popular a is
    assert clusters["cluster_id"].tolist() == ["b1", "b1", "a1", "a1", "a1", "a1", "a1", "m", "a1"]


def test_entities_joined_by_a_nickname_are_kept_apart_by_values_no_link_compares() -> None:
    # Two people, each reported under their full name and once under one nickname ("Boy"): the only
    # link between them is the nickname pair; their dates of birth and phones sit in mentions that
    # blocking never paired across the two. c1 is a third person's lone "Boy" mention, with a date of
    # birth one digit off a's: a typo could explain it, so it is no contradiction.
    table = pd.DataFrame(
        {
            "unique_id": ["a1", "a2", "b1", "b2", "c1"],
            "dob_year": ["1967", None, "1991", None, "1967"],
            "dob_full": ["1967-12-01", None, "1991-11-20", None, "1967-12-07"],
            "dob_swapped": ["1967-01-12", None, "1991-20-11", None, "1967-07-12"],
            "dob_digits": ["19671201", None, "19911120", None, "19671207"],
            "phone_tail": ["79679430", None, "16582596", None, None],
            "gender": ["m", None, "m", None, "f"],
        }
    )
    levels = {
        "dob": [(13.6, "dob exact"), (-9.1, "dob differs")],
        "phone": [(15.6, "phone exact"), (-5.1, "phone differs")],
        "gender": [(1.0, "gender exact"), (-10.2, "gender differs")],
        "name": [(13.0, "name exact"), (-4.3, "name differs")],
    }
    profiles = entity_profiles(table, levels)
    assert sorted(profiles) == ["dob", "gender", "phone"]
    assert profiles["phone"][1] == -5.1
    assert profiles["dob"][0][1] is None
    links = pd.DataFrame(
        {
            "id_l": ["a1", "b1", "a2", "a2"],
            "id_r": ["a2", "b2", "b2", "c1"],
            "match_probability": [0.999, 0.999, 0.9, 0.9],
            "mw_name": [14.0, 14.0, 12.0, 12.0],
            "mw_dob": [0.0, 0.0, 0.0, 0.0],
            "mw_phone": [0.0, 0.0, 0.0, 0.0],
            "mw_gender": [0.0, 0.0, 0.0, 0.0],
        }
    )
    ids = ["a1", "a2", "b1", "b2", "c1"]
    blind = cluster_links(ids, links, 0.8, prior=1e-3)
    assert blind["cluster_id"].nunique() == 1  # a, b and c chained through the nickname
    seen = cluster_links(ids, links, 0.8, prior=1e-3, profiles=profiles)
    # a and b: dates of birth and phones differ; c: the date could be a typo, but the gender differs
    assert seen["cluster_id"].tolist() == ["a1", "a1", "b1", "b1", "c1"]
    profiles.pop("gender")
    assert cluster_links(ids, links, 0.8, prior=1e-3, profiles=profiles)["cluster_id"].tolist() == [
        "a1",
        "a1",
        "b1",
        "b1",
        "a1",
    ]


def test_term_frequencies_are_counted_over_entities_not_mentions() -> None:
    # "x" is written in three mentions of one person and one other mention; "y" by three people.
    table = pd.DataFrame(
        {
            "unique_id": ["1", "2", "3", "4", "5", "6", "7"],
            "name_sorted": ["x", "x", "x", "x", "y", "y", "y"],
        }
    )
    clusters = pd.DataFrame(
        {"id": list(table["unique_id"]), "cluster_id": ["1", "1", "1", "4", "5", "6", "7"]}
    )
    links = pd.DataFrame(
        {
            "id_l": ["1", "5"],
            "id_r": ["4", "6"],
            "match_probability": [0.5, 0.5],
            "match_weight": [0.0, 0.0],
            "mw_name": [5.0, 5.0],
            "mw_tf_adj_name": [-1.0, -1.0],
        }
    )
    adjusted = entity_term_frequencies(table, links, clusters, threshold=0.9)
    # x: 4 of 7 records, 1 outside its main cluster -> log2(4) = 2 bits stronger; y: 3 of 7, 2 outside
    assert adjusted["mw_tf_adj_name"].round(6).tolist() == [1.0, round(-1.0 + math.log2(3 / 2), 6)]
    assert adjusted["match_weight"].round(6).tolist() == [2.0, round(math.log2(3 / 2), 6)]


def test_a_one_word_name_is_as_common_as_the_word_among_all_names() -> None:
    # "arif" is a whole name in two records of different people (rare as a name: 1 of 8 outside its
    # entity) and a word of four other people's names (5 of 8 records outside its entity hold it).
    names = ["arif", "arif", "arif mohd", "arif rahman", "arif hashim", "arif zain", "siti", "siti"]
    table = pd.DataFrame(
        {
            "unique_id": [str(i) for i in range(1, 9)],
            "name_sorted": names,
            "name_loose": names,
            "name_tokens": [n.split() for n in names],
        }
    )
    clusters = pd.DataFrame({"id": list(table["unique_id"]), "cluster_id": list(table["unique_id"])})
    links = pd.DataFrame(
        {
            "id_l": ["1", "7"],
            "id_r": ["2", "8"],
            "match_probability": [0.5, 0.5],
            "match_weight": [0.0, 0.0],
            "mw_name": [5.0, 5.0],
            "mw_tf_adj_name": [1.0, 1.0],
        }
    )
    adjusted = entity_term_frequencies(table, links, clusters, threshold=0.9)
    # arif: weighed by the word (5 records outside the entity holding it most) instead of the whole name
    # (1): log2(5) bits weaker; siti is a word of no other name and keeps its whole-name weight
    arif_name = math.log2((2 / 8) / (1 / 8))
    assert adjusted["mw_tf_adj_name"].round(6).tolist() == [
        round(1.0 + arif_name - math.log2(5), 6),
        round(1.0 + math.log2((2 / 8) / (1 / 8)), 6),
    ]


def test_incremental_matching_of_new_mentions(mentions_600: pd.DataFrame) -> None:
    existing = mentions_600[~mentions_600["id"].str.startswith("p1-")].drop(columns="person")
    new = pd.DataFrame(
        [{"id": "new-1", "name": "นาย " + "Somchai", "dob": "", "phone": "", "nationality": "TH"}]
    )
    new = pd.concat([new, mentions_600[mentions_600["id"] == "p1-m0"].drop(columns="person")])
    links = match_new_mentions(existing, new)
    assert set(links["id_r"]) <= {"new-1", "p1-m0"}
    assert list(links.columns[:5]) == ["id_l", "id_r", "match_probability", "match_weight", "reasons"]


def test_watchlist_name_only(mentions_600: pd.DataFrame) -> None:
    watchlist = pd.DataFrame([{"id": "W1", "name": "วิชัย บุญมี"}, {"id": "W2", "name": "Aung Min"}])
    records = pd.DataFrame(
        [
            {"id": "R1", "name": "Wichai Boonmee"},
            {"id": "R2", "name": "Malee Jaidee"},
            {"id": "R3", "name": "MIN AUNG"},
        ]
    )
    hits = screen_watchlist(watchlist, records, threshold=0.5)
    assert hits[["record_id", "watchlist_id"]].values.tolist() == [["R1", "W1"], ["R3", "W2"]]
    assert hits["reasons"].tolist() == ["name≈ (translit/spelling)", "name exact"]


def test_a_name_with_initials_is_compared_and_blocked_with_the_full_name() -> None:
    mentions = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "name": ["R. Perera", "Rasika Perera", "Nimal Silva", "N. Perera"],
            "dob": ["1990-04-02", "1990-04-02", "1971-01-01", ""],
            "gender": ["F", "F", "M", ""],
        }
    )
    table = prepare_mentions(mentions).set_index("unique_id")
    assert table.loc["a", "name_initial_forms"] == table.loc["b", "name_initial_forms"] == ["pelela|r"]
    # "Nimal Silva" abbreviates to forms no name with initials holds: nothing to block on
    assert table.loc["c", "name_initial_forms"] is None
    links = resolve_mentions(mentions).links.set_index(["id_l", "id_r"])
    assert "name≈ (initials agree)" in links.loc[("a", "b"), "reasons"]
    assert ("b", "d") not in links.index or "initials agree" not in links.loc[("b", "d"), "reasons"]


def _levels(names: list[tuple[str, str]], comparison: str) -> list[str]:
    """The label of the level each pair of names reaches in one comparison, evaluated by DuckDB."""
    import duckdb

    from tiaki.resolution.linkage import model_settings

    flat = [name for pair in names for name in pair]
    table = prepare_mentions(pd.DataFrame({"id": [str(i) for i in range(len(flat))], "name": flat}))
    settings = model_settings({"name", "diacritics"}).create_settings_dict("duckdb")
    levels = next(c for c in settings["comparisons"] if c["output_column_name"] == comparison)
    cases = " ".join(
        f"WHEN {level['sql_condition']} THEN '{level['label_for_charts']}'"
        for level in levels["comparison_levels"]
        if level["sql_condition"] != "ELSE"
    )
    else_label = levels["comparison_levels"][-1]["label_for_charts"]
    columns = [c for c in table.columns if c.startswith("name_")]
    select_l = ", ".join(f"l.{c} AS {c}_l" for c in columns)
    select_r = ", ".join(f"r.{c} AS {c}_r" for c in columns)
    con = duckdb.connect()
    con.register("t", table)
    rows = con.execute(
        f"SELECT CASE {cases} ELSE '{else_label}' END FROM (SELECT l.unique_id AS i, {select_l}, {select_r}"
        " FROM t l JOIN t r ON CAST(r.unique_id AS INTEGER) = CAST(l.unique_id AS INTEGER) + 1"
        " WHERE CAST(l.unique_id AS INTEGER) % 2 = 0) ORDER BY CAST(i AS INTEGER)"
    ).fetchall()
    return [row[0] for row in rows]


def test_diacritics_both_writers_chose_tell_two_names_apart() -> None:
    pairs = [
        ("Nguyễn Văn Tuấn", "Nguyễn Văn Tuân"),  # both marked "tuan", differently: two names
        ("Yến", "Nguyễn Thị Yên"),  # a given name against a full name: the shared word differs
        ("Nguyễn Văn Tuấn", "Nguyễn Văn Tuan"),  # a word without marks says nothing
        ("Nguyễn Văn Tuấn", "Nguyen Van Tuan"),  # typed without marks: nothing to compare
        ("Nguyễn Văn Tuấn", "NGUYỄN VĂN TUẤN"),
    ]
    assert _levels(pairs, "diacritics") == [
        "name diacritics differ",
        "name diacritics differ",
        "name diacritics agree",
        "no word marked on both sides",
        "name diacritics agree",
    ]
    # the name comparison still calls all of them by their folded spelling
    assert _levels(pairs[:1] + pairs[2:], "name") == ["name exact"] * 4


def test_spelling_variants_of_a_name_written_with_diacritics_have_their_own_levels() -> None:
    pairs = [
        ("Trần Công Anh", "Tran Cong An"),  # Anh and An: one loose key, two Vietnamese names
        ("Tran Cong Anh", "Tran Cong An"),  # no marks: the romanisation variants' level
        ("Hùng", "Hằng"),  # the same consonants, other vowels: a man's and a woman's name
        ("Somchai Boonmee", "Somchai Bunmi"),
    ]
    assert _levels(pairs, "name") == [
        "name≈ (spelling, written with diacritics)",
        "name≈ (translit/spelling)",
        "name≈ (same consonants, written with diacritics)",
        "name≈ (translit/spelling)",
    ]


def test_marked_words_keep_latin_diacritics_only() -> None:
    from tiaki.resolution.names import marked_words, normalise_name

    assert marked_words("Nguyễn Văn TUẤN") == (("nguyen", "nguyễn"), ("tuan", "tuấn"), ("van", "văn"))
    assert marked_words("Đức") == (("duc", "đức"),)
    assert marked_words("Nguyen Van Tuan") == ()
    # Thai vowel signs and Burmese medials are letters, not diacritics
    assert normalise_name("สมชาย บุญมี").marked == ()
    assert normalise_name("အောင်တိုး").marked == ()


def test_spelling_levels_are_weighed_by_the_entity_frequency_of_the_more_common_spelling() -> None:
    # "a b" is written in three mentions of one person, "a bb" (the same loose key) once by another.
    table = pd.DataFrame(
        {
            "unique_id": ["1", "2", "3", "4", "5"],
            "name_sorted": ["a b", "a b", "a b", "a bb", "c"],
            "name_loose": ["a b", "a b", "a b", "a b", "c"],
        }
    )
    clusters = pd.DataFrame({"id": list(table["unique_id"]), "cluster_id": ["1", "1", "1", "4", "5"]})
    links = pd.DataFrame(
        {
            "id_l": ["1", "1"],
            "id_r": ["4", "5"],
            "match_probability": [0.5, 0.5],
            "match_weight": [0.0, 0.0],
            "mw_name": [5.0, -3.0],
            "mw_tf_adj_name": [-1.0, 0.0],
        }
    )
    adjusted = entity_term_frequencies(table, links, clusters, threshold=0.9)
    # Splink counted "a b" in 3 of 5 records; outside its main cluster it is held by none (counted as 1):
    # log2(3) bits stronger. The link at "name differs" has no adjustment and keeps it so.
    assert adjusted["mw_tf_adj_name"].round(6).tolist() == [round(-1.0 + math.log2(3), 6), 0.0]
