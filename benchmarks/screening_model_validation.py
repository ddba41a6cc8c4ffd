"""Does the statistical layer (tiaki.screening.textmodel) improve the rules on text they had not seen?

Usage:
    uv run python benchmarks/screening_model_validation.py            # every test point (A to Z, E2, F2)
    uv run python benchmarks/screening_model_validation.py --point F  # one of them
    uv run python benchmarks/screening_model_validation.py --choose   # the packaged model's thresholds
    uv run python benchmarks/screening_model_validation.py --train-check fresh46 --jobs 2  # train on it?

Tuning-set figures cannot answer this: the rules are fitted to the tuning splits, so there they look
nearly perfect and any layer can only hurt. Each test point instead uses the rules of a past commit on the
labelled set written after it, which those rules had not seen (the rule files of that commit are taken
from git, so this needs a clone with history):

- A: `fresh10` with the rules of bebba12; the layer's thresholds chosen on `fresh8` with the rules of
  938e865 (which had not seen it), the model trained without `fresh10` (and without `fresh8` for the
  choice);
- B: `fresh8` with the rules of 938e865; thresholds chosen on `fresh6` with the rules of fc83825;
- C: `fresh11` with the rules of dce2873 (before the sixth session's rule work); thresholds chosen on
  `fresh10` with the rules of bebba12;
- D: `fresh12` with the rules of cc637d7 (the sixth session's final rules; fresh12 was written after
  them); thresholds chosen on `fresh11` with the rules of dce2873;
- E: `fresh13` with the rules of 312833f; thresholds chosen on `fresh12` with the rules of cc637d7;
- F: `fresh14` with the rules of dd70fcf; thresholds chosen on `fresh13` with the rules of 312833f;
- G: `fresh15` with the rules of 6ec90a4; thresholds chosen on `fresh14` with the rules of dd70fcf;
- H: `fresh16` with the rules of 28d674d; thresholds chosen on `fresh15` with the rules of 6ec90a4;
- I: `fresh17` with the rules of 08b6bff; thresholds chosen on `fresh16` with the rules of 28d674d;
- J: `fresh18` with the rules of 94f504d; thresholds chosen on `fresh17` with the rules of 08b6bff;
- K: `fresh19` with the rules of d125fe1 (the fourteenth session's final rules, which had read it only in
  aggregate); thresholds chosen on `fresh18` with the rules of 94f504d;
- L: `fresh20` with the rules of 6d36932 (the sixteenth session's rules, which had read it only in aggregate);
  thresholds chosen on `fresh19` with the rules of d125fe1;
- M: `fresh21` with the rules of 6d36932 (still the rules in the seventeenth session, which read it only in
  aggregate); thresholds chosen on `fresh20` with the same rules;
- N: `fresh28` with the rules of 6d36932 (still the rules in the eighteenth session, which had read it only in
  aggregate); thresholds chosen on `fresh21` with the same rules;
- O: `fresh33` with the rules of 6d36932 (still the rules in the nineteenth session, which had read it only in
  aggregate); thresholds chosen on `fresh28` with the same rules;
- P: `fresh34` with the rules of 6d36932 (still the rules in the twentieth session, which had read it only in
  aggregate); thresholds chosen on `fresh33` with the same rules;
- Q: `fresh37` (long narratives) with the rules of 6d36932 (still the ILO rules in the twenty-first session,
  which had read it only in aggregate); thresholds chosen on `fresh34` with the same rules;
- R: `fresh38` (half short, half long) with the rules of 6d36932 (still the ILO rules in the twenty-second
  session, which had read it only in aggregate); thresholds chosen on `fresh34` and `fresh37` with the same
  rules, as the packaged ones were while it was unseen;
- S: `fresh39` (half short, half long) with the rules of 6d36932 (still the ILO rules in the twenty-third
  session, which had read it only in aggregate); thresholds chosen on `fresh37` and `fresh38` with the same
  rules, as the packaged ones were while it was unseen;
- T: `fresh40` (long narratives) with the rules of 6d36932 (still the ILO rules in the twenty-fourth session,
  which had read it only in aggregate); thresholds chosen on `fresh38` and `fresh39` with the same rules, as
  the packaged ones were while it was unseen;
- U: `fresh41` (half short, half long) with the rules of 6d36932 (still the ILO rules in the twenty-fifth
  session, which had read it only in aggregate); thresholds chosen on `fresh39` and `fresh40` with the same
  rules, as the packaged ones were while it was unseen;
- V: `fresh42` (half short, half long) with the rules of 6d36932 (still the ILO rules in the twenty-sixth
  session, which had read it only in aggregate); thresholds chosen on `fresh40` and `fresh41` with the same
  rules, as the packaged ones were while it was unseen;
- W: `fresh43` (long narratives) with the rules of 6d36932 (still the ILO rules in the twenty-seventh
  session, which had read it only in aggregate); thresholds chosen on `fresh41` and `fresh42` with the same
  rules, as the packaged ones were while it was unseen;
- X: `fresh44` (half short, half long) with the rules of 6d36932 (still the ILO rules in the twenty-eighth
  session, which had read it only in aggregate); thresholds chosen on `fresh42` and `fresh43` with the same
  rules, as the packaged ones were while it was unseen;
- Y: `fresh45` (long narratives) with the rules of 6d36932 (still the ILO rules in the twenty-ninth
  session, which had read it only in aggregate); thresholds chosen on `fresh43` and `fresh44` with the same
  rules, as the packaged ones were while it was unseen;
- Z: `fresh46` (half short, half long) with the rules of 6d36932 (still the ILO rules in the thirtieth
  session, which had read it only in aggregate); thresholds chosen on `fresh44` and `fresh45` with the same
  rules, as the packaged ones were while it was unseen;
- E2, F2: as E and F, the thresholds chosen on the two sets before the test set together. That was no
  better (eleventh session: E2 0.866 against E 0.890; F2 the same as F), so the packaged thresholds come
  from the newest set alone (with `LONG`, below).

Since the twentieth session every point's validation set is pooled with two sets of long narratives that
the rules of 6d36932 had not seen (`LONG`; each row's probabilities from a model trained without its own set
and the test set): the short sets alone do not show how the thresholds treat a long case file.
`--choose` picks the packaged thresholds the same way, on the two newest spent sets (`CHOICE`) with
`LONG`, each set's model trained without that split. `t_low` (dropping one finding) is chosen first, then
`t_add` (suggesting) with it, from 0.5 up: a suggestion must be more likely than not. `t_neg` (dropping
every finding) is 0.5: "no indicator" more likely than not (see T_NEG). Since the twenty-seventh session a
choice replaces the packaged thresholds only if it raises micro-F1 on those sets by at least MIN_GAIN (or
the packaged ones miss the false-positive target there): see changes_thresholds. The unseen sets (status
"unseen" in data/screening_eval/MANIFEST.toml) are never read. The models are trained on today's training
sets less the test and validation sets, so a point's figures can rise as later sets join them. Prints
micro-F1, P, R, the false-positive rate on the narratives without an indicator and the lowest language's F1:
rules alone, with the layer dropping only, and with its suggestions too.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import io
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import train_screening_model as packaged_model  # noqa: E402  (its T_* are the packaged thresholds)
from screening_eval import ALL_SPLITS, UNSEEN_SPLITS, Tally, load_splits  # noqa: E402
from train_screening_model import TRAINING_SPLITS, train  # noqa: E402

from tiaki.screening.detector import detect  # noqa: E402
from tiaki.screening.normalise import normalise  # noqa: E402
from tiaki.screening.taxonomy import ILO_CODES  # noqa: E402
from tiaki.screening.textmodel import decide, reviews  # noqa: E402

T_LOW = (0.0, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.06, 0.08, 0.10, 0.15)
# Every finding is dropped when "no indicator" is more likely than not, as a suggestion needs its indicator to
# be. Choosing t_neg too (0.5 to 0.98, or never) gave the same micro-F1 at points C-K (0.8889 against 0.8895)
# with more false positives on negatives (mean 2.7% against 1.9%, worst point 6.8% against 3.6%): the higher
# t_neg one set preferred let through the next set's negatives (fifteenth session, docs/screening.md).
T_NEG = 0.5
T_ADD = (*(round(0.5 + 0.05 * i, 2) for i in range(10)), 1.01)  # 1.01: never suggest
RULES = "src/tiaki/screening/data/rules"
POINTS: dict[str, tuple[tuple[str, str], tuple[tuple[str, str], ...]]] = {
    "A": (("fresh10", "bebba12"), (("fresh8", "938e865"),)),
    "B": (("fresh8", "938e865"), (("fresh6", "fc83825"),)),
    "C": (("fresh11", "dce2873"), (("fresh10", "bebba12"),)),
    "D": (("fresh12", "cc637d7"), (("fresh11", "dce2873"),)),
    "E": (("fresh13", "312833f"), (("fresh12", "cc637d7"),)),
    "F": (("fresh14", "dd70fcf"), (("fresh13", "312833f"),)),
    "G": (("fresh15", "6ec90a4"), (("fresh14", "dd70fcf"),)),
    "H": (("fresh16", "28d674d"), (("fresh15", "6ec90a4"),)),
    "I": (("fresh17", "08b6bff"), (("fresh16", "28d674d"),)),
    "J": (("fresh18", "94f504d"), (("fresh17", "08b6bff"),)),
    "K": (("fresh19", "d125fe1"), (("fresh18", "94f504d"),)),
    "L": (("fresh20", "6d36932"), (("fresh19", "d125fe1"),)),
    "M": (("fresh21", "6d36932"), (("fresh20", "6d36932"),)),
    "N": (("fresh28", "6d36932"), (("fresh21", "6d36932"),)),
    "O": (("fresh33", "6d36932"), (("fresh28", "6d36932"),)),
    "P": (("fresh34", "6d36932"), (("fresh33", "6d36932"),)),
    "Q": (("fresh37", "6d36932"), (("fresh34", "6d36932"),)),
    "R": (("fresh38", "6d36932"), (("fresh34", "6d36932"), ("fresh37", "6d36932"))),
    "S": (("fresh39", "6d36932"), (("fresh37", "6d36932"), ("fresh38", "6d36932"))),
    "T": (("fresh40", "6d36932"), (("fresh38", "6d36932"), ("fresh39", "6d36932"))),
    "U": (("fresh41", "6d36932"), (("fresh39", "6d36932"), ("fresh40", "6d36932"))),
    "V": (("fresh42", "6d36932"), (("fresh40", "6d36932"), ("fresh41", "6d36932"))),
    "W": (("fresh43", "6d36932"), (("fresh41", "6d36932"), ("fresh42", "6d36932"))),
    "X": (("fresh44", "6d36932"), (("fresh42", "6d36932"), ("fresh43", "6d36932"))),
    "Y": (("fresh45", "6d36932"), (("fresh43", "6d36932"), ("fresh44", "6d36932"))),
    "Z": (("fresh46", "6d36932"), (("fresh44", "6d36932"), ("fresh45", "6d36932"))),
    # Thresholds from two pairs together (eleventh session): no better than from the newest alone (E, F).
    "E2": (("fresh13", "312833f"), (("fresh11", "dce2873"), ("fresh12", "cc637d7"))),
    "F2": (("fresh14", "dd70fcf"), (("fresh12", "cc637d7"), ("fresh13", "312833f"))),
}
# The newest labelled sets with the rules that had not seen them (the two newest points' tests): where the
# packaged thresholds come from, with LONG, so that the choice reads short messages as well as long case
# files. `fresh37` alone with LONG (long narratives only) chose the same thresholds (twenty-first session),
# and so did `fresh34` with `fresh37` before `fresh38` (half short, half long) took `fresh34`'s place
# (twenty-second), and `fresh37` with `fresh38` before `fresh39` took `fresh37`'s (twenty-third), and
# `fresh38` with `fresh39` before `fresh40` (long) took `fresh38`'s (twenty-fourth), and `fresh39` with
# `fresh40` before `fresh41` (half short, half long) took `fresh39`'s (twenty-fifth), and `fresh40` with
# `fresh41` before `fresh42` (half short, half long) took `fresh40`'s (twenty-sixth), and `fresh41` with
# `fresh42` before `fresh43` (long) took `fresh41`'s (twenty-seventh), and `fresh42` with `fresh43` before
# `fresh44` (half short, half long) took `fresh42`'s (twenty-eighth), and `fresh43` with `fresh44` before
# `fresh45` (long) took `fresh43`'s (twenty-ninth), and `fresh44` with `fresh45` before `fresh46` (half
# short, half long) took `fresh44`'s (thirtieth).
CHOICE = (POINTS["Y"][0], POINTS["Z"][0])
# Where a spent set is checked before the packaged model trains on it (`--train-check`): every point from C
# on (A and B had few sets to train on; E2 and F2 repeat E and F) whose test and validation sets do not
# include it. Until the twenty-sixth session the check read C-K alone (fresh11 to fresh19, short
# narratives); from the twenty-seventh it reads the later points too, whose long and mixed sets are the kind
# of report the short ones are not, and asks for a minimum effect: training on `fresh42` moved the mean by
# -0.0007 at C-K and +0.0009 at L-U, what one set's wording moves a mean by either way. The rule, fixed
# before the run: train on the set if the mean micro-F1 rises by at least MIN_GAIN and the mean false
# positives on negatives do not rise (both rounded to four places), as the issue asks of a statistical
# layer: only where it measurably improves a held-out evaluation.
TRAIN_CHECK_FROM = "C"
# Points that repeat another with other validation sets: not judged again. The points after Z are AA, AB,
# ...: judged in the order POINTS lists them, not by name.
REPEATS = frozenset({"E2", "F2"})
MIN_GAIN = 0.001
# Sets of long narratives (150-300 words, indicators in passing) with rules that had not seen them, pooled
# with every choice's validation set: the short sets alone chose a `t_low` the long sets' narratives did
# not bear out (0.04 on fresh33; on the long sets 0.15 gave micro-F1 0.843 against 0.823, false positives
# on negatives 5.4% against 6.9%). At points C-K pooling them kept the mean micro-F1 (0.9122 both) and cut
# false positives on negatives from 1.17% to 0.83%, the worst point's from 3.6% to 1.8% (twentieth
# session, docs/screening.md).
LONG = (("fresh32", "6d36932"), ("fresh36", "6d36932"))
# The target for false positives on narratives without an indicator: thresholds are chosen for the
# best micro-F1 among those that meet it on the validation set.
FP_TARGET = 0.05


def old_rules(commit: str, into: Path) -> Path:
    """The rule files of a past commit, extracted from git."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, RULES], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / RULES


