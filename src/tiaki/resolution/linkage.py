"""The Splink model for people mentions: comparisons, blocking, unsupervised training, prediction, reasons."""

from __future__ import annotations

import heapq
import json
import logging
import math
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from splink import Linker, SettingsCreator, block_on
from splink import comparison_level_library as cll
from splink import comparison_library as cl
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from tiaki.collector import cycle_collection_paused
from tiaki.resolution.csvfiles import write_atomically
from tiaki.resolution.engines import Engine, create_engine
from tiaki.resolution.records import EXTRA_PREFIX, prepare_mentions

# Bumped whenever comparisons, levels or key derivation change: a saved model is only valid for the
# normalisers that produced the keys it was trained on.
MODEL_VERSION = "tiaki-resolution-5"
DEFAULT_THRESHOLD = 0.9
# Deduplication merges clusters whose entity-level match probability reaches this (chosen on world seed 1
# between 0.7, 0.8 and 0.9, checked on seed 3; FEBRL and the historical set stay above target at 0.8).
RESOLVE_THRESHOLD = 0.8
# Links below these probabilities are not kept from prediction (lists under / over 200,000 records).
LINK_FLOOR = 0.001
LINK_FLOOR_LARGE = 0.2
DEFAULT_MODEL_PATH = resources.files("tiaki.resolution") / "data" / "model_v1.json"
# Prior used when the data offers no deterministic matches to estimate it from (e.g. name-only lists).
_FALLBACK_PRIOR = 1e-4
_TRAINING_MIN_RECORDS = 500
# Larger inputs are trained on a uniform sample of this many records.
TRAINING_SAMPLE = 200_000
# Share of screened records assumed to be on a watchlist before looking at them (for untrained screening).
SCREENING_BASE_RATE = 0.05
# Rounds of re-counting term frequencies over the clustered entities (see entity_term_frequencies); one
# round on lists of 200,000 records or more, where each round costs a clustering pass.
TF_ROUNDS = 2
TF_ROUNDS_LARGE = 1

# Similarities and match weights are compared and kept at this many decimals: beyond them, DuckDB's and
# Spark's float arithmetic (log2, pow, the order of a sum) differ in the last bits, and a tie or a
# threshold must not be decided by those bits differently on the two engines.
WEIGHT_DECIMALS = 9

logger = logging.getLogger(__name__)
LinkType = Literal["dedupe_only", "link_only"]

# Which matching-table columns each comparison needs: a comparison is left out of a model trained on
# data where its columns are entirely empty (EM cannot estimate it, and it would carry no evidence).
COMPARISON_COLUMNS: dict[str, str] = {
    "name": "name_loose",
    "dob": "dob_year",
    "phone": "phone_tail",
    "id_number": "id_number",
    "email": "email",
    "nationality": "nationality",
    "gender": "gender",
    "address": "address",
    "diacritics": "name_marked",
}


class JaroWinklerLevel(cll.JaroWinklerLevel):
    """Jaro-Winkler similarity at or above a threshold, compared at 9 decimals.

    Engines compute the same similarity with different float rounding (DuckDB gives "celinsuksupapon" /
    "calonsuksupapon" 0.92, rapidfuzz 0.9199999999999999); unrounded, a pair exactly on a threshold would
    sit on different levels on DuckDB and Spark.
    """

    def create_sql(self, sql_dialect: Any) -> str:
        self.col_expression.sql_dialect = sql_dialect
        column = self.col_expression
        similarity = f"{sql_dialect.jaro_winkler_function_name}({column.name_l}, {column.name_r})"
        return f"round({similarity}, {WEIGHT_DECIMALS}) >= {self.distance_threshold}"


def _common_words(sql_dialect: Any, column: str) -> str:
    """SQL for the number of distinct words two records' word lists share (DuckDB list_intersect, Spark
    array_intersect; both drop duplicates)."""
    left, right = f"{column}_l", f"{column}_r"
    if sql_dialect.sql_dialect_str == "duckdb":
        return f"array_length(list_intersect({left}, {right}))"
    return f"size(array_intersect({left}, {right}))"


class _NoWordMarkedOnBothLevel(cll.CustomLevel):
    """Null level of the diacritics comparison: it has something to say only about two names that share
    a word both write with diacritics (the same word once they are removed)."""

    def __init__(self) -> None:
        super().__init__("", label_for_charts="no word marked on both sides")

    def create_sql(self, sql_dialect: Any) -> str:
        return (
            "name_marked_l IS NULL OR name_marked_r IS NULL"
            f" OR {_common_words(sql_dialect, 'name_marked_plain')} = 0"
        )


class _DiacriticsDifferLevel(cll.CustomLevel):
    """A word both names write with diacritics, differently: they share more marked words without their
    marks (name_marked_plain) than with them (name_marked)."""

    def __init__(self) -> None:
        super().__init__("", label_for_charts="name diacritics differ")

    def create_sql(self, sql_dialect: Any) -> str:
        return (
            f"{_common_words(sql_dialect, 'name_marked_plain')} > {_common_words(sql_dialect, 'name_marked')}"
        )


def _diacritics_comparison() -> cl.CustomComparison:
    """Diacritics of a word two names share, when both writers marked it.

    In Vietnamese the marks tell syllables apart: Tuấn and Tuân, Khánh and Khanh, Thủy and Thúy are
    different given names that fold to one spelling, so the name comparison (which compares folded
    spellings, as Vietnamese is as often typed without marks) calls them the same word. A word written
    without marks says nothing (a foreign keyboard, a passport's machine-readable line, or a mark
    forgotten); a word both writers marked, marked differently, is evidence of two names ("Yến" against
    "Nguyễn Thị Yên" as much as "Nguyễn Văn Tuấn" against "Nguyễn Văn Tuân"). The same holds in any
    Latin orthography with diacritics (José and Josè). Kept as its own comparison rather than levels of
    the name comparison, so that it adds to the name's term-frequency weighted evidence: its u is
    estimated among random pairs that share a marked word, which is how often namesakes' marks differ
    (the trained weight is about -0.5 bits on the synthetic world: typos in marks are common too).
    """
    return cl.CustomComparison(
        output_column_name="diacritics",
        comparison_description="diacritics of the words two names share, when both sides mark them",
        comparison_levels=[
            _NoWordMarkedOnBothLevel().configure(is_null_level=True),
            _DiacriticsDifferLevel(),
            cll.ElseLevel().configure(label_for_charts="name diacritics agree"),
        ],
    )


