"""Mention records to the matching table: every contract column normalised beside its original."""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
import time
import tomllib
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import phonenumbers
from anyascii import anyascii

from tiaki.resolution.dates import parse_birth_date
from tiaki.resolution.engines import ARRAY_COLUMNS
from tiaki.resolution.names import fold, normalise_name
from tiaki.resolution.phones import normalise_phone

# The `tiaki resolve` / `tiaki watchlist-screen` input contract (DESIGN.md).
CONTRACT_COLUMNS: tuple[str, ...] = (
    "id",
    "source",
    "name",
    "dob",
    "gender",
    "nationality",
    "phone",
    "email",
    "id_number",
    "address",
)
OPTIONAL_COLUMNS: tuple[str, ...] = CONTRACT_COLUMNS[1:]
# A name word shared by more records than this is not used on its own for blocking: a block of k records
# costs k*k/2 comparisons, so a fixed cap keeps the total linear in the size of the list.
BLOCK_TOKEN_CAP = 50
# Records from which a second process normalises part of the distinct names and phones (starting one
# costs a few seconds), and the share of the names this process keeps: the other process first starts an
# interpreter and loads the name data, and its columns are copied back, so it takes the smaller part.
PARALLEL_ROWS = 50_000
NAMES_SHARE_HERE = 0.6
PHONES_SHARE_HERE = 0.5
# Further attributes a partner asks to compare (e.g. birth place, occupation) are kept under this prefix.
EXTRA_PREFIX = "x_"