def screened(split: str, rules_dir: Path) -> list[dict]:
    """A split's rows with the rules' ILO findings (rules alone, no layer) and the normalised text."""
    rows = load_splits((split,))
    for row in rows:
        result = detect(row["text"], model=False, rules_dir=rules_dir)
        row["pred"] = {ind.code for ind in result.indicators if ind.code in ILO_CODES}
        row["norm"] = normalise(row["text"]).text
    return rows


def probabilities(train_splits: tuple[str, ...], rows: list[dict]) -> list[dict[str, float]]:
    """Each row's model probabilities, the model trained (as packaged) on the given splits."""
    model = train(train_splits, t_low=0.0, t_neg=1.01)  # thresholds are chosen here, not used
    return [model.scores(r["norm"]) for r in rows]


def reviewed(
    rows: list[dict], probs: list[dict[str, float]], t_low: float, t_neg: float, t_add: float = 1.01
) -> list[set[str]]:
    """What the layer would keep of each row's rule findings, and suggest, with these thresholds."""
    out = []
    for row, p in zip(rows, probs, strict=True):
        if not reviews(row["norm"]):
            out.append(set(row["pred"]))
            continue
        review = decide(p, row["pred"], t_low, t_neg, t_add)
        out.append(set(review.kept) | set(review.suggested))
    return out