def _name_comparison() -> cl.CustomComparison:
    def same_loose_keys() -> ComparisonLevelCreator:
        return cll.Or(
            cll.ExactMatchLevel("name_loose"),
            cll.ExactMatchLevel("name_joined"),
            cll.ExactMatchLevel("name_joined_sorted"),
        )

    def same_consonants() -> ComparisonLevelCreator:
        return cll.Or(cll.ExactMatchLevel("name_skeleton"), cll.ExactMatchLevel("name_skeleton_joined"))

    def written_with_marks() -> ComparisonLevelCreator:
        return cll.CustomLevel("name_marked_l IS NOT NULL OR name_marked_r IS NOT NULL")

    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="name keys: romanised, folded, sorted and loose spellings",
        comparison_levels=[
            cll.NullLevel("name_loose"),
            cll.ExactMatchLevel("name_sorted").configure(
                tf_adjustment_column="name_sorted", label_for_charts="name exact"
            ),
            # The loose spelling equates romanisations of one name ("Boonmee"/"Bunmi", "Htun"/"Tun"). A name
            # written with diacritics on either side is written in its own orthography (Vietnamese), where a
            # name has one spelling and the loose rules' variants are other names: Anh and An, Thái and
            # Tài, Chương and Cương. Such pairs get their own level, weighed apart by the training.
            # Both spelling levels are weighed by how common the name is, as "name exact" is: a rare name in
            # two spellings is a strong clue, "Nguyen Thi Anh" in two spellings is not. Splink measures it
            # by the more common of the two spellings (the larger frequency of name_sorted), against the
            # exact level's u.
            cll.And(same_loose_keys(), written_with_marks()).configure(
                tf_adjustment_column="name_sorted",
                label_for_charts="name≈ (spelling, written with diacritics)",
            ),
            same_loose_keys().configure(
                tf_adjustment_column="name_sorted", label_for_charts="name≈ (translit/spelling)"
            ),
            cll.And(
                JaroWinklerLevel("name_joined_sorted", 0.92), cll.ArrayIntersectLevel("name_tokens", 1)
            ).configure(label_for_charts="name≈ (typo)"),
            # One name written with initials whose full words and initials a form of the other gives:
            # "R. Perera" and "Rasika Perera" (or "Ravi Perera"), "M. Ravi" and "Ravi Murugan".
            cll.CustomLevel(
                "array_contains(name_expanded_r, name_initials_l)"
                " OR array_contains(name_expanded_l, name_initials_r)",
                label_for_charts="name≈ (initials agree)",
            ),
            # Vowels vary between romanisations, not within an orthography: Hùng and Hằng, Lan and Liên
            # share consonants and are different Vietnamese names (see the spelling level above).
            cll.And(same_consonants(), written_with_marks()).configure(
                label_for_charts="name≈ (same consonants, written with diacritics)"
            ),
            same_consonants().configure(label_for_charts="name≈ (same consonants)"),
            # Shared words count only when they are not common (name_block_tokens: words of at most
            # BLOCK_TOKEN_CAP records): two Vietnamese women share "Nguyen Thi" more often than not.
            cll.ArrayIntersectLevel("name_block_tokens", 2).configure(
                label_for_charts="name: 2+ words shared"
            ),
            JaroWinklerLevel("name_joined_sorted", 0.85).configure(label_for_charts="name similar"),
            cll.ExactMatchLevel("name_rare").configure(
                tf_adjustment_column="name_rare", label_for_charts="name: rarest word shared"
            ),
            cll.ArrayIntersectLevel("name_block_tokens", 1).configure(label_for_charts="name: 1 word shared"),
            cll.ElseLevel().configure(label_for_charts="name differs"),
        ],
    )


def _dob_comparison() -> cl.CustomComparison:
    # A year-only date agreeing with a full one is consistent (the same person, written less precisely);
    # two full dates in the same year but on different days are two people more often than a typo.
    one_partial = "(dob_full_l IS NULL OR dob_full_r IS NULL)"
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="date of birth at its precision, with day/month swaps and typos",
        comparison_levels=[
            cll.NullLevel("dob_year"),
            cll.ExactMatchLevel("dob_full").configure(label_for_charts="dob exact"),
            cll.CustomLevel("dob_swapped_l = dob_full_r", label_for_charts="dob day/month swapped"),
            cll.And(
                cll.DamerauLevenshteinLevel("dob_digits", 1), cll.CustomLevel(f"NOT {one_partial}")
            ).configure(label_for_charts="dob one digit off"),
            cll.And(cll.ExactMatchLevel("dob_year"), cll.CustomLevel(one_partial)).configure(
                label_for_charts="dob same year (one side year only)"
            ),
            cll.ExactMatchLevel("dob_month").configure(label_for_charts="dob same month"),
            cll.ExactMatchLevel("dob_year").configure(label_for_charts="dob same year"),
            cll.ElseLevel().configure(label_for_charts="dob differs"),
        ],
    )


def _phone_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="phone",
        comparison_description="phone: E.164, or the same subscriber digits when a prefix is missing",
        comparison_levels=[
            cll.NullLevel("phone_tail"),
            # A number shared by many mentions (an agency line, a shelter) is weak evidence.
            cll.ExactMatchLevel("phone_e164").configure(
                tf_adjustment_column="phone_e164", label_for_charts="phone exact"
            ),
            cll.ExactMatchLevel("phone_tail").configure(label_for_charts="phone same digits"),
            cll.ElseLevel().configure(label_for_charts="phone differs"),
        ],
    )


def _simple(
    name: str,
    column: str,
    *,
    fuzzy: ComparisonLevelCreator | list[ComparisonLevelCreator] | None = None,
    tf: bool = False,
) -> cl.CustomComparison:
    label = name.removeprefix(EXTRA_PREFIX).replace("_", " ")
    exact: ComparisonLevelCreator = cll.ExactMatchLevel(column)
    if tf:
        exact = exact.configure(tf_adjustment_column=column)
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [
        cll.NullLevel(column),
        exact.configure(label_for_charts=f"{label} exact"),
    ]
    if fuzzy is not None:
        levels.extend(fuzzy if isinstance(fuzzy, list) else [fuzzy])
    levels.append(cll.ElseLevel().configure(label_for_charts=f"{label} differs"))
    return cl.CustomComparison(output_column_name=name, comparison_levels=levels)


def comparisons(present: set[str]) -> list[Any]:
    """The model's comparisons for the comparison names in present."""
    builders = {
        "name": _name_comparison,
        "diacritics": _diacritics_comparison,
        "dob": _dob_comparison,
        "phone": _phone_comparison,
        "id_number": lambda: _simple(
            "id_number",
            "id_number",
            fuzzy=cll.DamerauLevenshteinLevel("id_number", 1).configure(
                label_for_charts="id number 1 char off"
            ),
        ),
        "email": lambda: _simple(
            "email",
            "email",
            fuzzy=cll.ExactMatchLevel("email_local").configure(label_for_charts="email same user"),
        ),
        "nationality": lambda: _simple("nationality", "nationality", tf=True),
        "gender": lambda: _simple("gender", "gender"),
        "address": lambda: _simple(
            "address",
            "address",
            fuzzy=[
                cll.Or(
                    JaroWinklerLevel("address", 0.9), cll.ArrayIntersectLevel("address_tokens", 3)
                ).configure(label_for_charts="address similar"),
                cll.Or(
                    JaroWinklerLevel("address", 0.8), cll.ArrayIntersectLevel("address_tokens", 2)
                ).configure(label_for_charts="address partly similar"),
            ],
        ),
    }
    extras = sorted(name for name in present if name.startswith(EXTRA_PREFIX))
    return [builders[name]() for name in COMPARISON_COLUMNS if name in present] + [
        _simple(
            name,
            name,
            tf=True,
            fuzzy=JaroWinklerLevel(name, 0.9).configure(
                label_for_charts=f"{name[len(EXTRA_PREFIX) :]} similar"
            ),
        )
        for name in extras
    ]


