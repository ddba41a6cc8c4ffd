"""Long narratives: does the sentences' pull suggest indicators by chance where a text has many sentences?

Usage:
    uv run python benchmarks/screening_long_narratives.py

`fresh32` holds 360 long narratives (a median 1,115 characters, up to about twenty sentences), written by
three pairs of helpers, each pair for three languages (WRITERS). Each pair's items are screened by the
current rules (which have not seen the set) and reviewed by a model trained on the other pairs' items and
the training splits without `fresh32` (three folds: no writer's wording is both learnt and tested), at the
packaged thresholds. Every item is reviewed twice in the same run: with the full pull towards the most
likely sentence (SENTENCE_PULL at any length, before the eighteenth session) and with the pull the review
uses (`sentence_pull`: shrinking beyond PULL_SENTENCES sentences). Prints micro-F1, P, R and the
false-positive rate on the narratives without an indicator, overall and for the items of more than
PULL_SENTENCES sentences. Takes about a minute and a half (three models are trained).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from screening_eval import load_splits  # noqa: E402
from screening_model_validation import score, screened, show, without  # noqa: E402
from train_screening_model import T_ADD, T_LOW, T_NEG  # noqa: E402

from tiaki.screening.normalise import normalise  # noqa: E402
from tiaki.screening.rules import RULES_DIR  # noqa: E402
from tiaki.screening.taxonomy import ILO_CODES  # noqa: E402
from tiaki.screening.textmodel import (  # noqa: E402
    NO_INDICATOR,
    PULL_SENTENCES,
    SENTENCE_PULL,
    TextModel,
    decide,
    fit,
    reviews,
    sentence_pull,
    sentences,
)

SPLIT = "fresh32"
# The languages each pair of helpers wrote (seventeenth session): a fold holds one pair's items.
WRITERS = ({"en", "my", "ms"}, {"vi", "ta", "th"}, {"id", "si", "mi"})


def parts(model: TextModel, text: str) -> tuple[np.ndarray, np.ndarray]:
    """The text's probabilities and its sentences' (rows), in the order of model.targets."""
    pieces = sentences(text)
    rows = model.probabilities_many(pieces) if pieces else np.zeros((0, len(model.targets)))
    return model.probabilities_many([text])[0], rows


def pulled(
    whole: np.ndarray, rows: np.ndarray, targets: tuple[str, ...], factor: Callable[[int], float]
) -> dict[str, float]:
    """What the review reads (TextModel.scores) with the pull `factor(number of sentences)`."""
    p = whole.copy()
    if len(rows):
        lift = factor(len(rows)) * np.maximum(rows.max(axis=0) - whole, 0.0)
        lift[targets.index(NO_INDICATOR)] = 0.0
        p += lift
    return dict(zip(targets, p.tolist(), strict=True))


def main() -> None:
    rows = screened(SPLIT, RULES_DIR)
    base = load_splits(without(SPLIT))
    ways: dict[str, Callable[[int], float]] = {
        "full pull": lambda n: SENTENCE_PULL,
        "pull shrinking (packaged)": sentence_pull,
    }
    preds: dict[str, list[set[str]]] = {name: [] for name in ways}
    order: list[dict] = []
    for fold, langs in enumerate(WRITERS, 1):
        test = [r for r in rows if r["lang"] in langs]
        train = base + [r for r in rows if r["lang"] not in langs]
        print(f"fold {fold}: testing {len(test)} items in {', '.join(sorted(langs))}", flush=True)
        model = fit(
            [normalise(r["text"]).text for r in train],
            [set(r["codes"]) for r in train],
            tuple(ILO_CODES),
            t_low=T_LOW,
            t_neg=T_NEG,
        )
        for row in test:
            whole, sentence_rows = parts(model, row["norm"])
            row["sentences"] = len(sentence_rows)
            for name, factor in ways.items():
                if not reviews(row["norm"]):
                    preds[name].append(set(row["pred"]))
                    continue
                review = decide(
                    pulled(whole, sentence_rows, model.targets, factor), row["pred"], T_LOW, T_NEG, T_ADD
                )
                preds[name].append(set(review.kept) | set(review.suggested))
        order.extend(test)
    many = [i for i, row in enumerate(order) if row["sentences"] > PULL_SENTENCES]
    print(f"\n{SPLIT}, three folds by writer pair, thresholds {T_LOW} / {T_NEG} / {T_ADD}")
    print(show("rules alone", score(order, [set(r["pred"]) for r in order])))
    for name in ways:
        print(show(name, score(order, preds[name])))
    print(f"\nthe {len(many)} items of more than {PULL_SENTENCES} sentences:")
    for name in ways:
        print(show(name, score([order[i] for i in many], [preds[name][i] for i in many])))


if __name__ == "__main__":
    main()