def score(rows: list[dict], preds: list[set[str]]) -> dict[str, float | str]:
    """Micro-F1, P, R and false positives on negatives (screening_eval's tallies), and the lowest
    language's micro-F1."""
    overall, by_lang = Tally(), defaultdict[str, Tally](Tally)
    for row, pred in zip(rows, preds, strict=True):
        gold = set(row["codes"])
        overall.add(gold, pred)
        by_lang[row["lang"]].add(gold, pred)
    p, r, f = overall.micro()
    lowest = min(by_lang, key=lambda lang: by_lang[lang].micro()[2])
    return {
        "F1": f,
        "P": p,
        "R": r,
        "FP": overall.fp_rate(),
        "low": by_lang[lowest].micro()[2],
        "lang": lowest,
    }


def show(label: str, s: dict[str, float | str]) -> str:
    return (
        f"{label:34} F1 {s['F1']:.3f}  P {s['P']:.3f}  R {s['R']:.3f}  FP on negatives {s['FP']:.3f}  "
        f"lowest {s['lang']} {s['low']:.3f}"
    )


def _best(options: list[tuple[float, dict[str, float | str], object]]) -> object:
    """The option with the best micro-F1 among those whose false-positive rate on negatives meets the
    target (all of them when none does); ties: the first, i.e. the most conservative."""
    meeting = [o for o in options if float(o[1]["FP"]) <= FP_TARGET] or options
    return max(meeting, key=lambda o: (round(float(o[1]["F1"]), 4), -o[0]))[2]


