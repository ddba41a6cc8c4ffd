"""Bulk screening (detect_many): the same result as detect for every text, in order, errors in place."""

from __future__ import annotations

import gc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from myanmar.converter import convert

from tiaki.screening import detect
from tiaki.screening.detector import MAX_TEXT_CHARS, ScreeningInputError, detect_many

ITEMS: list[tuple[object, str | None]] = [
    ("The agent took our passports and we were not allowed to leave the compound.", None),
    ("", None),
    ("Chủ giữ hộ chiếu của tôi và không trả lương trong ba tháng.", None),
    ("Chu giu ho chieu cua toi va khong tra luong trong ba thang.", "vi"),
    ("นายจ้างยึดหนังสือเดินทางของฉันไว้และไม่ให้ออกไปไหน", None),
    ("They did not take my passport; I keep it myself.", "en"),
    ("a text in a language we do not know", "xx"),
    (b"not a str", None),
    ("Majikan menahan paspor saya dan gaji saya tidak dibayar.", "auto"),
    ("x" * (MAX_TEXT_CHARS + 1), None),
    ("සේවා යෝජකයා මගේ විදේශ ගමන් බලපත්‍රය තබා ගත්තා.", None),
    ("The documentary said the boss took their passports and kept them.", "en"),
]


def _one(text: object, lang: str | None) -> object:
    try:
        return detect(text, lang)  # type: ignore[arg-type]
    except ScreeningInputError as error:
        return ("error", str(error))


def _many(items: list[tuple[object, str | None]], **kwargs: object) -> list[object]:
    return [
        ("error", str(result)) if isinstance(result, ScreeningInputError) else result
        for result in detect_many(items, **kwargs)  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize("batch_size", [1, 3, 1000])
def test_bulk_gives_each_texts_own_result_in_order(batch_size: int) -> None:
    expected = [_one(text, lang) for text, lang in ITEMS]
    assert _many(ITEMS, batch_size=batch_size) == expected
    # the bad items are errors in their places, the others results
    errors = [i for i, result in enumerate(expected) if isinstance(result, tuple)]
    assert errors == [6, 7, 9]  # unknown language, not a str, too long


def test_bulk_options_match_detects() -> None:
    texts = [(text, lang) for text, lang in ITEMS if isinstance(text, str) and len(text) < 1000]
    for options in ({"model": False}, {"context": False}, {"prefilter": False}):
        expected = []
        for text, lang in texts:
            try:
                expected.append(detect(text, lang, **options))  # type: ignore[arg-type]
            except ScreeningInputError as error:
                expected.append(("error", str(error)))  # type: ignore[arg-type]
        assert _many(texts, **options) == expected


def test_bulk_of_zawgyi_text_converts_it_like_detect() -> None:
    text = convert("အလုပ်ရှင်က ကျွန်တော်တို့ရဲ့ ပတ်စ်ပို့တွေကို သိမ်းယူထားပြီး လစာ မပေးဘူး။", "unicode", "zawgyi")
    [result] = _many([(text, None)])
    assert result == detect(text)
    assert "converted_from_zawgyi" in result.notes  # type: ignore[attr-defined]


@pytest.mark.parametrize("enabled", [True, False])
def test_bulk_leaves_the_cycle_collector_as_it_found_it(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        results = detect_many([("The boss kept my passport.", "en")] * 3, batch_size=2)
        next(results)
        assert gc.isenabled() is enabled  # paused only while a batch is screened, not between results
        list(results)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(max_size=200), max_size=6), st.integers(min_value=1, max_value=4))
def test_bulk_equals_one_by_one_on_any_texts(texts: list[str], batch_size: int) -> None:
    items: list[tuple[object, str | None]] = [(text, None) for text in texts]
    assert _many(items, batch_size=batch_size) == [_one(text, None) for text in texts]
