"""The statistical layer: features, the numpy scoring against scikit-learn's, the review rules, the
detector's use of it, and that the packaged model is what the training script builds."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiaki.screening import detect
from tiaki.screening import detector as detector_module
from tiaki.screening import textmodel as textmodel_module
from tiaki.screening.textmodel import (
    MIN_CHARS,
    NO_INDICATOR,
    PULL_SENTENCES,
    C,
    Reading,
    TextModel,
    TypesReview,
    _prepared,
    decide,
    decide_types,
    fit,
    load_text_model,
    save,
    sentence_pull,
    sentences,
    tokens,
)

from .project_modules import project_module

RD, WAGES = "retention_of_identity_documents", "withholding_of_wages"
# Two findings for the rules in a text long enough for the layer to review it.
LONG = (
    "I worked on the farm for two years. The boss took my passport on the first day and kept it in his "
    "safe, and he did not pay us for four months."
)


def test_tokens_are_words_with_their_character_grams_burmese_syllables_and_thai_trigrams() -> None:
    words = [t for t in tokens("They took 12 Passports, then left.") if not t.startswith(" ")]
    assert words == ["they", "took", "0", "passports", "then", "left"]
    assert tokens("Đi 5") == ["đi", " <đ", " đi", " i>", " <đi", " đi>", " <đi>", "0"]
    assert tokens("ยึด") == ["<ยึ", "ยึด", "ึด>"]
    assert tokens("ပတ်စ်ပို့") == ["ပတ်စ်", "ပို့", "ပတ်စ်_ပို့"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["passport", "pasport", "паспорт", "ยึด", "ပတ်စ်", "gaji", "சம்பளம்", " ", "12", ", "]),
        max_size=30,
    ).map("".join)
    | st.text(max_size=200)
)
def test_the_models_token_by_token_counts_are_the_features_of_tokens(text: str) -> None:
    """The model counts features token by token through a cache, several texts at a time; the counts
    must be those of the features scikit-learn was trained on (tokens), or the packaged weights meet the
    wrong inputs."""
    model = load_text_model()
    vocabulary = model.vocabulary
    expected = Counter(vocabulary[t] for t in tokens(text) if t in vocabulary)
    other = "The boss kept my passport."
    # Texts in groups, as read_many counts a text's pieces: the text is the second of all, first of its group.
    row, feature, counts = model._counted([[_prepared(other)], [_prepared(text), _prepared(other)]])
    found = Counter({int(f): int(c) for r, f, c in zip(row, feature, counts, strict=True) if r == 1})
    assert found == expected
    assert set(row.tolist()) <= {0, 1, 2}


def test_the_token_cache_forgets_when_full_and_still_counts_right(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model remembers up to TOKEN_CACHE tokens' feature indices, then starts again: the counts of a
    text with more distinct tokens than that are still those of its features, texts after it too."""
    monkeypatch.setattr(textmodel_module, "TOKEN_CACHE", 8)
    model = dataclasses.replace(load_text_model())  # its own cache
    vocabulary = model.vocabulary
    texts = [
        "the boss kept my passport and never paid the wages he promised us",
        "passport wages boss debt",
    ]
    for _twice in range(2):
        row, feature, counts = model._counted([[_prepared(text)] for text in texts])
        for number, text in enumerate(texts):
            found = Counter(
                {int(f): int(c) for r, f, c in zip(row, feature, counts, strict=True) if r == number}
            )
            assert found == Counter(vocabulary[t] for t in tokens(text) if t in vocabulary)
    cache = model._indices.__self__  # type: ignore[attr-defined]
    assert 1 < len(cache) <= 8