def choose(rows: list[dict], probs: list[dict[str, float]]) -> float:
    """The threshold for dropping one finding with the best micro-F1 on a validation set (`t_neg` being
    T_NEG), false positives on negatives within the target (ties: fewer false positives)."""
    options: list[tuple[float, dict[str, float | str], object]] = []
    for t_low in T_LOW:
        s = score(rows, reviewed(rows, probs, t_low, T_NEG))
        options.append((float(s["FP"]), s, t_low))
    chosen = _best(options)
    assert isinstance(chosen, float)
    return chosen


def choose_add(rows: list[dict], probs: list[dict[str, float]], t_low: float, t_neg: float) -> float:
    """The suggestion threshold with the best micro-F1 on a validation set given the dropping ones, false
    positives on negatives within the target (ties: the higher threshold, fewer suggestions)."""
    options: list[tuple[float, dict[str, float | str], object]] = []
    for t_add in sorted(T_ADD, reverse=True):
        s = score(rows, reviewed(rows, probs, t_low, t_neg, t_add))
        options.append((-t_add, s, t_add))
    chosen = _best(options)
    assert isinstance(chosen, float)
    return chosen


def without(*splits: str, training: tuple[str, ...] = TRAINING_SPLITS) -> tuple[str, ...]:
    return tuple(s for s in training if s not in splits)