def blocking_rules(present: set[str]) -> list[Any]:
    """Candidate-pair rules; each is an equi-join on keys, so none can compare every pair with every pair."""
    rules: list[Any] = []
    if "name" in present:
        rules += [
            block_on("block_name_loose"),
            block_on("block_name_joined_sorted"),
            block_on("block_name_pair"),
            block_on("block_name_skeleton_joined"),
            block_on("name_loose", "dob_year"),
            block_on("name_prefixes", "dob_year"),
            block_on("name_block_tokens", arrays_to_explode=["name_block_tokens"]),
            # a name with initials and a full name it abbreviates (forms held by few records only)
            block_on("name_initial_forms", arrays_to_explode=["name_initial_forms"]),
        ]
        if "dob" in present:
            # the rarest name word and the year of birth; any shared word ("Nguyen", "Van") would be
            # quadratic on a national list
            rules.append(block_on("name_block_tokens", "dob_year", arrays_to_explode=["name_block_tokens"]))
            # any shared word with the exact date of birth: small blocks even for "Nguyen"
            rules.append(block_on("name_tokens", "dob_full", arrays_to_explode=["name_tokens"]))
    if "dob" in present:
        # Date of birth alone is a large block on national-scale lists; split it when we can.
        if "gender" in present:
            rules.append(block_on("dob_full", "gender"))
        elif "nationality" in present:
            rules.append(block_on("dob_full", "nationality"))
        else:
            rules.append(block_on("dob_full"))
    if "phone" in present:
        rules.append(block_on("block_phone_tail"))
    if "id_number" in present:
        rules.append(block_on("block_id_number"))
    if "email" in present:
        rules.append(block_on("block_email"))
    if "address" in present:
        rules.append(block_on("address"))
        if "name" in present:
            rules.append(block_on("name_block_tokens", "address", arrays_to_explode=["name_block_tokens"]))
    for extra in sorted(name for name in present if name.startswith(EXTRA_PREFIX)):
        if "name" in present:
            rules.append(block_on("name_block_tokens", extra, arrays_to_explode=["name_block_tokens"]))
    return rules


def model_settings(present: set[str], *, link_type: LinkType = "dedupe_only") -> SettingsCreator:
    """Splink settings for the comparisons in present."""
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=comparisons(present),
        blocking_rules_to_generate_predictions=blocking_rules(present),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
    )


def present_comparisons(table: pd.DataFrame) -> set[str]:
    """Comparison names whose columns hold at least one value."""
    present = {name for name, column in COMPARISON_COLUMNS.items() if table[column].notna().any()}
    present |= {c for c in table.columns if c.startswith(EXTRA_PREFIX) and table[c].notna().any()}
    return present


def _progress(message: str, *, quiet: bool) -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)
    if not quiet:
        print(f"[resolution] {message}", file=sys.stderr, flush=True)


# Smallest m or u probability EM may set. On clean data EM drives a level's m to exactly 0.0 (no match
# ever disagrees on a passport number), which Splink 5 rejects mid-training and which would make one
# disagreement an absolute veto; a floor keeps such levels very strong but finite.
M_U_FLOOR = 1e-6
# calibrate_m_from_confident_pairs: a pair is a confident match when the evidence of the other comparisons
# (with the prior) reaches this many bits, odds of 1000 to 1; EM's m counts as this many pairs of data.
CONFIDENT_BITS = 10.0
CALIBRATION_PRIOR_PAIRS = 100


def _install_em_floor() -> None:
    from splink.internals import expectation_maximisation as em

    if getattr(em.populate_m_u_from_lookup, "_tiaki_floor", False):
        return
    original = em.populate_m_u_from_lookup

    def populate_with_floor(
        training_fixed_probabilities: set[str],
        comparison_level: Any,
        output_column_name: str,
        m_u_records_lookup: dict[str, dict[int, Any]],
    ) -> None:
        for records in m_u_records_lookup.values():
            for record in records.values():
                for key in ("m_probability", "u_probability"):
                    value = record.get(key)
                    if isinstance(value, float) and value < M_U_FLOOR:
                        record[key] = M_U_FLOOR
        original(training_fixed_probabilities, comparison_level, output_column_name, m_u_records_lookup)

    populate_with_floor._tiaki_floor = True  # type: ignore[attr-defined]
    em.populate_m_u_from_lookup = populate_with_floor


def train(linker: Linker, present: set[str], *, n_records: int, seed: int = 1) -> None:
    """Estimate the model without labels: prior from deterministic rules, u by sampling, m by EM."""
    deterministic: list[Any] = []
    if {"name", "dob"} <= present:
        deterministic.append(block_on("name_loose", "dob_full"))
    if {"name", "phone"} <= present:
        deterministic.append(block_on("name_loose", "phone_e164"))
    if {"name", "id_number"} <= present:
        deterministic.append(block_on("name_tok_a", "id_number"))
    if {"name", "email"} <= present:
        deterministic.append(block_on("name_tok_a", "email"))
    if not deterministic and "name" in present:
        deterministic.append(block_on("name_sorted"))
    try:
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    except Exception as exc:  # too few or too many deterministic matches: keep a sane prior
        logger.info("prior not estimated (%s); using %s", exc, _FALLBACK_PRIOR)
        linker._settings_obj._probability_two_random_records_match = _FALLBACK_PRIOR
    max_pairs = min(5e6, max(1e5, n_records * 50.0))
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    # Each EM session blocks on one field and estimates m for the others; together they cover all.
    # Training blocks use the capped keys too, so EM never sees a quadratic block on a national list.
    sessions: list[Any] = []
    if "dob" in present:
        sessions.append(block_on("dob_full", "gender") if "gender" in present else block_on("dob_full"))
    if "name" in present:
        sessions.append(block_on("block_name_loose"))
    if "phone" in present:
        sessions.append(block_on("block_phone_tail"))
    if "id_number" in present:
        sessions.append(block_on("block_id_number"))
    _install_em_floor()
    for rule in sessions:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        except Exception as exc:  # an empty training block is not an error for the run
            logger.warning("EM session %s skipped: %s", rule, exc)
    calibrate_m_from_confident_pairs(linker)


def calibrate_m_from_confident_pairs(linker: Linker) -> None:
    """Re-estimate each comparison's m probabilities on pairs the other comparisons already make certain.

    EM blocked on a name sees many namesakes, and part of them ends up in its "match" class: it then
    believes a true match often disagrees on date of birth, gender or address (on the synthetic world it
    put 38% of matches at "dob differs", where the ground truth has none), so a contradiction weighs
    little and namesakes link. Here, per comparison, the pairs whose remaining evidence alone reaches
    CONFIDENT_BITS serve as labels (no ground truth), and their level counts update EM's m as data
    updates a prior worth CALIBRATION_PRIOR_PAIRS pairs: with few confident pairs the EM value stands.
    Levels that random sampling never saw (no u) keep their m.
    """
    scored = linker.inference.predict(threshold_match_probability=LINK_FLOOR, warning_mode="never")
    frame = scored.as_pandas_dataframe()
    scored.drop_table_from_database_and_remove_from_cache()
    if frame.empty:
        return
    total = frame["match_weight"].to_numpy(dtype=float)
    for comparison in linker._settings_obj.comparisons:
        name = comparison.output_column_name
        if f"mw_{name}" not in frame.columns:
            continue
        weight = frame[f"mw_{name}"].to_numpy(dtype=float)
        own = weight.copy()
        if f"mw_tf_adj_{name}" in frame.columns:
            own += np.nan_to_num(frame[f"mw_tf_adj_{name}"].to_numpy(dtype=float))
        confident = total - own >= CONFIDENT_BITS
        levels = [
            level
            for level in comparison.comparison_levels
            if not level.is_null_level
            and isinstance(level._u_probability, float)
            and isinstance(level._m_probability, float)
        ]
        # A pair's level is read back from its weight (each level of a comparison has its own weight).
        found = np.zeros(len(frame), dtype=bool)
        counts = []
        for level in levels:
            at_level = confident & (np.abs(weight - float(level._log2_bayes_factor)) < 1e-6)
            found |= at_level
            counts.append(int(at_level.sum()))
        n = int(found.sum())
        if n == 0:
            continue
        for level, count in zip(levels, counts, strict=True):
            prior_m = level._m_probability
            assert isinstance(prior_m, float)  # levels were chosen for a numeric m above
            updated = (count + CALIBRATION_PRIOR_PAIRS * prior_m) / (n + CALIBRATION_PRIOR_PAIRS)
            level.m_probability = max(updated, M_U_FLOOR)