_ALNUM = re.compile(r"[^0-9A-Z]+")
_ADDRESS_SPLIT = re.compile(r"[^a-z0-9]+")
_GENDERS = {
    "m": "m",
    "male": "m",
    "man": "m",
    "boy": "m",
    "nam": "m",
    "chai": "m",
    "pi": "m",
    "laki-laki": "m",
    "lelaki": "m",
    "ชาย": "m",
    "ကျား": "m",
    "ஆண்": "m",
    "පිරිමි": "m",
    "tane": "m",
    "f": "f",
    "female": "f",
    "woman": "f",
    "girl": "f",
    "nu": "f",
    "ying": "f",
    "perempuan": "f",
    "wanita": "f",
    "หญิง": "f",
    "မ": "f",
    "பெண்": "f",
    "ගැහැණු": "f",
    "wahine": "f",
    "x": "x",
    "other": "x",
    "nonbinary": "x",
    "non-binary": "x",
}
_REGIONS = phonenumbers.SUPPORTED_REGIONS


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Folded country name -> ISO alpha-2, from countries.toml."""
    raw = tomllib.loads((resources.files("tiaki.resolution") / "data" / "countries.toml").read_text("utf-8"))
    names = raw.get("names")
    if not isinstance(names, dict):
        raise ValueError("countries.toml: a [names] table is required")
    mapping: dict[str, str] = {}
    for code, aliases in names.items():
        if len(code) != 2 or not isinstance(aliases, list):
            raise ValueError(f"countries.toml: {code} must be an alpha-2 code with a list of names")
        for alias in aliases:
            mapping[_country_key(alias)] = code
    return mapping


def _country_key(text: str) -> str:
    return " ".join(fold(unicodedata.normalize("NFC", text)).replace(".", " ").split())


def normalise_country(raw: str | None) -> str:
    """ISO 3166 alpha-2 for a country code or a name in any of its usual forms; empty when unknown."""
    text = str(raw or "").strip()
    if not text:
        return ""
    if len(text) == 2 and text.upper() in _REGIONS:
        return text.upper()
    key = _country_key(text)
    return country_names().get(key) or country_names().get(anyascii(key).lower(), "")


def normalise_gender(raw: str | None) -> str:
    """m, f or x; empty when unknown."""
    text = fold(str(raw or "")).strip()
    return _GENDERS.get(text, _GENDERS.get(anyascii(text).lower(), ""))


def normalise_id_number(raw: str | None) -> str:
    """Identity document number in upper case without separators (passport 'b 123-456' -> 'B123456')."""
    return _ALNUM.sub("", anyascii(str(raw or "")).upper())


def normalise_email(raw: str | None) -> tuple[str, str]:
    """Lower-cased address and its local part without dots or +tags (for 'same mailbox' evidence)."""
    text = str(raw or "").strip().lower()
    if "@" not in text:
        return "", ""
    local = text.split("@", 1)[0].split("+", 1)[0].replace(".", "")
    return text, local


def normalise_address(raw: str | None) -> str:
    """Lightly normalised address: folded, romanised, punctuation removed, words kept in order."""
    text = anyascii(fold(str(raw or ""))).lower()
    return " ".join(w for w in _ADDRESS_SPLIT.split(text) if w)


class _NameRow(NamedTuple):
    """The matching-table columns that depend on one name alone (see prepare_mentions)."""

    name_script: str
    name_latin: str
    name_honorifics: str
    name_aliases: str
    name_sorted: str
    name_loose: str
    name_joined: str
    name_joined_sorted: str
    name_skeleton: str
    name_skeleton_joined: str
    # Four-letter starts of each word: survives a typo at the end of any word.
    name_prefixes: str
    # A name written with initials ("R. Perera") and the initials forms of a full name ("Rasika Perera"):
    # the name comparison's "initials agree" level looks one up in the other.
    name_initials: str
    name_expanded: list[str]
    # Words written with diacritics ("tuan=tuấn") and the same words without them ("tuan"): the name
    # comparison's "diacritics differ" level finds a word both names marked, differently.
    name_marked: list[str]
    name_marked_plain: list[str]
    loose_tokens: tuple[str, ...]


def _name_row(value: str, fixed_order: bool) -> _NameRow:
    k = normalise_name(value, fixed_order=fixed_order)
    return _NameRow(
        name_script=k.script,
        name_latin=k.latin,
        name_honorifics=k.honorifics,
        name_aliases=k.aliases,
        name_sorted=k.sorted,
        name_loose=k.loose,
        name_joined=k.joined,
        name_joined_sorted=k.joined_sorted,
        name_skeleton=k.skeleton,
        name_skeleton_joined=k.skeleton_joined,
        name_prefixes=" ".join(sorted(t[:4] for t in k.loose_tokens)),
        name_initials=k.initials_key,
        name_expanded=k.expansions(),
        name_marked=sorted({f"{plain}={word}" for plain, word in k.marked}),
        name_marked_plain=sorted({plain for plain, _word in k.marked}),
        loose_tokens=k.loose_tokens,
    )


def _name_columns_here(values: Sequence[str], fixed_order: bool) -> list[tuple[Any, ...]]:
    rows = [_name_row(value, fixed_order) for value in values]
    return _by_column(rows, len(_NameRow._fields))


def _by_column(rows: Sequence[tuple[Any, ...]], width: int) -> list[tuple[Any, ...]]:
    # Columns of strings travel between processes far faster than rows of them.
    return [tuple(column) for column in zip(*rows, strict=True)] if rows else [() for _i in range(width)]


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@contextmanager
def second_process(enabled: bool) -> Iterator[Executor | None]:
    """A second process for the per-value steps of a long table, when asked for and a second core is
    there; None otherwise. A fresh interpreter, so that no lock or thread of this one is copied into it.
    It is not waited for on leaving: it ends on its own once its work is handed back."""
    if not enabled or _cores() < 2:
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        yield pool
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _in_parts(
    columns_of: Callable[[list[Any]], list[tuple[Any, ...]]],
    values: list[Any],
    pool: Executor | None,
    share_here: float,
) -> list[tuple[Any, ...]]:
    """columns_of(values); with a pool, its process computes the later part meanwhile. Each value's row
    depends on that value alone, so the columns are the same either way. A helper process that could not
    start (a script without a `__main__` guard cannot be re-imported by one) leaves the work here."""
    if pool is None or len(values) < 2:
        return columns_of(values)
    split = max(1, int(len(values) * share_here))
    try:
        later = pool.submit(columns_of, values[split:])
    except BrokenProcessPool:
        return columns_of(values)
    here = columns_of(values[:split])
    try:
        rest = later.result()
    except BrokenProcessPool:
        rest = columns_of(values[split:])
    return [first + part for first, part in zip(here, rest, strict=True)]


def name_columns(
    values: Sequence[str], *, fixed_order: bool, pool: Executor | None = None
) -> dict[str, list[Any]]:
    """The names' own columns (the fields of _NameRow), one value per name in order."""
    columns = _in_parts(
        partial(_name_columns_here, fixed_order=fixed_order), list(values), pool, NAMES_SHARE_HERE
    )
    return {field: list(column) for field, column in zip(_NameRow._fields, columns, strict=True)}


def _phone_columns(keys: list[str]) -> list[tuple[Any, ...]]:
    """E.164 form, subscriber tail and validity per "number|default region|nationality" key."""
    rows = []
    for key in keys:
        raw, region, nationality = key.split("|")
        parsed = normalise_phone(raw, region or None, nationality or None)
        rows.append((parsed.e164, parsed.tail, parsed.valid))
    return _by_column(rows, 3)


def _mapped(series: pd.Series, func: Callable[[str], object]) -> pd.Series:
    """Apply func once per distinct value: names and dates repeat a great deal in real lists."""
    uniques = series.drop_duplicates()
    mapping = {value: func(value) for value in uniques}
    return series.map(mapping)


def _progress(message: str, *, quiet: bool) -> None:
    if not quiet:
        print(f"[resolution] {message}", file=sys.stderr, flush=True)