def validation_set(
    pairs: tuple[tuple[str, str], ...],
    tmp: Path,
    *,
    also_without: tuple[str, ...] = (),
    training: tuple[str, ...] = TRAINING_SPLITS,
) -> tuple[list[dict], list[dict[str, float]]]:
    """The rows of labelled sets screened by the rules that had not seen them, and each row's model
    probabilities from a model trained on `training` without its own set (nor `also_without`)."""
    rows: list[dict] = []
    probs: list[dict[str, float]] = []
    for split, commit in pairs:
        split_rows = screened(split, old_rules(commit, tmp / commit))
        rows.extend(split_rows)
        probs.extend(probabilities(without(*also_without, split, training=training), split_rows))
    return rows, probs


def named(pairs: tuple[tuple[str, str], ...]) -> str:
    return " + ".join(f"{split} @ {commit}" for split, commit in pairs)


def long_pairs(
    validation: tuple[tuple[str, str], ...], test: str | None = None
) -> tuple[tuple[str, str], ...]:
    """The LONG pairs pooled with a validation set: those not already in it, nor the test split."""
    return tuple(pair for pair in LONG if pair not in validation and pair[0] != test)


def thresholds(rows: list[dict], probs: list[dict[str, float]]) -> tuple[float, float, float]:
    """`t_low`, `t_neg` and `t_add` chosen on a (pooled) validation set."""
    t_low, t_neg = choose(rows, probs), T_NEG
    return t_low, t_neg, choose_add(rows, probs, t_low, t_neg)