def test_probabilities_equal_scikit_learns() -> None:
    pytest.importorskip("sklearn")
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [
        "the boss took my passport",
        "they kept our passports in the office",
        "we were not paid for months",
        "the agent kept the wages",
        "I keep my passport myself",
        "nobody took anything from me",
        "my passport is at home with me",
        "wages paid on time every month",
    ]
    labels = [{RD}, {RD}, {WAGES}, {WAGES}, set(), set(), set(), set()]
    model = fit(texts, labels, (RD, WAGES), t_low=0.1, t_neg=0.9)
    vectoriser = TfidfVectorizer(analyzer=tokens, min_df=2, sublinear_tf=True)
    x = vectoriser.fit_transform(texts)
    reference = LogisticRegression(C=32, solver="liblinear", max_iter=1000).fit(
        x, [RD in gold for gold in labels]
    )
    for text in ("the boss kept my passport and my passport", "wages", "an unseen sentence"):
        expected = reference.predict_proba(vectoriser.transform([text]))[0, 1]
        assert model.probabilities(text)[RD] == pytest.approx(expected, rel=1e-7)
    assert set(model.probabilities("x")) == {RD, WAGES, NO_INDICATOR}


def test_texts_scored_together_score_as_each_alone() -> None:
    model = load_text_model()
    texts = ["", LONG, "zzqx qqzx", "ยึดพาสปอร์ต", "Gaji tidak dibayar.", "..."]
    together = model.probabilities_many(texts)
    for row, text in zip(together, texts, strict=True):
        alone = model.probabilities(text)
        assert row.tolist() == pytest.approx([alone[t] for t in model.targets], rel=1e-12)


@pytest.mark.parametrize("together", [2, 3, 32])
def test_texts_read_together_read_as_each_alone(monkeypatch: pytest.MonkeyPatch, together: int) -> None:
    """read_many scores its texts in groups (READ_TOGETHER); each text's reading must be its reading
    alone to the last bit, whatever its neighbours: short texts (no reading), texts on both sides of t_neg
    (with and without the sentences' pull), Thai and Burmese (tokenised apart), a text of no sentence."""
    monkeypatch.setattr(textmodel_module, "READ_TOGETHER", together)
    model = load_text_model()
    texts = [
        LONG,
        "Help me.",
        "We finished the harvest early this year and the cooperative paid everyone on the same day. "
        "My cousin came to visit and we cooked for the whole street. Next month I start a course.",
        "นายจ้างยึดหนังสือเดินทางของฉันไว้และไม่ให้ออกไปไหน ทำงานวันละสิบหกชั่วโมงโดยไม่ได้รับค่าจ้างเลยสามเดือน "
        "และขู่ว่าจะแจ้งตำรวจถ้าหนี",
        "ပွဲစားက ကျွန်မရဲ့ နိုင်ငံကူးလက်မှတ်ကို သိမ်းထားပြီး လစာ မပေးဘူး။ အပြင်ကို ထွက်ခွင့် မပေးဘူး။ အကြွေးဆပ်ပြီးမှ ပြန်ခွင့်ပေးမယ်လို့ ပြောတယ်။",
        "passport " * 16,  # no sentence: the whole text only
        "zzqx " * 30,  # no feature the model knows
        *[f"{LONG} On day {n} we cooked rice together and talked about home." for n in range(3)],
    ]
    alone = [model.read(text) for text in texts]
    assert [i for i, reading in enumerate(alone) if reading is None] == [1]
    pulled = [r is not None and not model.sets_all_aside(r) for r in alone]
    assert any(pulled) and not all(pulled)  # both sides of t_neg
    for order in (texts, texts[::-1]):
        expected = alone if order is texts else alone[::-1]
        assert model.read_many(order) == expected


def _assert_pulled(text: str, n_sentences: int, pull: float) -> tuple[dict[str, float], ...]:
    """Check that the review's scores of a text of n_sentences are its own probabilities, each indicator's
    raised by `pull` of the way to its most likely sentence's; return (whole, scores, best)."""
    model = load_text_model()
    pieces = sentences(text)
    assert len(pieces) == n_sentences
    whole, scores = model.probabilities(text), model.scores(text)
    best = {t: max(model.probabilities(piece)[t] for piece in pieces) for t in model.targets}
    for target in model.targets:
        if target == NO_INDICATOR:
            assert scores[target] == pytest.approx(whole[target])
        else:
            lift = max(best[target] - whole[target], 0)
            assert scores[target] == pytest.approx(whole[target] + pull * lift)
    return whole, scores, best