def prepare_mentions(
    frame: pd.DataFrame,
    *,
    source_regions: Mapping[str, str] | None = None,
    extra_columns: Sequence[str] = (),
    fixed_name_order: bool = False,
    quiet: bool = True,
    parallel_from: int = PARALLEL_ROWS,
) -> pd.DataFrame:
    """Normalise a table of mentions (contract columns, any missing) into the matching table.

    `fixed_name_order` keeps the written order of Burmese and Karen names in the name keys (see
    normalise_name): for mentions in reports, not for traveller or watchlist records.

    The result has `unique_id` (the input `id`), the original values under `orig_<column>`, and the keys
    the Splink model compares. Phones are read with the reporting partner's country as default region
    (from source_regions, or the source itself when it is a country code), then the nationality.
    From parallel_from records on, a second process shares the work (the same table either way).
    """
    with second_process(len(frame) >= parallel_from) as pool:
        return _prepare(
            frame,
            source_regions=source_regions,
            extra_columns=extra_columns,
            fixed_name_order=fixed_name_order,
            quiet=quiet,
            pool=pool,
        )


def _prepare(
    frame: pd.DataFrame,
    *,
    source_regions: Mapping[str, str] | None,
    extra_columns: Sequence[str],
    fixed_name_order: bool,
    quiet: bool,
    pool: Executor | None,
) -> pd.DataFrame:
    started = time.monotonic()
    frame = frame.copy()
    for column in (*CONTRACT_COLUMNS, *extra_columns):
        if column not in frame.columns:
            frame[column] = ""
    extras = {
        f"{EXTRA_PREFIX}{c}": _mapped(frame[c].fillna("").astype(str), normalise_address)
        for c in extra_columns
    }
    frame = frame[list(CONTRACT_COLUMNS)].fillna("").astype(str)
    out = pd.DataFrame({"unique_id": frame["id"].to_numpy()})
    for column in OPTIONAL_COLUMNS:
        out[f"orig_{column}"] = frame[column].to_numpy()

    # Names repeat a great deal: every key is computed once per distinct name, then spread by code.
    codes, uniques = pd.factorize(frame["name"], sort=False)
    names = name_columns(list(uniques), fixed_order=fixed_name_order, pool=pool)
    loose_tokens = names.pop("loose_tokens")
    weight = np.bincount(codes, minlength=len(loose_tokens)) if len(codes) else np.zeros(0, dtype=np.int64)
    token_sets = [set(tokens) for tokens in loose_tokens]
    # How many records hold each name word (a record counts a word once).
    word_counts: dict[str, int] = {}
    for tokens, n in zip(token_sets, weight, strict=True):
        for t in tokens:
            word_counts[t] = word_counts.get(t, 0) + int(n)
    cap = BLOCK_TOKEN_CAP
    per_name = pd.DataFrame(names)
    per_name["name_tokens"] = [sorted(t) for t in token_sets]
    per_name["name_tok_a"] = [min(t) if t else "" for t in token_sets]
    per_name["name_tok_b"] = [max(t) if t else "" for t in token_sets]
    # The rarest word of each name in this table (a surname more often than not): sharing it is strong
    # evidence, sharing "john" or "nguyen" is not, which the model weighs by term frequency.
    per_name["name_rare"] = [
        min(tokens, key=lambda t: (word_counts.get(t, 0), t)) if tokens else "" for tokens in loose_tokens
    ]
    # Name words rare enough to block on: any shared one (with the year of birth, the address...) makes a
    # candidate pair, while words as common as "Nguyen" or "John" are left out so that no block can grow
    # with the square of a national list.
    per_name["name_block_tokens"] = [
        sorted(t for t in tokens if word_counts.get(t, 0) <= cap) for tokens in token_sets
    ]
    # Blocking on initials: a full name meets a name with initials through a shared initials form. Forms
    # that no name with initials holds are left out (two full names are not compared for sharing one),
    # and so are forms held by more than BLOCK_TOKEN_CAP records ("Perera" with an R).
    forms = [
        {k, *expanded} - {""}
        for k, expanded in zip(per_name["name_initials"], per_name["name_expanded"], strict=True)
    ]
    form_counts: dict[str, list[int]] = {}
    for k, name_forms, n in zip(per_name["name_initials"], forms, weight, strict=True):
        for form in name_forms:
            counts = form_counts.setdefault(form, [0, 0])
            counts[0] += int(n)
            counts[1] += int(n) if form == k else 0
    per_name["name_initial_forms"] = [
        sorted(f for f in name_forms if form_counts[f][1] > 0 and form_counts[f][0] <= cap)
        for name_forms in forms
    ]
    spread = per_name.iloc[codes].reset_index(drop=True) if len(codes) else per_name.iloc[:0]
    for column in per_name.columns:
        out[column] = spread[column].to_numpy()
    _progress(f"names normalised ({len(out):,} rows, {time.monotonic() - started:.1f}s)", quiet=quiet)

    dob_codes, dob_uniques = pd.factorize(frame["dob"], sort=False)
    dobs = [parse_birth_date(value) for value in dob_uniques]
    per_dob = {
        "dob_full": [d.iso if d.precision == "day" else "" for d in dobs],
        "dob_month": [d.iso[:7] if d.precision in ("day", "month") else "" for d in dobs],
        "dob_year": [d.iso[:4] for d in dobs],
        "dob_swapped": [d.swapped for d in dobs],
        "dob_digits": [d.digits for d in dobs],
    }
    for column, values in per_dob.items():
        out[column] = np.array(values, dtype=object)[dob_codes] if len(dob_codes) else values

    regions = dict(source_regions or {})
    sources = frame["source"].str.strip()
    nationality = _mapped(frame["nationality"], normalise_country)
    out["nationality"] = nationality.to_numpy()
    default_region = sources.map(lambda s: regions.get(s) or (s.upper() if s.upper() in _REGIONS else ""))
    # One parse per distinct (number, default region, nationality): phonenumbers is slow and numbers repeat.
    # An international number does not depend on the regions, and spacing never matters: "+84 91 234 5678"
    # and "+84912345678" are one parse.
    written = frame["phone"].str.strip().str.replace(r"^00", "+", regex=True)
    international = written.str.startswith("+")
    digits = written.str.replace(r"\D+", "", regex=True)
    canonical = digits.where(~international, "+" + digits)
    local = ~international & (digits != "")
    key = (
        canonical
        + "|"
        + default_region.where(local, "").to_numpy()
        + "|"
        + nationality.where(local, "").to_numpy()
    )
    phone_codes, phone_uniques = pd.factorize(key, sort=False)
    e164, tail, valid = _in_parts(_phone_columns, list(phone_uniques), pool, PHONES_SHARE_HERE)
    out["phone_e164"] = np.array(e164, dtype=object)[phone_codes]
    out["phone_tail"] = np.array(tail, dtype=object)[phone_codes]
    out["phone_valid"] = np.array(valid, dtype=bool)[phone_codes]
    out["gender"] = _mapped(frame["gender"], normalise_gender).to_numpy()
    out["id_number"] = _mapped(frame["id_number"], normalise_id_number).to_numpy()
    emails = _mapped(frame["email"], normalise_email)
    out["email"] = [e[0] for e in emails]
    out["email_local"] = [e[1] for e in emails]
    addresses = _mapped(frame["address"], normalise_address)
    out["address"] = addresses.to_numpy()
    out["address_tokens"] = [sorted(set(a.split())) if a else [] for a in addresses]
    for column, values in extras.items():
        out[column] = values.to_numpy()

    # Stand-alone blocking keys: a value shared by more than BLOCK_TOKEN_CAP records (a very common name,
    # an agency's phone line) is dropped from the key, so no stand-alone rule can produce more than
    # n * cap / 2 pairs; such records still meet through rules that add the date of birth.
    for column in (
        "name_loose",
        "name_joined_sorted",
        "name_skeleton_joined",
        "phone_tail",
        "id_number",
        "email",
    ):
        values = out[column]
        frequency = values.map(values.value_counts())
        out[f"block_{column}"] = values.where((frequency <= BLOCK_TOKEN_CAP) & (values != ""), "")
    pair = out["name_tok_a"] + "|" + out["name_tok_b"]
    pair_frequency = pair.map(pair.value_counts())
    out["block_name_pair"] = pair.where((pair_frequency <= BLOCK_TOKEN_CAP) & (out["name_tok_a"] != ""), "")

    # Empty strings become NULL so Splink's null levels (no evidence either way) apply.
    for column in out.columns:
        if column.startswith("orig_") or column in ("unique_id", "phone_valid"):
            continue
        if column in ARRAY_COLUMNS:
            out[column] = [v if v else None for v in out[column]]
        else:
            values = out[column]
            out[column] = values.where(values.notna() & (values != ""), None)
    _progress(f"records prepared ({len(out):,} rows, {time.monotonic() - started:.1f}s)", quiet=quiet)
    return out


def source_regions_from_organisations(path: Path) -> dict[str, str]:
    """org_id -> ISO country from an organisations CSV (the world's organisations.csv has this shape)."""
    from tiaki.resolution.csvfiles import read_contract_csv

    frame = read_contract_csv(path, required=("org_id", "country"))
    return {
        org: country
        for org, country in zip(
            frame["org_id"].str.strip(), frame["country"].map(normalise_country), strict=True
        )
        if country
    }