def estimate_prior_from_predictions(linker: Linker, *, n_records: int, rounds: int = 1) -> None:
    """Re-estimate the prior match probability as the expected number of matches over all pairs.

    Deterministic rules see only the cleanest matches, so their estimate of the prior is too low on messy
    data; summing predicted match probabilities over the blocked pairs is the EM update for the prior.
    """
    total_pairs = n_records * (n_records - 1) / 2
    if total_pairs <= 0:
        return
    for _ in range(rounds):
        scored = linker.inference.predict(threshold_match_probability=0.001, warning_mode="never")
        # physical_name is a table Splink itself created, not user input
        sql = f"select coalesce(sum(match_probability), 0) as s from {scored.physical_name}"  # noqa: S608
        expected = linker.misc.query_sql(sql, output_type="pandas")["s"].iloc[0]
        scored.drop_table_from_database_and_remove_from_cache()
        prior = min(max(float(expected) / total_pairs, 1e-9), 0.5)
        linker._settings_obj._probability_two_random_records_match = prior


def write_model(model: dict[str, Any], path: Path) -> None:
    """Write a trained model (Splink settings with our version, comparisons and training size) as JSON."""
    text = json.dumps(model, indent=1, ensure_ascii=False)
    write_atomically(path, lambda out: out.write(text))


def load_model(path: Path | Any) -> dict[str, Any]:
    """Read a saved model and check it was produced by this version of the normalisers."""
    model = (
        json.loads(Path(str(path)).read_text(encoding="utf-8"))
        if not hasattr(path, "read_text")
        else json.loads(path.read_text(encoding="utf-8"))
    )
    if model.get("tiaki_model_version") != MODEL_VERSION:
        raise ValueError(
            f"model {path} has version {model.get('tiaki_model_version')!r};"
            f" this code needs {MODEL_VERSION!r}"
        )
    return model


def settings_for_engine(model: dict[str, Any], dialect: str, *, link_type: LinkType) -> dict[str, Any]:
    """A saved model's parameters on settings regenerated for this engine's SQL dialect.

    Saved JSON holds the training engine's SQL (DuckDB's list functions, say); the comparisons are
    rebuilt from the same definitions for the target engine and the trained m and u copied across by
    comparison and level, so DuckDB and Spark score with exactly the same model.
    """
    present = set(model["tiaki_comparisons"])
    fresh = model_settings(present, link_type=link_type).create_settings_dict(dialect)
    trained = {c["output_column_name"]: c["comparison_levels"] for c in model.get("comparisons", [])}
    for comparison in fresh["comparisons"]:
        levels = trained.get(comparison["output_column_name"])
        if levels is None or len(levels) != len(comparison["comparison_levels"]):
            raise ValueError(f"saved model does not match comparison {comparison['output_column_name']!r}")
        for level, saved in zip(comparison["comparison_levels"], levels, strict=True):
            for key in ("m_probability", "u_probability", "tf_minimum_u_value"):
                if key in saved:
                    level[key] = saved[key]
    fresh["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    fresh["linker_uid"] = None
    return fresh


def _level_weights(linker: Linker) -> dict[str, list[tuple[float, str]]]:
    """Per comparison, each non-null level's match weight and label (Splink 5 reports weights only)."""
    levels: dict[str, list[tuple[float, str]]] = {}
    for comparison in linker._settings_obj.comparisons:
        entries = []
        for level in comparison.comparison_levels:
            if level.is_null_level:
                continue
            try:
                weight = float(level._log2_bayes_factor)
            except (TypeError, ValueError, ZeroDivisionError):
                continue
            entries.append((weight, level.label_for_charts))
        levels[comparison.output_column_name] = entries
    return levels


def explain(predictions: pd.DataFrame, levels: Mapping[str, Sequence[tuple[float, str]]]) -> list[str]:
    """Human-readable reasons per scored pair: the evidence for, then strong evidence against.

    Each comparison's match weight identifies its level (levels have distinct weights); a weight of
    exactly zero is a missing value on either side and says nothing.
    """
    n = len(predictions)
    columns = [c for c in levels if f"mw_{c}" in predictions.columns and levels[c]]
    parts_for: list[np.ndarray] = []
    parts_against: list[np.ndarray] = []
    for c in columns:
        weights = predictions[f"mw_{c}"].to_numpy(dtype=float)
        level_weights = np.array([w for w, _label in levels[c]])
        labels = np.array([label for _w, label in levels[c]], dtype=object)
        nearest = np.abs(weights[:, None] - level_weights[None, :]).argmin(axis=1) if n else np.array([], int)
        chosen = labels[nearest] if n else np.array([], dtype=object)
        agreeing = chosen.copy()
        agreeing[~(weights > 0)] = None
        contradicting = chosen.copy()
        contradicting[~(weights < -3.0)] = None
        parts_for.append(agreeing)
        parts_against.append(contradicting)
    reasons: list[str] = []
    for i in range(n):
        found = [p[i] for p in parts_for if p[i] is not None] + [
            p[i] for p in parts_against if p[i] is not None
        ]
        reasons.append(", ".join(found))
    return reasons


@dataclass
class Resolution:
    """Clusters and the scored links behind them."""

    clusters: pd.DataFrame  # id, cluster_id
    links: pd.DataFrame  # id_l, id_r, match_probability, match_weight, reasons
    model: dict[str, Any]


class _Components:
    """Union-find over record ids; a component's id is its smallest member id."""

    def __init__(self, ids: Sequence[str]) -> None:
        self.parent: dict[str, str] = {i: i for i in ids}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, left: str, right: str) -> bool:
        a, b = self.find(left), self.find(right)
        if a == b:
            return False
        if b < a:
            a, b = b, a
        self.parent[b] = a
        return True


def _comparison_weights(links: pd.DataFrame) -> pd.DataFrame:
    """Per link, each comparison's match weight with its term-frequency adjustment folded in."""
    columns = [c for c in links.columns if c.startswith("mw_") and not c.startswith("mw_tf_adj_")]
    out = pd.DataFrame(index=links.index)
    for c in columns:
        name = c[3:]
        weight = links[c].astype(float)
        if f"mw_tf_adj_{name}" in links.columns:
            weight = weight + links[f"mw_tf_adj_{name}"].astype(float).fillna(0.0)
        out[name] = weight.fillna(0.0)
    return out


# Term-frequency columns and the comparison whose exact level each adjusts ("name_rare" adjusts the name
# comparison's "rarest word shared" level, recognised as a name link with an adjustment and different
# full names).
TF_COLUMNS: dict[str, str] = {
    "name_sorted": "name",
    "name_rare": "name",
    "phone_e164": "phone",
    "nationality": "nationality",
}