def test_the_review_raises_an_indicator_half_way_to_its_most_likely_sentence() -> None:
    text = (
        "I came to the city in March with two friends from my village. We found a room near the market. "
        "The boss took my passport on the first day and keeps it locked in his office. "
        "On Sundays we cook together and call our families."
    )
    whole, scores, _best = _assert_pulled(text, 4, 0.5)
    assert scores[RD] > whole[RD]  # told in one sentence of four: the sentence lifts it
    assert sentences("Help me. Day 3.") == []  # too short to say anything alone


def test_the_pull_shrinks_in_a_text_of_many_sentences() -> None:
    """The most likely of many sentences leans towards some indicator by chance, so beyond
    PULL_SENTENCES sentences the pull shrinks with the square root of their number."""
    assert sentence_pull(1) == sentence_pull(PULL_SENTENCES) == 0.5
    assert sentence_pull(4 * PULL_SENTENCES) == pytest.approx(0.25)
    filler = [
        f"On day {n} we cooked rice together and talked about the weather in our home village."
        for n in range(1, 12)
    ]
    text = " ".join(
        [*filler[:5], "The boss took my passport on the first day and keeps it locked away.", *filler[5:]]
    )
    whole, _scores, best = _assert_pulled(text, 12, 0.5 * (PULL_SENTENCES / 12) ** 0.5)
    assert best[RD] > whole[RD]  # the sentence would lift it: the test sees the shrunken pull


def test_the_review_skips_the_sentences_only_where_it_drops_everything() -> None:
    """The review stops before the sentences' pull when the text's own "no indicator" probability reaches
    t_neg; its decision must be the one the full scores give, for texts on both sides of t_neg."""
    model = load_text_model()
    texts = [
        LONG,
        "We finished the harvest early this year and the cooperative paid everyone on the same day. "
        "My cousin came to visit and we cooked for the whole street. Next month I start a course.",
        "Chúng tôi làm việc ở nhà máy giày gần cảng. Chủ giữ hộ chiếu của tôi từ ngày đầu tiên "
        "và không trả lương ba tháng nay, nói là để trừ tiền nợ.",
        "Saya bekerja di kebun sawit bersama dua sepupu. Gaji dibayar tiap bulan lewat bank dan saya "
        "pulang kampung saat Lebaran untuk menjenguk ibu.",
    ]
    assert all(len(text) >= MIN_CHARS for text in texts)  # long enough for the model to have a say
    stopped = 0
    for text in texts:
        full = model.scores(text)
        early = model.scores(text, stop_at=model.t_neg)
        if full[NO_INDICATOR] >= model.t_neg:
            stopped += 1
            assert early == pytest.approx(model.probabilities(text), rel=1e-12)  # the text's own
        else:
            assert early == full
        for codes in (set(), {RD}, {RD, WAGES}):
            review = model.review(text, codes)
            assert dataclasses.replace(review, exploitation={}) == decide(
                full, codes, model.t_low, model.t_neg, model.t_add
            )
            # The types' probabilities are the whole text's, read where findings may remain.
            if full[NO_INDICATOR] >= model.t_neg:
                assert review.exploitation == {}
            else:
                whole = model.type_probabilities_many([text])[0]
                assert review.exploitation == pytest.approx(dict(zip(model.types, whole, strict=True)))
    assert 0 < stopped < len(texts)  # both sides of t_neg were exercised


def test_decide_drops_unlikely_findings_or_all_of_them() -> None:
    p = {RD: 0.6, WAGES: 0.01, NO_INDICATOR: 0.3}
    kept = decide(p, {RD, WAGES}, t_low=0.04, t_neg=0.72)
    assert (kept.kept, kept.dropped, kept.no_indicator) == (frozenset({RD}), (WAGES,), False)
    gone = decide({**p, NO_INDICATOR: 0.8}, {RD, WAGES}, t_low=0.04, t_neg=0.72)
    assert (gone.kept, gone.dropped, gone.no_indicator) == (frozenset(), (RD, WAGES), True)
    assert decide(p, {RD}, t_low=0.0, t_neg=1.01).kept == frozenset({RD})