def point_thresholds(
    name: str, tmp: Path, training: tuple[str, ...] = TRAINING_SPLITS
) -> tuple[float, float, float]:
    """A test point's thresholds, chosen on its validation set pooled with the long sets."""
    (test_split, _commit), validation = POINTS[name]
    pooled = (*validation, *long_pairs(validation, test_split))
    return thresholds(*validation_set(pooled, tmp, also_without=(test_split,), training=training))


def test_point(name: str, tmp: Path) -> None:
    test, validation = POINTS[name]
    print(f"\n{name}: {test[0]} with the rules of {test[1]}; thresholds from {named(validation)} + long")
    t_low, t_neg, t_add = point_thresholds(name, tmp)
    rows, probs = validation_set((test,), tmp)
    print(show("rules alone", score(rows, [set(r["pred"]) for r in rows])))
    print(
        show(
            f"layer dropping (t_low {t_low}, t_neg {t_neg})", score(rows, reviewed(rows, probs, t_low, t_neg))
        )
    )
    print(show(f"and suggesting (t_add {t_add})", score(rows, reviewed(rows, probs, t_low, t_neg, t_add))))


def train_check_points(split: str) -> list[str]:
    """The points a spent set is judged at: from TRAIN_CHECK_FROM on, those that do not read it."""
    names = [name for name in POINTS if name not in REPEATS]
    names = names[names.index(TRAIN_CHECK_FROM) :]
    return [name for name in names if split not in _reads(name)]


def _reads(name: str) -> set[str]:
    """The labelled sets a point reads: its test set and its validation sets."""
    test, validation = POINTS[name]
    return {test[0], *(s for s, _ in validation)}


def _point_score(name: str, training: tuple[str, ...]) -> tuple[tuple[float, float, float], dict]:
    """A point's thresholds and its test set's score, the models trained on `training` (a process of its
    own may run this: its rule files are extracted into a directory of its own)."""
    with tempfile.TemporaryDirectory() as tmp:
        t = point_thresholds(name, Path(tmp), training)
        rows, probs = validation_set((POINTS[name][0],), Path(tmp), training=training)
        return t, score(rows, reviewed(rows, probs, *t))


def train_check(split: str, points: Iterable[str] | None = None, jobs: int = 1) -> None:
    """Should the packaged model train on a spent set? The layer's micro-F1 (with suggestions) and false
    positives on negatives at each point of `train_check_points`, the models trained without the set and
    with it, and the verdict by the rule fixed before the run (see MIN_GAIN). Other points (not the set's
    own, nor one it chose thresholds for) print the same figures for information. `jobs` points run at once
    (one process each)."""
    judged = train_check_points(split)
    points = judged if points is None else list(points)
    if any(split in _reads(name) for name in points):
        raise SystemExit(f"{split} is the test or validation set of one of the points {' '.join(points)}")
    base = without(split)
    variants = {"without": base, "with": tuple(s for s in ALL_SPLITS if s in {*base, split})}
    means: dict[str, tuple[float, float, float]] = {}
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        for label, training in variants.items():
            print(
                f"\n{label} {split}: training on {len(training)} sets, points {' '.join(points)}", flush=True
            )
            f1s, fps = [], []
            for name, (t, s) in zip(
                points, pool.map(_point_score, points, [training] * len(points)), strict=True
            ):
                f1s.append(float(s["F1"]))
                fps.append(float(s["FP"]))
                print(f"  {show(f'{name} {POINTS[name][0][0]} {t}', s)}", flush=True)
            means[label] = (sum(f1s) / len(f1s), sum(fps) / len(fps), max(fps))
            f1, fp, worst = means[label]
            print(
                f"  mean micro-F1 {f1:.4f}, false positives on negatives {fp:.2%} (worst point {worst:.1%})"
            )
    if points != judged:
        print(f"\npoints {' '.join(points)}: for information; the rule is judged at {' '.join(judged)}")
        return
    trains = trains_on(means["with"][:2], means["without"][:2])
    gain = rise(means["with"][0], means["without"][0])
    fp_rise = rise(means["with"][1], means["without"][1])
    verdict = "train on it" if trains else "do not train on it"
    print(
        f"\nmean micro-F1 {gain:+.4f} (at least {MIN_GAIN:+.4f} asked), false positives on negatives "
        f"{fp_rise:+.2%} (no rise asked): {verdict} (trained = {str(trains).lower()} in the register)"
    )