def _entity_frequencies(values: pd.Series, clusters: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Per value: its share of the records (as Splink counts it) and its share outside its main entity.

    A name written in twenty reports about one recruiter is common among mentions but rare among people;
    what makes a shared value weak evidence is how often *another* person has it. So the second frequency
    counts the records holding the value outside the cluster that holds it most (at least one record,
    since any value could belong to one more person).
    """
    frame = pd.DataFrame({"v": values.to_numpy(), "c": clusters.to_numpy()}).dropna()
    total = max(len(frame), 1)
    per_cluster = frame.groupby(["v", "c"], sort=False).size()
    count = per_cluster.groupby(level=0).sum()
    top = per_cluster.groupby(level=0).max()
    return count / total, (count - top).clip(lower=1) / total


class _LinkSides:
    """A table's values on the left and right of each link, looked up by position (the ids once, each
    column once: the frequency steps ask for name_loose and name_sorted several times). Read-only."""

    def __init__(self, table: pd.DataFrame, links: pd.DataFrame) -> None:
        index = pd.Index(table["unique_id"])
        self._table = table
        self.left_rows = index.get_indexer(links["id_l"])
        self.right_rows = index.get_indexer(links["id_r"])
        if (self.left_rows < 0).any() or (self.right_rows < 0).any():
            raise ValueError("a link names a record that is not in the table")
        self._taken: dict[tuple[str, bool], np.ndarray] = {}

    def _take(self, column: str, left: bool) -> np.ndarray:
        taken = self._taken.get((column, left))
        if taken is None:
            rows = self.left_rows if left else self.right_rows
            taken = self._taken[(column, left)] = self._table[column].to_numpy()[rows]
        return taken

    def left(self, column: str) -> np.ndarray:
        return self._take(column, True)

    def right(self, column: str) -> np.ndarray:
        return self._take(column, False)


def _one_word_name_delta(
    table: pd.DataFrame,
    links: pd.DataFrame,
    sides: _LinkSides,
    record_clusters: pd.Series,
    name_frequency: pd.Series,
) -> np.ndarray:
    """Weight change for links between two one-word names ("Arif" and "Arif", "บอย" and "Boy").

    A person reported by one word, a given name or a nickname, may be any of the people whose names
    hold that word: "Arif" is rare as a whole name on a list and common among names ("Mohd Arif bin
    Hashim", "Arif Rahman"). Such a link is weighed by the more common of the two: the whole name's
    frequency (as for any name) or the share of records, outside the entity holding it most, whose
    names contain the word. Never stronger than before.
    """
    out = np.zeros(len(links))
    words = table["name_tokens"].map(lambda t: len(t) if t is not None else 0).to_numpy()
    loose_l, loose_r = sides.left("name_loose"), sides.right("name_loose")
    one_word = (
        (words[sides.left_rows] == 1)
        & (words[sides.right_rows] == 1)
        & pd.notna(loose_l)
        & (loose_l == loose_r)
        & (links["mw_tf_adj_name"].to_numpy() != 0.0)
    )
    if not one_word.any():
        return out
    chosen = np.flatnonzero(one_word)
    # Only the words of these links are counted (a million records hold a few million words).
    needed = set(loose_l[chosen])
    holding = (
        table["name_tokens"].map(lambda t: t is not None and not needed.isdisjoint(t)).to_numpy(dtype=bool)
    )
    held = pd.DataFrame(
        {
            "w": table["name_tokens"].to_numpy()[holding],
            "c": record_clusters.to_numpy()[holding],
            "r": table["unique_id"].to_numpy()[holding],
        }
    )
    held = held.explode("w").dropna()
    held = held[held["w"].isin(needed)].drop_duplicates(["w", "r"])
    per_cluster = held.groupby(["w", "c"], sort=False).size()
    count = per_cluster.groupby(level=0).sum()
    outside = (count - per_cluster.groupby(level=0).max()).clip(lower=1)
    word_frequency = outside / max(int(table["name_tokens"].notna().sum()), 1)
    name_now = np.maximum(
        pd.Series(sides.left("name_sorted")[chosen]).map(name_frequency).to_numpy(dtype=float),
        pd.Series(sides.right("name_sorted")[chosen]).map(name_frequency).to_numpy(dtype=float),
    )
    word = pd.Series(loose_l[chosen]).map(word_frequency).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(word > name_now, np.log2(name_now / word), 0.0)
    out[chosen] = np.nan_to_num(change)
    return out


def entity_term_frequencies(
    table: pd.DataFrame, links: pd.DataFrame, clusters: pd.DataFrame, *, threshold: float
) -> pd.DataFrame:
    """Links re-weighted with term frequencies counted over the clustered entities, not the mentions.

    Splink's term-frequency adjustment makes a value weak evidence in proportion to how many records hold
    it; mentions of one much-reported person repeat their own name and phone, which then look common and
    stop linking the person's remaining mentions. The adjustment log2(u / tf) is replaced, on each link at
    an adjusted level, by the same formula with the frequency outside the value's main cluster. A link
    between two one-word names is weighed by the word's frequency among all names when that is the
    larger (see _one_word_name_delta).
    """
    links = links.copy()
    if links.empty:
        return links
    cluster_of = pd.Series(clusters["cluster_id"].to_numpy(), index=clusters["id"].to_numpy())
    record_clusters = table["unique_id"].map(cluster_of)
    sides = _LinkSides(table, links)
    delta = np.zeros(len(links))
    frequencies: dict[str, tuple[pd.Series, pd.Series]] = {}
    for column, comparison in TF_COLUMNS.items():
        adj = f"mw_tf_adj_{comparison}"
        if column not in table.columns or adj not in links.columns:
            continue
        raw, entity = frequencies[column] = _entity_frequencies(table[column], record_clusters)
        left, right = sides.left(column), sides.right(column)
        applies = (links[adj].to_numpy() != 0.0) & pd.notna(left) & (left == right)
        if column == "name_rare":
            # a link at a level other than "rarest word shared" that also shares the rarest word: it is
            # adjusted by its own column (a spelling level by name_sorted's, which then differ here too)
            sorted_l, sorted_r = sides.left("name_sorted"), sides.right("name_sorted")
            applies &= sorted_l != sorted_r
            if "name_loose" in table.columns:
                loose_l, loose_r = sides.left("name_loose"), sides.right("name_loose")
                applies &= loose_l != loose_r
        column_delta = np.zeros(len(links))
        if applies.any():
            values = pd.Series(left[applies])
            change = np.log2(values.map(raw).to_numpy(dtype=float) / values.map(entity).to_numpy(dtype=float))
            column_delta[applies] = np.nan_to_num(change)
        if column == "name_sorted" and "name_loose" in table.columns:
            # The spelling levels (same loose key, two spellings) are adjusted by the more common of the two
            # spellings, as Splink does: replaced here by the more common of their entity frequencies.
            loose_l, loose_r = sides.left("name_loose"), sides.right("name_loose")
            spelling = (
                (links[adj].to_numpy() != 0.0)
                & pd.notna(left)
                & pd.notna(right)
                & (left != right)
                & pd.notna(loose_l)
                & (loose_l == loose_r)
            )
            if spelling.any():
                left_values, right_values = pd.Series(left[spelling]), pd.Series(right[spelling])
                raw_max = np.maximum(
                    left_values.map(raw).to_numpy(dtype=float), right_values.map(raw).to_numpy(dtype=float)
                )
                entity_max = np.maximum(
                    left_values.map(entity).to_numpy(dtype=float),
                    right_values.map(entity).to_numpy(dtype=float),
                )
                column_delta[spelling] = np.nan_to_num(np.log2(raw_max / entity_max))
        delta += column_delta
        links[adj] = links[adj].to_numpy() + column_delta
    if "mw_tf_adj_name" in links.columns and {"name_sorted", "name_loose", "name_tokens"} <= set(
        table.columns
    ):
        name_frequency = (
            frequencies["name_sorted"][1]
            if "name_sorted" in frequencies
            else _entity_frequencies(table["name_sorted"], record_clusters)[1]
        )
        column_delta = _one_word_name_delta(table, links, sides, record_clusters, name_frequency)
        delta += column_delta
        links["mw_tf_adj_name"] = links["mw_tf_adj_name"].to_numpy() + column_delta
    links["match_weight"] = links["match_weight"].to_numpy() + delta
    links["match_probability"] = 1.0 / (1.0 + np.power(2.0, -links["match_weight"].to_numpy()))
    del threshold
    return links


def _deletion_keys(value: str) -> set[str]:
    """The value and each way of deleting one character from it: two strings at most one edit apart
    (a substitution, an insertion or deletion, or two adjacent characters swapped) share one of these."""
    return {value} | {value[:i] + value[i + 1 :] for i in range(len(value))}


def _dob_keys(year: str, full: Any, swapped: Any, digits: Any) -> set[str]:
    # exact, day/month swapped, one digit off (deletions of the digits), same year or month (the year)
    keys = {f"y:{year}"} | {f"f:{d}" for d in (full, swapped) if isinstance(d, str)}
    if isinstance(digits, str):
        keys |= {f"d:{k}" for k in _deletion_keys(digits)}
    return keys


def _email_keys(email: str, local: Any) -> set[str]:
    # exact or the same user name
    return {f"e:{email}"} | ({f"l:{local}"} if isinstance(local, str) and local else set())


# Comparisons whose values describe a person: a date of birth, id number and gender one keeps, and the
# phone and email whose changes the model already weighs (a link between two records with different
# phones carries "phone differs"). Per comparison, the table columns of a record's value (the first
# decides whether it has one) and the keys any agreeing level of the comparison would share, so that
# two records with disjoint keys could only be at its "differs" level.
_PROFILE_KEYS: dict[str, tuple[tuple[str, ...], Callable[..., set[str]]]] = {
    "dob": (("dob_year", "dob_full", "dob_swapped", "dob_digits"), _dob_keys),
    "phone": (("phone_tail",), lambda tail: {tail}),  # exact or the same subscriber digits
    "id_number": (("id_number",), _deletion_keys),  # exact or one character off
    "email": (("email", "email_local"), _email_keys),
    "gender": (("gender",), lambda gender: {gender}),
}


def entity_profiles(
    table: pd.DataFrame, levels: Mapping[str, Sequence[tuple[float, str]]]
) -> dict[str, tuple[list[frozenset[str] | None], float]]:
    """Per comparison of _PROFILE_KEYS the model has: each record's agreement keys (None without a
    value) and the weight of the comparison's "differs" level (its last), for cluster_links to see the
    contradictions between records that no scored link compares."""
    profiles: dict[str, tuple[list[frozenset[str] | None], float]] = {}
    for name, (columns, keys_of) in _PROFILE_KEYS.items():
        if name not in levels or not levels[name] or any(c not in table.columns for c in columns):
            continue
        differs = float(levels[name][-1][0])
        if not differs < 0:
            continue
        values = zip(*(table[c].tolist() for c in columns), strict=True)
        # Mentions of one person repeat its values: each distinct value's keys are made once.
        made: dict[tuple[Any, ...], frozenset[str]] = {}
        keys: list[frozenset[str] | None] = []
        for row in values:
            if not (isinstance(row[0], str) and row[0]):
                keys.append(None)
                continue
            found = made.get(row)
            if found is None:
                found = made[row] = frozenset(keys_of(*row))
            keys.append(found)
        profiles[name] = (keys, differs)
    return profiles


def cluster_links(
    ids: Sequence[str],
    links: pd.DataFrame,
    threshold: float,
    *,
    prior: float | None = None,
    rounds: int = 3,
    profiles: Mapping[str, tuple[Sequence[frozenset[str] | None], float]] | None = None,
) -> pd.DataFrame:
    """Cluster records into entities by merging the most strongly linked clusters first.

    Without a prior: connected components of the links at or above threshold. With the model's prior,
    clusters are compared as entities: the evidence between two clusters is, per comparison, the
    strongest agreement between any of their members or, when none agree, the strongest contradiction,
    each comparison counted once (the Fellegi-Sunter score of two entity profiles). Pairs of clusters are
    merged best first while that score reaches the threshold, and the evidence is combined after each
    merge. So a sparse mention (a name and a phone) joins the cluster holding that name in one record and
    that phone in another; and a mention matching two namesakes equally joins one of them — the better
    supported, and between equals the more often mentioned (a popularity prior on a single mention's
    links) — instead of chaining the two people into one, because their profiles contradict.

    Links exist only for the pairs blocking proposed and prediction kept, so two clusters can be joined by
    a single link ("Boy" and "Boy", a nickname) while their dates of birth or phones were never compared.
    With profiles (entity_profiles), an identifying comparison no link between the two clusters informs
    on, whose values the two clusters both hold and which could agree at none of its levels, counts at
    its "differs" weight: the same contradiction a link between those records would have carried.
    """
    del rounds  # kept for callers of the former interface: merging now runs until no pair qualifies
    if prior is None or links.empty:
        components = _Components(ids)
        strong = links[links["match_probability"] >= threshold]
        for left, right in zip(strong["id_l"], strong["id_r"], strict=True):
            components.union(left, right)
        return pd.DataFrame({"id": list(ids), "cluster_id": [components.find(i) for i in ids]})
    weights = _comparison_weights(links)
    prior_weight = math.log2(prior / (1.0 - prior))
    threshold_weight = math.log2(threshold / (1.0 - threshold))
    position = {record: i for i, record in enumerate(ids)}
    left = links["id_l"].map(position).to_numpy(dtype=np.int64)
    right = links["id_r"].map(position).to_numpy(dtype=np.int64)
    lo, hi = np.minimum(left, right), np.maximum(left, right)
    frame = pd.DataFrame(weights.to_numpy(dtype=float), columns=list(weights.columns))
    frame["a"], frame["b"] = lo, hi
    grouped = frame.groupby(["a", "b"], sort=False)
    best_frame, worst_frame = grouped.max(), grouped.min()
    best_all = best_frame.to_numpy()
    worst_all = worst_frame.to_numpy()
    pair_a = best_frame.index.get_level_values(0).to_numpy()
    pair_b = best_frame.index.get_level_values(1).to_numpy()

    # Popularity prior ("commonness" in entity linking): a mention is a priori the more likely to be a
    # person the more often that person is mentioned. Splink's prior says a mention's person has on average
    # 1 + prior * (n - 1) mentions (counted from the mention's side); a single mention's link to a cluster
    # of k mentions above that mean has its prior odds scaled by k over the mean, so between two namesakes
    # that fit it equally a mention joins the much-mentioned one. Only added, never subtracted (small
    # clusters keep Splink's prior), and never against evidence that contradicts (any comparison against).
    mean_mentions = 1.0 + prior * (len(ids) - 1)

    columns = list(weights.columns)
    profile_checks = [
        (columns.index(name), keys, differs)
        for name, (keys, differs) in (profiles or {}).items()
        if name in columns
    ]
    # per comparison checked, each alive cluster's agreement keys (None: no value)
    cluster_keys: list[list[frozenset[str] | None]] = [list(keys) for _j, keys, _w in profile_checks]

    def value_of(evidence: np.ndarray, size_a: int, size_b: int) -> float:
        value = prior_weight + float(evidence.sum())
        if min(size_a, size_b) == 1 and max(size_a, size_b) > mean_mentions and not (evidence < 0).any():
            value += math.log2(max(size_a, size_b) / mean_mentions)
        return value

    def contradictions(evidence: np.ndarray, a: int, b: int) -> bool:
        """Set, in evidence, the profiles' contradictions between clusters a and b; whether there were any."""
        contradicted = False
        for k, (j, _keys, differs) in enumerate(profile_checks):
            if evidence[j] == 0.0:
                left_keys, right_keys = cluster_keys[k][a], cluster_keys[k][b]
                if left_keys and right_keys and left_keys.isdisjoint(right_keys):
                    evidence[j] = differs
                    contradicted = True
        return contradicted

    def score(best: np.ndarray, worst: np.ndarray, a: int, b: int) -> float:
        evidence = np.where(best > 0, best, worst)
        value = value_of(evidence, alive_size[a], alive_size[b])
        if value < threshold_weight:
            return value  # the profiles' contradictions could only lower it: no merge either way
        return value_of(evidence, alive_size[a], alive_size[b]) if contradictions(evidence, a, b) else value

    # The records' own scores, all at once (score() for clusters of one record: no popularity term).
    evidence_all = np.where(best_all > 0, best_all, worst_all)
    initial = prior_weight + evidence_all.sum(axis=1)
    for k in np.flatnonzero(initial >= threshold_weight):
        if profile_checks and contradictions(evidence_all[k], int(pair_a[k]), int(pair_b[k])):
            initial[k] = value_of(evidence_all[k], 1, 1)

    # neighbours[c][d] = (best, worst) evidence vectors between clusters c and d (c's id < d's or not)
    neighbours: dict[int, dict[int, tuple[np.ndarray, np.ndarray]]] = {}
    for a, b, best, worst in zip(pair_a.tolist(), pair_b.tolist(), best_all, worst_all, strict=True):
        entry = (best, worst)
        neighbours.setdefault(a, {})[b] = entry
        neighbours.setdefault(b, {})[a] = entry
    # A heap entry holds the two clusters' versions (how many merges each had made) when it was scored: it
    # is current while both are alive at those versions, since only a merge changes a cluster's evidence,
    # size or profile, and every merge scores the merged cluster's pairs anew.
    version = [0] * len(ids)
    chosen = np.flatnonzero(initial >= threshold_weight)
    heap: list[tuple[float, int, int, int, int]] = [
        (-value, a, b, 0, 0)
        for value, a, b in zip(
            initial[chosen].tolist(), pair_a[chosen].tolist(), pair_b[chosen].tolist(), strict=True
        )
    ]
    heapq.heapify(heap)
    alive_size = [1] * len(ids)
    parent = list(range(len(ids)))
    while heap:
        _negative, a, b, version_a, version_b = heapq.heappop(heap)
        if parent[a] != a or parent[b] != b or version[a] != version_a or version[b] != version_b:
            continue  # a cluster merged since this entry was pushed
        # merge the smaller cluster into the larger
        if alive_size[a] < alive_size[b] or (alive_size[a] == alive_size[b] and b < a):
            a, b = b, a
        parent[b] = a
        alive_size[a] += alive_size[b]
        version[a] += 1
        for keys in cluster_keys:
            kept, joining = keys[a], keys[b]
            if joining:
                keys[a] = kept | joining if kept else joining
        own = neighbours.setdefault(a, {})
        own.pop(b, None)
        for other, (best, worst) in neighbours.pop(b, {}).items():
            if other == a:
                continue
            other_map = neighbours[other]
            other_map.pop(b, None)
            if other in own:
                previous = own[other]
                combined = (np.maximum(previous[0], best), np.minimum(previous[1], worst))
            else:
                combined = (best, worst)
            own[other] = combined
            other_map[a] = combined
        for other, combined in own.items():
            value = score(*combined, a, other)
            if value >= threshold_weight:
                low, high = (a, other) if a < other else (other, a)
                heapq.heappush(heap, (-value, low, high, version[low], version[high]))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # A cluster is named after its smallest member id, as before.
    roots = [root(i) for i in range(len(ids))]
    names: dict[int, str] = {}
    for i, r in enumerate(roots):
        if r not in names or ids[i] < names[r]:
            names[r] = ids[i]
    return pd.DataFrame({"id": list(ids), "cluster_id": [names[r] for r in roots]})