def test_decide_suggests_likely_indicators_the_rules_missed() -> None:
    p = {RD: 0.9, WAGES: 0.7, NO_INDICATOR: 0.2}
    assert decide(p, {RD}, t_low=0.01, t_neg=0.5, t_add=0.6).suggested == (WAGES,)
    assert decide(p, {RD}, t_low=0.01, t_neg=0.5, t_add=0.75).suggested == ()
    assert decide(p, set(), t_low=0.01, t_neg=0.5, t_add=0.6).suggested == (RD, WAGES)
    # Nothing is suggested where the model holds the text to carry no indicator at all.
    assert decide({**p, NO_INDICATOR: 0.6}, set(), t_low=0.01, t_neg=0.5, t_add=0.6).suggested == ()


def test_decide_types_sets_aside_unlikely_types_and_suggests_likely_ones() -> None:
    p = {"ForcedLabour": 0.1, "ForcedCriminality": 0.8, "Servitude": 0.35}
    review = decide_types(p, {"ForcedLabour", "Other"}, t_low=0.2, t_add=0.4)
    assert review.kept == frozenset({"Other"})  # a type the model does not weigh stays as the rules named it
    assert (review.dropped, review.suggested) == (("ForcedLabour",), ("ForcedCriminality",))
    assert decide_types(p, {"ForcedLabour"}, t_low=0.05, t_add=0.3) == TypesReview(
        frozenset({"ForcedLabour"}), (), ("ForcedCriminality", "Servitude")
    )
    assert decide_types(p, set(), t_low=0.0, t_add=1.01).suggested == ()


def test_type_probabilities_equal_scikit_learns_trained_on_labelled_texts_with_an_indicator() -> None:
    pytest.importorskip("sklearn")
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [
        "the boss took my passport at the fish factory",
        "they kept our passports at the factory gate",
        "we were not paid for months in the house, cleaning for the madam",
        "the madam kept the wages of the maid",
        "the boss kept the passports of the factory workers",  # types not labelled: left out
        "the factory paid on time",  # no indicator: left out of the types' training
        "my passport is at home with me",
        "wages paid on time every month",
    ]
    labels = [{RD}, {RD}, {WAGES}, {WAGES}, {RD}, set(), set(), set()]
    labour, servitude = "ForcedLabour", "Servitude"
    named: list[set[str] | None] = [{labour}, {labour}, {servitude}, {servitude}, None, set(), set(), set()]
    model = fit(
        texts, labels, (RD, WAGES), t_low=0.1, t_neg=0.9, exploitation=named, types=(labour, servitude)
    )
    vectoriser = TfidfVectorizer(analyzer=tokens, min_df=2, sublinear_tf=True)
    x = vectoriser.fit_transform(texts)
    reference = LogisticRegression(C=C, solver="liblinear", max_iter=1000).fit(x[:4], [1, 1, 0, 0])
    unseen = ["the factory kept my passport", "the madam", "an unseen sentence"]
    expected = reference.predict_proba(vectoriser.transform(unseen))[:, 1]
    assert model.type_probabilities_many(unseen)[:, 0] == pytest.approx(expected, rel=1e-7)
    assert model.types == (labour, servitude)
    with pytest.raises(ValueError, match="exploitation labels"):
        fit(texts, labels, (RD,), t_low=0.1, t_neg=0.9, types=(labour,))


def test_a_saved_model_loads_with_its_types(tmp_path: Path) -> None:
    packaged = load_text_model()
    assert packaged.types  # the packaged model weighs exploitation types
    path = tmp_path / "model.npz"
    save(packaged, path)
    loaded = load_text_model.__wrapped__(path)
    assert loaded.types == packaged.types
    assert (loaded.t_type_low, loaded.t_type_add) == (packaged.t_type_low, packaged.t_type_add)
    assert np.allclose(loaded.type_coef, packaged.type_coef, atol=1e-6)
    assert loaded.type_probabilities_many([LONG]) == pytest.approx(packaged.type_probabilities_many([LONG]))