def trains_on(with_set: tuple[float, float], without_set: tuple[float, float]) -> bool:
    """The rule (see MIN_GAIN): whether the model trains on a set, from the mean micro-F1 and false
    positives on negatives at the judged points with it and without it, each rounded to four places."""
    return rise(with_set[0], without_set[0]) >= MIN_GAIN and rise(with_set[1], without_set[1]) <= 0


def rise(new: float, old: float) -> float:
    """How much a figure rose, both rounded to four places as they are printed (so is the difference)."""
    return round(round(new, 4) - round(old, 4), 4)


def changes_thresholds(chosen: dict[str, float | str], packaged: dict[str, float | str]) -> bool:
    """Whether the packaged thresholds give way to a new choice, from both scored on the choice sets: when
    the packaged ones miss the false-positive target and the new ones meet it, or the new ones raise
    micro-F1 by at least MIN_GAIN (rounded to four places), as training on a set must (twenty-seventh
    session: a choice flat between two thresholds should not move the detector)."""
    if float(packaged["FP"]) > FP_TARGET:
        return float(chosen["FP"]) <= FP_TARGET
    return rise(float(chosen["F1"]), float(packaged["F1"])) >= MIN_GAIN


def choose_packaged(tmp: Path) -> None:
    """The packaged model's thresholds: chosen on CHOICE with LONG, kept as they are unless the choice
    changes them (changes_thresholds)."""
    rows, probs = validation_set(CHOICE, tmp)
    long_rows, long_probs = validation_set(long_pairs(CHOICE), tmp)
    pooled, pooled_probs = rows + long_rows, probs + long_probs
    chosen = thresholds(pooled, pooled_probs)
    packaged = (packaged_model.T_LOW, packaged_model.T_NEG, packaged_model.T_ADD)
    print(show(f"{named(CHOICE)}, rules alone", score(rows, [set(r["pred"]) for r in rows])))
    print(show("layer dropping (fitted on these + long)", score(rows, reviewed(rows, probs, *chosen[:2]))))
    print(show("and suggesting (fitted on these + long)", score(rows, reviewed(rows, probs, *chosen))))
    on_pooled = {
        label: score(pooled, reviewed(pooled, pooled_probs, *t))
        for label, t in (("chosen", chosen), ("packaged", packaged))
    }
    print(show(f"these + long, chosen {chosen}", on_pooled["chosen"]))
    print(show(f"these + long, packaged {packaged}", on_pooled["packaged"]))
    final = chosen if changes_thresholds(on_pooled["chosen"], on_pooled["packaged"]) else packaged
    verdict = "change them" if final != packaged else "keep them"
    print(
        f"thresholds: T_LOW = {final[0]}, T_NEG = {final[1]}, T_ADD = {final[2]} "
        f"({verdict}; scripts/train_screening_model.py)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--choose", action="store_true", help="pick the packaged model's thresholds")
    parser.add_argument("--point", action="append", choices=list(POINTS), help="run only these test points")
    parser.add_argument(
        "--train-check",
        metavar="SPLIT",
        choices=[split for split in ALL_SPLITS if split not in UNSEEN_SPLITS],
        help="whether the packaged model should train on this spent set (the points from C on that do not "
        "read it, without and with it; with --point, those points instead, for information)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="with --train-check: how many points run at once (one process each)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.choose:
            choose_packaged(Path(tmp))
            return
        if args.train_check:
            train_check(args.train_check, args.point, max(1, args.jobs))
            return
        for name in args.point or POINTS:
            test_point(name, Path(tmp))


if __name__ == "__main__":
    main()
