"""Property tests for the parsers and normalisers that had none: untrusted input never crashes them with
anything but their documented error, normalisers are idempotent, and codecs round-trip.

Resolution's name, phone and date normalisers and the screening detector have their own property tests
(tests/resolution/test_normalisers.py, tests/screening/test_bad_input.py); this file covers the rest.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import string
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from django import forms as django_forms
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from tiaki.accounts.forms import LoginForm, TokenForm
from tiaki.cases.export import safe_cell
from tiaki.community import abuse
from tiaki.community.forms import AddInformationForm, PassportForm, ReceiptForm, TipForm
from tiaki.community.services import RECEIPT_DIGITS, directory_load, format_receipt, normalise_receipt
from tiaki.config import env
from tiaki.intake.forms import ReportForm
from tiaki.intelligence.models import Agency
from tiaki.intelligence.services import agency_register_import, name_key
from tiaki.resolution.csvfiles import InputFileError, read_contract_csv, write_csv_atomically
from tiaki.resolution.records import (
    normalise_address,
    normalise_country,
    normalise_email,
    normalise_gender,
    normalise_id_number,
)
from tiaki.resolution.transliteration import romanise
from tiaki.screening import questionnaires
from tiaki.screening.normalise import normalise as screening_normalise

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text a person could paste: any code point except lone surrogates (which no decoder produces).
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)
# Zero in the scripts of Tiaki's languages (ASCII, Thai, Myanmar, Sinhala, Tamil) and Arabic-Indic: the
# other digits follow it in Unicode. Superscripts, circled digits and fractions are digits of no code.
ZEROS = "0๐၀෦௦٠"
NOT_CODE_DIGITS = "²①⁴½"


# --- receipt codes and kept-passport numbers (public input) --------------------------------------------


@FAST
@given(TEXT)
def test_receipt_normaliser_keeps_only_ascii_digits_and_is_idempotent(raw: str) -> None:
    code = normalise_receipt(raw)
    assert set(code) <= set(string.digits)
    assert normalise_receipt(code) == code


@FAST
@given(st.text(alphabet=string.digits, min_size=RECEIPT_DIGITS, max_size=RECEIPT_DIGITS))
def test_a_receipt_as_shown_reads_back_as_issued(code: str) -> None:
    assert normalise_receipt(format_receipt(code)) == code
    assert normalise_receipt(f"  {format_receipt(code).replace(' ', '-')}\n") == code


@FAST
@given(
    st.lists(
        st.one_of(st.tuples(st.integers(0, 9), st.sampled_from(ZEROS)), st.sampled_from(NOT_CODE_DIGITS))
    )
)
def test_a_receipt_typed_in_any_script_reads_as_its_digit_values(keys: list[tuple[int, str] | str]) -> None:
    typed = "".join(chr(ord(k[1]) + k[0]) if isinstance(k, tuple) else k for k in keys)
    expected = "".join(str(k[0]) for k in keys if isinstance(k, tuple))
    assert normalise_receipt(typed) == expected


@FAST
@given(TEXT, TEXT)
def test_proof_of_work_check_refuses_junk_without_raising(challenge: str, nonce: str) -> None:
    # A forged or junk challenge fails its signature before anything is counted (no database needed).
    assert abuse.pow_valid(challenge, nonce) is False


# --- public and staff forms: any submitted strings give a bound form, never an exception ----------------

FORM_FIELDS = st.dictionaries(
    st.sampled_from(
        [
            "what",
            "where",
            "country",
            "when",
            "who",
            "contact",
            "receipt",
            "token",
            "text",
            "language",
            "destination",
            "job",
            "recruiter_name",
            "keep",
            "passphrase",
            "username",
            "password",
            "channel",
            "narrative",
            "occurred_on",
            "place",
            "pow_nonce",
        ]
    ),
    st.text(max_size=80),
)


@FAST
@pytest.mark.parametrize(
    "form_class", [TipForm, ReceiptForm, AddInformationForm, PassportForm, LoginForm, TokenForm, ReportForm]
)
@given(data=FORM_FIELDS)
def test_forms_accept_or_refuse_any_input_without_raising(
    form_class: type[django_forms.Form], data: dict[str, str]
) -> None:
    form = form_class(data=data)
    if form.is_valid():
        for name, value in form.cleaned_data.items():
            field = form.fields[name]
            limit = getattr(field, "max_length", None)
            if limit is not None and isinstance(value, str):
                assert len(value) <= limit, name
    else:
        assert form.errors


# --- resolution: identity-document, email, address, country and gender normalisers --------------------


@FAST
@given(TEXT)
def test_id_number_normaliser_gives_upper_alphanumerics_and_is_idempotent(raw: str) -> None:
    number = normalise_id_number(raw)
    assert number.isascii() and number == number.upper()
    assert all(ch.isalnum() for ch in number)
    assert normalise_id_number(number) == number


@FAST
@given(TEXT)
def test_address_normaliser_is_ascii_single_spaced_and_idempotent(raw: str) -> None:
    address = normalise_address(raw)
    assert address.isascii()
    assert address == " ".join(address.split())
    assert normalise_address(address) == address


@FAST
@given(st.one_of(TEXT, st.emails()))
def test_email_normaliser_is_idempotent_and_its_local_part_has_no_dots_or_tags(raw: str) -> None:
    address, local = normalise_email(raw)
    if not address:
        assert local == ""
        return
    assert "@" in address and address == address.lower().strip()
    assert "." not in local and "+" not in local
    assert normalise_email(address) == (address, local)


@FAST
@given(st.one_of(TEXT, st.sampled_from(["th", "Thailand", "Viet Nam", "Myanmar (Burma)", "NZ", "zz"])))
def test_country_normaliser_gives_alpha_2_or_nothing_and_is_idempotent(raw: str) -> None:
    code = normalise_country(raw)
    assert code == "" or (len(code) == 2 and code.isascii() and code.isupper())
    assert normalise_country(code) == code


@FAST
@given(st.one_of(TEXT, st.sampled_from(["F", "female", "M", "Male", "x", "nữ", "หญิง"])))
def test_gender_normaliser_gives_a_code_or_nothing_and_is_idempotent(raw: str) -> None:
    gender = normalise_gender(raw)
    assert gender in {"", "m", "f", "x"}
    assert normalise_gender(gender) == gender


@FAST
@given(TEXT)
def test_romanisation_gives_ascii_and_romanised_text_stays_as_it_is(raw: str) -> None:
    latin = romanise(raw)
    assert latin.isascii()
    assert romanise(latin) == latin


@FAST
@given(TEXT)
def test_agency_name_key_is_idempotent(raw: str) -> None:
    assert name_key(name_key(raw)) == name_key(raw)


# --- resolution: contract CSV files ---------------------------------------------------------------------


def _write(directory: str, data: bytes) -> Path:
    path = Path(directory) / "input.csv"
    path.write_bytes(data)
    return path


@FAST
@given(st.binary(max_size=300))
def test_contract_csv_reader_reads_or_names_the_problem_for_any_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = _write(directory, b"id,name\n" + data)
        try:
            frame = read_contract_csv(path)
        except InputFileError as error:
            assert str(error).startswith(f"{path}:")
            return
    assert list(frame.columns) == ["id", "name"]
    assert frame["id"].is_unique and (frame["id"] != "").all()


CELL = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00\ufeff"), max_size=12
)


@FAST
@given(
    st.lists(
        st.tuples(CELL.map(str.strip).filter(bool), CELL, CELL),
        max_size=8,
        unique_by=lambda row: row[0],
    )
)
def test_contract_csv_written_by_us_reads_back_unchanged(rows: list[tuple[str, str, str]]) -> None:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=["id", "name", "phone"], dtype=str)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "out.csv"
        write_csv_atomically(frame, path)
        back = read_contract_csv(path, known=("id", "name", "phone"))
    assert back.to_dict("records") == frame.to_dict("records")


# --- screening: text normalisation, questionnaire answers, ODK/Kobo import, XLSForm export -------------


@FAST
@given(TEXT)
def test_screening_normalisation_maps_every_character_back_and_is_idempotent(raw: str) -> None:
    mapped = screening_normalise(raw, zawgyi=False)
    assert mapped.text == unicodedata.normalize("NFC", raw)
    if mapped.starts is not None and mapped.ends is not None:
        assert len(mapped.starts) == len(mapped.ends) == len(mapped.text)
        assert all(0 <= a < b <= len(raw) for a, b in zip(mapped.starts, mapped.ends, strict=True))
        assert list(mapped.starts) == sorted(mapped.starts)
    again = screening_normalise(mapped.text, zawgyi=False)
    assert again.text == mapped.text


def _questionnaires() -> list[questionnaires.Questionnaire]:
    return [questionnaires.load(form_id) for form_id in questionnaires.available()]


QUESTIONNAIRES = _questionnaires()


@st.composite
def answers(draw: st.DrawFn, questionnaire: questionnaires.Questionnaire) -> dict[str, Any]:
    """Raw answers as a form or an import would deliver them: mostly plausible, sometimes junk."""
    raw: dict[str, Any] = {}
    for question in questionnaire.questions:
        plausible = list(question.values()) if question.type != "number" else ["0", "17", "18", "120"]
        raw[question.id] = draw(
            st.one_of(
                st.none(),
                st.sampled_from(plausible).flatmap(lambda v: st.sampled_from([v, v.upper(), f" {v} "])),
                st.text(max_size=6),
                st.integers(-5, 200),
            )
        )
    return raw


@FEW
@pytest.mark.parametrize("questionnaire", QUESTIONNAIRES, ids=lambda q: q.id)
@given(data=st.data())
def test_answers_are_cleaned_idempotently_or_refused_with_the_question_named(
    questionnaire: questionnaires.Questionnaire, data: st.DataObject
) -> None:
    raw = data.draw(answers(questionnaire))
    try:
        clean = questionnaires.clean_answers(questionnaire, raw)
    except questionnaires.QuestionnaireError as error:
        assert str(error).split(":", 1)[0] in {q.id for q in questionnaire.questions}
        return
    assert questionnaires.clean_answers(questionnaire, clean) == clean
    assert all(questionnaires.is_shown(q, clean) for q in questionnaire.questions if q.id in clean)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@FAST
@given(st.one_of(st.binary(max_size=200), JSON_VALUES.map(lambda v: json.dumps(v).encode())), st.booleans())
def test_submission_import_reads_rows_or_refuses_with_a_questionnaire_error(
    data: bytes, as_json: bool
) -> None:
    try:
        rows = questionnaires.read_submissions(data, filename="export.json" if as_json else "export.csv")
    except questionnaires.QuestionnaireError:
        return
    assert isinstance(rows, list)
    for row in rows:
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in row.items())
        assert not any("/" in k or "-" in k for k in row)


SUBMISSION_KEYS = st.from_regex(r"\A(grp[/-])?q[0-9]{2}_[a-z]{1,8}\Z")
SUBMISSION_VALUES = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=10
)


@FAST
@given(
    st.lists(SUBMISSION_KEYS, min_size=1, max_size=5, unique_by=lambda k: k.replace("-", "/").split("/")[-1]),
    st.data(),
    st.booleans(),
)
def test_submission_exports_round_trip_through_csv_and_json(
    keys: list[str], data: st.DataObject, as_json: bool
) -> None:
    rows = data.draw(st.lists(st.fixed_dictionaries({k: SUBMISSION_VALUES for k in keys}), max_size=5))
    if as_json:
        payload = json.dumps({"results": rows}).encode()
    else:
        assume(rows)  # a CSV without rows is only a header
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=keys)
        writer.writeheader()
        writer.writerows(rows)
        payload = out.getvalue().encode("utf-8-sig")
    back = questionnaires.read_submissions(payload, filename="export.json" if as_json else "export.csv")
    strip = lambda key: key.replace("-", "/").split("/")[-1]  # noqa: E731
    assert back == [{strip(k): v for k, v in row.items()} for row in rows]


@pytest.mark.parametrize("questionnaire", QUESTIONNAIRES, ids=lambda q: q.id)
def test_xlsform_export_round_trips_the_questions_and_their_labels(
    questionnaire: questionnaires.Questionnaire,
) -> None:
    book = load_workbook(io.BytesIO(questionnaires.to_xlsform(questionnaire)), read_only=True)
    survey = list(book["survey"].iter_rows(values_only=True))
    header = survey[0]
    by_name = {row[header.index("name")]: row for row in survey[1:]}
    assert list(by_name) == [q.id for q in questionnaire.questions]
    for question in questionnaire.questions:
        row = by_name[question.id]
        for language in questionnaires.LANGUAGES:
            column = f"label::{questionnaires.LANGUAGE_NAMES[language]} ({language})"
            assert row[header.index(column)] == question.text[language]
    choices = {(r[0], r[1]) for r in list(book["choices"].iter_rows(values_only=True))[1:]}
    for question in questionnaire.questions:
        if question.type == "choice":
            assert {(f"{question.id}_choices", c.value) for c in question.choices} <= choices
    settings_rows = list(book["settings"].iter_rows(values_only=True))
    assert settings_rows[1][1] == f"tiaki_{questionnaire.id}"


# --- the hotline directory data file (`tiaki load_directory`) ---------------------------------------------

TOML_SCALARS = st.one_of(
    st.text(max_size=30),
    st.integers(-5, 5),
    st.booleans(),
    st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)),
    st.times(),
    st.lists(st.text(max_size=5), max_size=3),
    st.lists(st.integers(0, 3), max_size=2),
)
DIRECTORY_ENTRY = st.fixed_dictionaries(
    {},
    optional={
        "country": st.one_of(st.sampled_from(["NZ", "TH", "VN", "ZZ", ""]), TOML_SCALARS),
        "kind": st.one_of(st.sampled_from(["emergency", "hotline", "service", "other"]), TOML_SCALARS),
        "name": TOML_SCALARS,
        "number": st.one_of(st.from_regex(r"\A\+?[0-9 ]{3,12}\Z"), TOML_SCALARS),
        "description": TOML_SCALARS,
        "languages": st.one_of(st.lists(st.sampled_from(["en", "th", "my"]), max_size=3), TOML_SCALARS),
        "source": TOML_SCALARS,
        "verified_on": TOML_SCALARS,
    },
)


@settings(FEW, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.binary(max_size=120),
        st.lists(DIRECTORY_ENTRY, max_size=3).map(lambda rows: tomli_w.dumps({"entry": rows}).encode()),
        TOML_SCALARS.map(lambda value: tomli_w.dumps({"entry": value}).encode()),
    )
)
def test_directory_file_loads_or_is_refused_with_a_validation_error(db: Any, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "directory.toml"
        path.write_bytes(data)
        try:
            created, updated = directory_load(actor=None, path=path)
        except ValidationError as error:
            assert error.messages
            return
    assert created >= 0 and updated >= 0


# --- the public register of recruitment agencies (CSV import) ------------------------------------------

AGENCY_CELL = st.one_of(
    st.sampled_from(["Golden Lotus", "TH", "licensed", "revoked", "DOE-1", "", " ", "ß" * 120]),
    st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12),
)


@st.composite
def agency_registers(draw: st.DrawFn) -> bytes:
    header = draw(
        st.lists(
            st.sampled_from(["agency_id", "name", "country", "licence_status", "licence_number", "extra"]),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    rows = draw(st.lists(st.lists(AGENCY_CELL, min_size=0, max_size=len(header) + 1), max_size=4))
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


@settings(FEW, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.one_of(agency_registers(), st.binary(max_size=120)))
def test_agency_register_imports_valid_rows_or_refuses_the_file_whole(db: Any, data: bytes) -> None:
    before = list(Agency.objects.values_list("pk", "name", "licence_status"))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "agencies.csv"
        path.write_bytes(data)
        try:
            count = agency_register_import(actor=None, path=path, source="property test")
        except ValidationError as error:
            assert error.messages[0].startswith("agencies.csv")
            assert list(Agency.objects.values_list("pk", "name", "licence_status")) == before  # nothing kept
            return
    assert count >= 0
    for agency in Agency.objects.all():
        assert agency.name and agency.name == agency.name.strip()
        assert len(agency.name_key) <= 200 and len(agency.country) <= 2
        assert agency.licence_status in {"licensed", "unlicensed", "revoked", "unknown"}


# --- exports: spreadsheet formula neutralisation --------------------------------------------------------


@FAST
@given(st.one_of(TEXT, st.sampled_from("=+-@\t\r").flatmap(lambda c: TEXT.map(lambda t: c + t))))
def test_export_cells_never_start_a_formula_and_neutralising_is_idempotent(value: str) -> None:
    cell = safe_cell(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell in (value, f"'{value}")
    assert safe_cell(cell) == cell


# --- configuration: the environment table ---------------------------------------------------------------


@FAST
@given(st.sampled_from([v.name for v in env.VARIABLES]), st.text(max_size=30))
def test_every_environment_variable_parses_or_is_named_in_the_error(name: str, raw: str) -> None:
    try:
        env.read(name, {name: raw})
    except env.ConfigurationError as error:
        assert str(error).startswith(f"{name}: ")