def _forced(no_indicator: float, **probabilities: float) -> TextModel:
    """The packaged model with its scores replaced by fixed ones, to test what the detector does."""
    model = load_text_model()

    class Fixed(TextModel):
        def probabilities(self, text: str) -> dict[str, float]:
            return {**dict.fromkeys(model.targets, 0.3), NO_INDICATOR: no_indicator, **probabilities}

        def _scores_many(self, texts: list[str], stop_at: float) -> list[Reading]:
            # The review's reading of each text: the same fixed figures, and no exploitation types.
            return [Reading(self.probabilities(text), {}) for text in texts]

    # Thresholds of its own: what is tested is the detector's use of a review, not the packaged values.
    fields = {f.name: getattr(model, f.name) for f in dataclasses.fields(TextModel)}
    return Fixed(**{**fields, "t_low": 0.01, "t_neg": 0.5, "t_add": 0.5})


def test_detector_reports_what_the_layer_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(LONG) >= MIN_CHARS
    rules_alone = detect(LONG, "en", model=False)
    assert {i.code for i in rules_alone.indicators} == {RD, WAGES}

    monkeypatch.setattr(detector_module, "load_text_model", lambda: _forced(0.1, **{WAGES: 0.001}))
    result = detect(LONG, "en", explain=True)
    assert [i.code for i in result.indicators] == [RD]
    assert "model_dropped:" + WAGES in result.notes and result.set_aside == (WAGES,)
    assert result.score < rules_alone.score
    # Not asked what the review sets aside, the rules do not look for it: the same result, less the
    # explanation.
    unexplained = detect(LONG, "en")
    assert unexplained.set_aside is None and not any(n.startswith("model_dropped") for n in unexplained.notes)
    assert dataclasses.replace(result, set_aside=None, notes=unexplained.notes) == unexplained

    monkeypatch.setattr(detector_module, "load_text_model", lambda: _forced(0.99))
    result = detect(LONG, "en")
    assert (result.indicators, result.level) == ((), "none")
    assert "model_no_indicator" in result.notes
    assert result.set_aside is None  # not asked for: the rules did not look
    explained = detect(LONG, "en", explain=True)
    # Asked for, the rules name what they found (matched for that alone: see Screener.match).
    assert explained.set_aside == tuple(sorted((RD, WAGES)))
    assert dataclasses.replace(explained, set_aside=None) == result
    # The keyword baseline and model=False never consult the layer.
    assert {i.code for i in detect(LONG, "en", model=False).indicators} == {RD, WAGES}
    assert {i.code for i in detect(LONG, "en", context=False).indicators} >= {RD, WAGES}


def test_where_the_model_sets_all_aside_the_rules_look_only_for_what_the_result_still_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A child's age and an explicit exploitation cue are in the result whatever the model says; the
    # indicators are not looked for unless the caller asks what was set aside (explain).
    text = "She is 15 years old and the gang forced her to beg at the market, the report says. " + LONG
    monkeypatch.setattr(detector_module, "load_text_model", lambda: _forced(0.99))
    explained = detect(text, "en", explain=True)
    assert explained.set_aside and "child_under_18" in explained.codes
    assert {f.code for f in explained.exploitation_types} >= {"ForcedBegging"}
    looked: list[str] = []
    find_matches = detector_module.find_matches

    def spy(rules: Any, *args: Any, **kwargs: Any) -> Any:
        looked.append(rules.language)
        return find_matches(rules, *args, **kwargs)

    monkeypatch.setattr(detector_module, "find_matches", spy)
    result = detect(text, "en")
    assert looked == []
    assert dataclasses.replace(explained, set_aside=None) == result
    assert detect(text, "en", explain=True) == explained and looked == ["en"]