def _cluster_ids(ids: Sequence[str], links: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Connected components over links at or above threshold (no entity-level pass)."""
    return cluster_links(ids, links, threshold)


def _linker(
    engine: Engine,
    tables: Sequence[pd.DataFrame],
    settings: SettingsCreator | dict[str, Any],
    *,
    name: str = "t",
) -> Linker:
    inputs: list[Any] = [engine.as_input(t) for t in tables]
    registered = [engine.db_api.register(t, dataset_display_name=f"{name}{i}") for i, t in enumerate(inputs)]
    return Linker(registered if len(registered) > 1 else registered[0], settings, log_level=logging.WARNING)


def _predictions_frame(linker: Linker, scored: Any) -> pd.DataFrame:
    frame = scored.as_pandas_dataframe()
    labels = _level_weights(linker)
    # Weights rounded (WEIGHT_DECIMALS) and the probability derived from the rounded weight, so a link
    # is bit-for-bit the same on every engine.
    match_weight = frame["match_weight"].astype(float).round(WEIGHT_DECIMALS).to_numpy()
    out = pd.DataFrame(
        {
            "id_l": frame["unique_id_l"].astype(str),
            "id_r": frame["unique_id_r"].astype(str),
            "match_probability": 1.0 / (1.0 + np.power(2.0, -match_weight)),
            "match_weight": match_weight,
        }
    )
    # Reasons are for people to read, so only for links worth reading; weights stay on every link.
    readable = out["match_probability"].to_numpy() >= 0.5
    out["reasons"] = ""
    if readable.any():
        out.loc[readable, "reasons"] = explain(frame[readable].reset_index(drop=True), labels)
    for column in frame.columns:
        if column.startswith("mw_"):
            out[column] = frame[column].astype(float).round(WEIGHT_DECIMALS).to_numpy()
    return out


# A million mentions' keys, links and clusters stay alive throughout: see cycle_collection_paused.
@cycle_collection_paused(collect_after=True)
def resolve_mentions(
    frame: pd.DataFrame,
    *,
    engine: str = "duckdb",
    threshold: float = RESOLVE_THRESHOLD,
    model_path: Path | None = None,
    save_model_to: Path | None = None,
    source_regions: Mapping[str, str] | None = None,
    extra_columns: Sequence[str] = (),
    quiet: bool = True,
) -> Resolution:
    """Deduplicate mentions (contract columns) into clusters of one real-world person each.

    With model_path, the saved model is applied as is; otherwise the model is trained on the input
    without labels (or the packaged model is used when the input is too small to train on).
    """
    started = time.monotonic()
    table = prepare_mentions(
        frame,
        source_regions=source_regions,
        extra_columns=extra_columns,
        fixed_name_order=True,
        quiet=quiet,
    )
    if table["unique_id"].duplicated().any():
        dup = table.loc[table["unique_id"].duplicated(), "unique_id"].iloc[0]
        raise ValueError(f"duplicate id {dup!r}: every record needs its own id")
    with create_engine(engine) as eng:
        linker, model = _fitted_linker(eng, [table], model_path, quiet=quiet, link_type="dedupe_only")
        if save_model_to is not None:
            write_model(model, save_model_to)
        _progress(f"predicting ({time.monotonic() - started:.1f}s)", quiet=quiet)
        # Weak links are kept too: clustering adds their evidence up, and their contradictions (another date
        # of birth, another phone) keep two namesakes' clusters apart. Very large lists keep fewer.
        floor = LINK_FLOOR if len(table) < 200_000 else LINK_FLOOR_LARGE
        scored = linker.inference.predict(threshold_match_probability=floor)
        links = _predictions_frame(linker, scored)
        prior = float(linker._settings_obj._probability_two_random_records_match)
        profiles = entity_profiles(table, _level_weights(linker))
    _progress(f"{len(links):,} links scored ({time.monotonic() - started:.1f}s)", quiet=quiet)
    ids = table["unique_id"].tolist()
    clusters = cluster_links(ids, links, threshold, prior=prior, profiles=profiles)
    base = links
    for _round in range(TF_ROUNDS if len(table) < 200_000 else TF_ROUNDS_LARGE):
        # Term frequencies over the entities found so far; then cluster again from the start.
        links = entity_term_frequencies(table, base, clusters, threshold=threshold)
        clusters = cluster_links(ids, links, threshold, prior=prior, profiles=profiles)
    _progress(
        f"{clusters['cluster_id'].nunique():,} clusters from {len(clusters):,} records "
        f"({time.monotonic() - started:.1f}s)",
        quiet=quiet,
    )
    return Resolution(clusters=clusters, links=links, model=model)


def _fitted_linker(
    eng: Engine, tables: list[pd.DataFrame], model_path: Path | None, *, quiet: bool, link_type: LinkType
) -> tuple[Linker, dict[str, Any]]:
    n_records = sum(len(t) for t in tables)
    if model_path is None and n_records < _TRAINING_MIN_RECORDS:
        model_path = Path(str(DEFAULT_MODEL_PATH))
    if model_path is not None:
        model = load_model(model_path)
        settings = settings_for_engine(model, eng.db_api.sql_dialect.sql_dialect_str, link_type=link_type)
        trained_on = int(model.get("tiaki_training_records") or 0)
        if link_type == "dedupe_only" and trained_on > 1 and n_records > 1:
            # Each record expects as many duplicates as in the training data, whatever the table size.
            prior = float(model["probability_two_random_records_match"]) * (trained_on - 1) / (n_records - 1)
            settings["probability_two_random_records_match"] = min(0.5, prior)
        if link_type == "link_only":
            # Screening prior: a record is on the list at the base rate, and then any one entry equally.
            settings["probability_two_random_records_match"] = min(
                0.5, SCREENING_BASE_RATE / max(len(tables[0]), 1)
            )
        if n_records < _TRAINING_MIN_RECORDS:
            # A handful of records says nothing about how common a name is: no term frequencies.
            for comparison in settings.get("comparisons", []):
                for level in comparison.get("comparison_levels", []):
                    level.pop("tf_adjustment_column", None)
                    level.pop("tf_adjustment_weight", None)
        linker = _linker(eng, tables, settings)
        return linker, model
    combined = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
    present = present_comparisons(combined)
    if "name" not in present and not (present & {"phone", "id_number", "email"}):
        raise ValueError("nothing to match on: give at least a name, phone, id_number or email column")
    creator = model_settings(present, link_type=link_type)
    if link_type == "dedupe_only" and n_records > TRAINING_SAMPLE:
        # Parameters (and the prior, which a uniform sample of records leaves unchanged) are estimated
        # on a sample; the full list is then scored with them. Training cost stops growing with the list.
        sample = tables[0].sample(n=TRAINING_SAMPLE, random_state=1)
        trainer = _linker(eng, [sample], creator, name="sample")
        _progress(
            f"training on a sample of {TRAINING_SAMPLE:,} records ({', '.join(sorted(present))})", quiet=quiet
        )
        train(trainer, present, n_records=TRAINING_SAMPLE)
        estimate_prior_from_predictions(trainer, n_records=TRAINING_SAMPLE)
        model = trainer.misc.save_model_to_json(out_path=None, overwrite=True)
        model.update(
            tiaki_model_version=MODEL_VERSION,
            tiaki_comparisons=sorted(present),
            tiaki_training_records=TRAINING_SAMPLE,
        )
        full = settings_for_engine(model, eng.db_api.sql_dialect.sql_dialect_str, link_type=link_type)
        full["probability_two_random_records_match"] = model["probability_two_random_records_match"]
        return _linker(eng, tables, full), model
    linker = _linker(eng, tables, creator)
    _progress(f"training on {n_records:,} records ({', '.join(sorted(present))})", quiet=quiet)
    train(linker, present, n_records=n_records)
    if link_type == "dedupe_only":
        estimate_prior_from_predictions(linker, n_records=n_records)
    model = linker.misc.save_model_to_json(out_path=None, overwrite=True)
    model["tiaki_model_version"] = MODEL_VERSION
    model["tiaki_comparisons"] = sorted(present)
    model["tiaki_training_records"] = n_records
    return linker, model


@cycle_collection_paused(collect_after=True)
def screen_watchlist(
    watchlist: pd.DataFrame,
    records: pd.DataFrame,
    *,
    engine: str = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    model_path: Path | None = None,
    extra_columns: Sequence[str] = (),
    quiet: bool = True,
) -> pd.DataFrame:
    """Hits of records against a watchlist: record_id, watchlist_id, score, reasons (one row per hit)."""
    wl = prepare_mentions(watchlist, extra_columns=extra_columns, quiet=quiet)
    rec = prepare_mentions(records, extra_columns=extra_columns, quiet=quiet)
    with create_engine(engine) as eng:
        linker, _model = _fitted_linker(eng, [wl, rec], model_path, quiet=quiet, link_type="link_only")
        scored = linker.inference.predict(threshold_match_probability=threshold)
        frame = scored.as_pandas_dataframe()
        labels = _level_weights(linker)
    if frame.empty:
        return pd.DataFrame(columns=["record_id", "watchlist_id", "score", "reasons"])
    # Splink orders a pair by source dataset name: t0 (watchlist) on the left.
    left_is_watchlist = frame["source_dataset_l"].astype(str) == "t0"
    hits = pd.DataFrame(
        {
            "record_id": frame["unique_id_r"].where(left_is_watchlist, frame["unique_id_l"]).astype(str),
            "watchlist_id": frame["unique_id_l"].where(left_is_watchlist, frame["unique_id_r"]).astype(str),
            "score": frame["match_probability"].astype(float).round(4),
            "reasons": explain(frame, labels),
        }
    )
    return hits.sort_values(["record_id", "score"], ascending=[True, False], ignore_index=True)


def match_new_mentions(
    existing: pd.DataFrame,
    new: pd.DataFrame,
    *,
    model_path: Path | None = None,
    engine: str = "duckdb",
    threshold: float = 0.5,
    term_frequencies: bool = True,
) -> pd.DataFrame:
    """Score new mentions against existing ones without re-running everything (incremental linking).

    Returns id_l (existing), id_r (new), match_probability, match_weight, reasons — for the
    application to attach a new report's mentions to known entities.

    Term frequencies (how common a name or phone is) are counted in `existing`. Pass
    term_frequencies=False when `existing` is not the whole population but candidates chosen *because*
    they share the new mentions' words: there every name would look common and true matches would sink.
    """
    old_table = prepare_mentions(existing, fixed_name_order=True)
    new_table = prepare_mentions(new, fixed_name_order=True)
    with create_engine(engine) as eng:
        model = load_model(model_path or Path(str(DEFAULT_MODEL_PATH)))
        settings = {k: v for k, v in model.items() if not k.startswith("tiaki_")}
        settings["linker_uid"] = None
        if not term_frequencies:
            for comparison in settings.get("comparisons", []):
                for level in comparison.get("comparison_levels", []):
                    level.pop("tf_adjustment_column", None)
                    level.pop("tf_adjustment_weight", None)
        old_df = eng.db_api.register(old_table, dataset_display_name="existing")
        new_df = eng.db_api.register(new_table, dataset_display_name="new")
        linker = Linker(old_df, settings, log_level=logging.WARNING)
        if term_frequencies:
            for column in ("name_sorted", "name_rare", "phone_e164", "nationality"):
                tf = linker.table_management.compute_tf_table(column)
                del tf
        scored = linker.inference.predict_between(
            old_df, new_df, threshold_match_probability=threshold, warning_mode="never"
        )
        return _predictions_frame(linker, scored)
