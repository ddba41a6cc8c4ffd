"""Does the text model name the forms of exploitation better than the rules' cue words? Leave one set out.

Usage:
    uv run python benchmarks/screening_types_validation.py           # each set in turn as the test set
    uv run python benchmarks/screening_types_validation.py --choose  # the packaged thresholds

The detector names an exploitation type (HTCDS: ForcedLabour, Servitude, ForcedCriminality, ...) in a text
with an indicator: the rules from cue words, and the text model then sets aside a type the rules named when
its probability is below `t_type_low` and suggests a type at `t_type_add` or more (textmodel.decide_types).

`SETS` are labelled sets that no rule work had read when the exploitation rules last changed (c252a4e,
nineteenth session). Each in turn is the test set: the model is trained on the training splits less it, the
thresholds are chosen on the others (each scored by a model trained without it and without the test
set) for the best exploitation-type micro-F1, and the test set is then scored. `--choose` picks the
packaged thresholds on all of them pooled, each scored by a model trained without it, and changes the
packaged ones only if its choice raises micro-F1 there by at least MIN_GAIN (changes_types; the rule the
text model's training and its indicator thresholds follow, screening_model_validation.py). Frozen sets are
never read.

The rules' types, and which texts hold an indicator, come from the packaged detector with its type weights
taken out: its indicators are reviewed by the packaged model, which trained on these sets. That decides
only which texts get a type at all, and the rules' and the model's figures share it. Prints micro-P, R and
F1 of the types, the rules alone against the rules with the model, and per type over all the test sets.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import train_screening_model as packaged_model  # noqa: E402  (its T_TYPE_* are the packaged thresholds)
from screening_eval import Tally, load_splits  # noqa: E402
from screening_model_validation import MIN_GAIN, rise  # noqa: E402
from train_screening_model import TRAINING_SPLITS, train  # noqa: E402

from tiaki.screening import detector  # noqa: E402
from tiaki.screening.normalise import normalise  # noqa: E402
from tiaki.screening.taxonomy import ILO_CODES  # noqa: E402
from tiaki.screening.textmodel import TextModel, decide_types, load_text_model, reviews  # noqa: E402

SETS = (
    "fresh34",
    "fresh37",
    "fresh38",
    "fresh39",
    "fresh40",
    "fresh41",
    "fresh42",
    "fresh43",
    "fresh44",
    "fresh45",
    "fresh46",
)
T_TYPE_LOW = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4)
T_TYPE_ADD = (0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 1.01)  # 1.01: never suggest


def screened(split: str) -> list[dict]:
    """A split's rows with the detector's indicators and the rules' types (the model's type weights out)."""
    rows = load_splits((split,))
    packaged = load_text_model()
    without_types = dataclasses.replace(packaged, types=())
    detector.load_text_model = lambda *args: without_types  # type: ignore[assignment]
    try:
        results = list(detector.detect_many((row["text"], row["lang"]) for row in rows))
    finally:
        detector.load_text_model = load_text_model  # type: ignore[assignment]
    for row, result in zip(rows, results, strict=True):
        row["norm"] = normalise(row["text"]).text
        row["indicator"] = bool(result.codes & set(ILO_CODES))
        # The model has a say over the types where it reviewed the text (Screener.review).
        row["reviewed"] = reviews(row["norm"]) and "screened_without_diacritics" not in result.notes
        row["rules"] = {finding.code for finding in result.exploitation_types}
    return rows


class Models:
    """Models trained without given sets, each trained once."""

    def __init__(self) -> None:
        self._trained: dict[frozenset[str], TextModel] = {}

    def without(self, *splits: str) -> TextModel:
        key = frozenset(splits)
        if key not in self._trained:
            print(f"  training without {', '.join(sorted(key))}", flush=True)
            # Only `no_indicator` besides the types: the ILO targets play no part here.
            self._trained[key] = train(tuple(s for s in TRAINING_SPLITS if s not in key), targets=())
        return self._trained[key]


def probabilities(model: TextModel, rows: list[dict]) -> list[dict[str, float]]:
    matrix = model.type_probabilities_many([row["norm"] for row in rows])
    return [dict(zip(model.types, p.tolist(), strict=True)) for p in matrix]


def named(
    rows: list[dict], probs: list[dict[str, float]] | None, t_low: float, t_add: float
) -> list[set[str]]:
    """The types the detector names in each row: the rules' alone (probs None), or with the model's say (only
    in a text with an indicator: elsewhere the rules' explicit cues alone name a type)."""
    out: list[set[str]] = []
    for row, p in zip(rows, probs or [None] * len(rows), strict=True):
        if p is None or not row["indicator"] or not row["reviewed"]:
            out.append(set(row["rules"]))
        else:
            review = decide_types(p, row["rules"], t_low, t_add)
            out.append(set(review.kept) | set(review.suggested))
    return out


def tally(rows: list[dict], preds: list[set[str]]) -> Tally:
    """The types' true and false positives and false negatives, as screening_eval counts them."""
    counts = Tally()
    for row, pred in zip(rows, preds, strict=True):
        counts.add(set(row.get("exploitation", ())), pred)
    return counts


def show(label: str, counts: Tally) -> str:
    p, r, f = counts.micro()
    return f"{label:44} F1 {f:.3f}  P {p:.3f}  R {r:.3f}"


def choose(rows: list[dict], probs: list[dict[str, float]]) -> tuple[float, float]:
    """The thresholds with the best micro-F1 (ties: the lower t_type_low, then the higher t_type_add)."""
    options = [
        (round(tally(rows, named(rows, probs, low, add)).micro()[2], 4), -low, add, low)
        for low in T_TYPE_LOW
        for add in T_TYPE_ADD
    ]
    best = max(options)
    return best[3], best[2]


def changes_types(chosen: float, packaged: float) -> bool:
    """Whether the packaged type thresholds give way to a choice, from the pooled micro-F1 of each: only
    for a rise of at least MIN_GAIN, both rounded to four places (twenty-eighth session, set before the
    choice it applies to: a flat choice should not move the detector)."""
    return rise(chosen, packaged) >= MIN_GAIN


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--choose", action="store_true", help="choose the packaged thresholds")
    args = parser.parse_args()
    rows = {split: screened(split) for split in SETS}
    models = Models()
    if args.choose:
        pooled = [row for split in SETS for row in rows[split]]
        probs = [p for split in SETS for p in probabilities(models.without(split), rows[split])]
        chosen = choose(pooled, probs)
        packaged = (packaged_model.T_TYPE_LOW, packaged_model.T_TYPE_ADD)
        print(show(f"{' + '.join(SETS)}, rules alone", tally(pooled, named(pooled, None, 0, 0))))
        scores = {}
        for label, (t_low, t_add) in (("chosen", chosen), ("packaged", packaged)):
            counts = tally(pooled, named(pooled, probs, t_low, t_add))
            scores[label] = counts.micro()[2]
            print(show(f"with the model, {label} (t_type_low {t_low}, t_type_add {t_add})", counts))
        final = chosen if changes_types(scores["chosen"], scores["packaged"]) else packaged
        verdict = "change them" if final != packaged else "keep them"
        print(
            f"thresholds: T_TYPE_LOW = {final[0]}, T_TYPE_ADD = {final[1]} "
            f"({verdict}; scripts/train_screening_model.py)"
        )
        return
    tested: list[dict] = []
    rules_preds: list[set[str]] = []
    model_preds: list[set[str]] = []
    for test in SETS:
        others = [split for split in SETS if split != test]
        validation = [row for split in others for row in rows[split]]
        probs = [p for split in others for p in probabilities(models.without(test, split), rows[split])]
        t_low, t_add = choose(validation, probs)
        test_rows = rows[test]
        alone = named(test_rows, None, 0, 0)
        reviewed = named(test_rows, probabilities(models.without(test), test_rows), t_low, t_add)
        print(f"{test}: thresholds from {' + '.join(others)}: t_type_low {t_low}, t_type_add {t_add}")
        print(show("  rules alone", tally(test_rows, alone)))
        print(show("  with the model", tally(test_rows, reviewed)))
        tested.extend(test_rows)
        rules_preds.extend(alone)
        model_preds.extend(reviewed)
    rules_total, model_total = tally(tested, rules_preds), tally(tested, model_preds)
    print(show("all test sets, rules alone", rules_total))
    print(show("all test sets, with the model", model_total))
    print(f"{'type':20} {'rules P':>8} {'R':>6} {'F1':>6} {'model P':>8} {'R':>6} {'F1':>6} {'support':>8}")
    for code in sorted(rules_total.codes() | model_total.codes()):
        before, after = rules_total.of(code), model_total.of(code)
        figures = " ".join(f"{x:{w}.3f}" for x, w in zip((*before, *after), (8, 6, 6, 8, 6, 6), strict=True))
        print(f"{code:20} {figures} {model_total.support(code):8d}")


if __name__ == "__main__":
    main()