def test_the_rules_look_only_for_indicators_the_review_may_let_stand(monkeypatch: pytest.MonkeyPatch) -> None:
    model = _forced(0.1, **{WAGES: 0.001, RD: 0.9})
    # Wages' findings would be dropped and it would not be suggested; retention's would stand.
    reading = Reading({**dict.fromkeys(model.targets, 0.3), NO_INDICATOR: 0.1, WAGES: 0.001, RD: 0.9}, {})
    assert model.rules_out(reading, [WAGES, RD]) == {WAGES}
    # An indicator the review would suggest were the rules to miss it is looked for, even where it would
    # drop their findings of it (t_low over t_add: thresholds no one ships).
    odd = dataclasses.replace(model, t_low=0.95, t_add=0.5)
    assert odd.rules_out(reading, [WAGES, RD]) == {WAGES}
    skipped: list[frozenset[str]] = []
    find_matches = detector_module.find_matches

    def spy(*args: Any, skip: frozenset[str] = frozenset(), **kwargs: Any) -> Any:
        skipped.append(frozenset(skip))
        return find_matches(*args, skip=skip, **kwargs)

    monkeypatch.setattr(detector_module, "load_text_model", lambda: model)
    monkeypatch.setattr(detector_module, "find_matches", spy)
    detect(LONG, "en")
    assert WAGES in skipped[-1] and RD not in skipped[-1]
    detect(LONG, "en", explain=True)
    assert skipped[-1] == frozenset()


def test_detector_shows_a_suggestion_as_the_models_with_the_sentence_it_rests_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    debt = "debt_bondage"
    text = (
        "I worked on the farm for two years and the boss took my passport on the first day. "
        "The agent kept a notebook with my name and a number that only grew. "
        "My sister lives in the next village."
    )
    assert debt not in {i.code for i in detect(text, "en", model=False).indicators}
    model = load_text_model()

    class Owed(TextModel):
        # "notebook" raises debt bondage: the sentence holding it is the evidence.
        def probabilities(self, text: str) -> dict[str, float]:
            p = {**dict.fromkeys(model.targets, 0.3), NO_INDICATOR: 0.1}
            return {**p, debt: 0.8 if "notebook" in text else 0.4}

        def _scores_many(self, texts: list[str], stop_at: float) -> list[Reading]:
            return [Reading(self.probabilities(text), {}) for text in texts]

        def probabilities_many(self, texts: list[str]) -> np.ndarray:
            return np.array([[self.probabilities(text)[t] for t in self.targets] for text in texts])

    fields = {f.name: getattr(model, f.name) for f in dataclasses.fields(TextModel)}
    monkeypatch.setattr(detector_module, "load_text_model", lambda: Owed(**{**fields, "t_add": 0.6}))
    result = detect(text, "en")
    suggestion = next(i for i in result.indicators if i.code == debt)
    assert suggestion.source == "model"
    assert suggestion.evidence == "The agent kept a notebook with my name and a number that only grew."
    assert text[suggestion.start : suggestion.end] == suggestion.evidence
    assert "model_suggested:" + debt in result.notes
    assert {i.source for i in result.indicators if i.code == RD} == {"rules"}
    assert result.as_dict()["indicators"][-1]["source"] in ("rules", "model")
    # The rules alone, and the keyword baseline, never carry the model's suggestions.
    assert debt not in {i.code for i in detect(text, "en", model=False).indicators}


# Rules find retention of documents and name forced labour from "farm"; the last sentence tells of forced
# criminality, which no cue of the rules names.
SCAM = (
    "I worked on the farm for two years and the boss took my passport on the first day. "
    "My sister lives in the next village. "
    "At night we sat at computers and sent messages to strangers to trick them into fake crypto deals."
)


class _Typed(TextModel):
    """The packaged model with fixed figures: ILO codes at 0.3, "no indicator" at 0.1, forced labour at
    0.05 and forced criminality at 0.9 in a text that speaks of crypto (0.1 elsewhere)."""

    def _scores_many(self, texts: list[str], stop_at: float) -> list[Reading]:
        p = {**dict.fromkeys(self.targets, 0.3), NO_INDICATOR: 0.1}
        return [
            Reading(p, dict(zip(self.types, row.tolist(), strict=True)))
            for row in self.type_probabilities_many(texts)
        ]

    def type_probabilities_many(self, texts: list[str]) -> np.ndarray:
        fixed = [{"ForcedLabour": 0.05, "ForcedCriminality": 0.9 if "crypto" in t else 0.1} for t in texts]
        return np.array([[row.get(code, 0.1) for code in self.types] for row in fixed])


def _typed() -> TextModel:
    model = load_text_model()
    fields = {f.name: getattr(model, f.name) for f in dataclasses.fields(TextModel)}
    return _Typed(
        **{**fields, "t_low": 0.01, "t_neg": 0.5, "t_add": 0.5, "t_type_low": 0.2, "t_type_add": 0.4}
    )


def test_detector_lets_the_model_set_aside_and_suggest_exploitation_types(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rules_alone = detect(SCAM, "en", model=False)
    assert RD in rules_alone.codes
    assert {f.code for f in rules_alone.exploitation_types} == {"ForcedLabour"}
    monkeypatch.setattr(detector_module, "load_text_model", _typed)
    result = detect(SCAM, "en")
    (finding,) = result.exploitation_types
    assert (finding.code, finding.source) == ("ForcedCriminality", "model")
    assert finding.evidence == SCAM[finding.start : finding.end]
    assert finding.evidence.startswith("At night we sat at computers")  # the sentence it rests on
    assert "model_dropped_exploitation:ForcedLabour" in result.notes
    assert "model_suggested_exploitation:ForcedCriminality" in result.notes
    assert result.as_dict()["exploitation_types"][0]["source"] == "model"
    # Without an indicator the model names no type, whatever it makes of the words.
    calm = (
        "At night we sat at computers and traded crypto for ourselves, and we went home when we liked. "
        "The farm paid us every Friday."
    )
    assert len(calm) >= MIN_CHARS and not detect(calm, "en").indicators
    assert detect(calm, "en").exploitation_types == ()
    # A short statement is the rules' alone.
    short = "The farm boss took my passport."
    assert [f.code for f in detect(short, "en").exploitation_types] == ["ForcedLabour"]


def test_short_statements_keep_every_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detector_module, "load_text_model", lambda: _forced(0.99))
    short = "The recruiter confiscated my passport."
    assert len(short) < MIN_CHARS
    result = detect(short, "en")
    assert [i.code for i in result.indicators] == [RD]
    assert not any(note.startswith("model") for note in result.notes)


def _training_script() -> Any:
    return project_module("scripts", "train_screening_model")


def test_models_are_the_same_only_within_the_solver_tolerance() -> None:
    same = _training_script().same
    packaged = load_text_model()
    coef = packaged.coef.copy()
    coef[3, 7] += 0.01  # within WEIGHT_SLACK: another CPU's rounding
    assert same(packaged, dataclasses.replace(packaged, coef=coef))
    coef[3, 7] += 0.05
    assert not same(packaged, dataclasses.replace(packaged, coef=coef))
    assert not same(packaged, dataclasses.replace(packaged, t_neg=packaged.t_neg + 0.01))
    type_coef = packaged.type_coef.copy()
    type_coef[1, 7] += 0.05
    assert not same(packaged, dataclasses.replace(packaged, type_coef=type_coef))
    assert not same(packaged, dataclasses.replace(packaged, types=packaged.types[:-1]))
    assert not same(packaged, dataclasses.replace(packaged, t_type_add=packaged.t_type_add + 0.05))


def test_packaged_model_is_what_the_training_script_builds() -> None:
    """Data and code in, the packaged file out: retraining from the labelled splits gives the same model."""
    pytest.importorskip("sklearn")
    training = _training_script()
    packaged = load_text_model()
    assert (packaged.t_low, packaged.t_neg, packaged.t_add) == (
        training.T_LOW,
        training.T_NEG,
        training.T_ADD,
    )
    assert (packaged.t_type_low, packaged.t_type_add) == (training.T_TYPE_LOW, training.T_TYPE_ADD)
    # Vocabulary, targets, thresholds, idf and weights, compared as the training script's --check does.
    assert training.same(packaged, training.train())
