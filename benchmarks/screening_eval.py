"""Screening quality on labelled narratives: per-indicator P/R, micro-F1, negatives' FP rate per language.

Usage:
    uv run python benchmarks/screening_eval.py                 # dev split (used while writing rules)
    uv run python benchmarks/screening_eval.py --split heldout # held-out split (evaluate once, at the end)
    uv run python benchmarks/screening_eval.py --split fresh   # written after the rules were frozen (v1)
    uv run python benchmarks/screening_eval.py --split fresh2  # written after the second freeze
    uv run python benchmarks/screening_eval.py --split fresh3  # written after the third freeze
    uv run python benchmarks/screening_eval.py --split fresh4  # written after all rule work stopped
    uv run python benchmarks/screening_eval.py --split fresh5  # written before the recall work (9 languages)
    uv run python benchmarks/screening_eval.py --split fresh6  # written before the near-miss work, by others
    uv run python benchmarks/screening_eval.py --split fresh7  # tuning set of varied wording, by others
    uv run python benchmarks/screening_eval.py --split fresh8  # unseen in the fourth session's rule work
    uv run python benchmarks/screening_eval.py --split fresh10 # unseen in the fifth session's rule work
    uv run python benchmarks/screening_eval.py --split fresh11 # unseen in the sixth session's rule work
    uv run python benchmarks/screening_eval.py --split fresh12 # unseen until the seventh session's work
    uv run python benchmarks/screening_eval.py --split fresh13 # seventh session; tuning since the eleventh
    uv run python benchmarks/screening_eval.py --split fresh14 # eleventh session; tuning since its end
    uv run python benchmarks/screening_eval.py --split fresh15 # eleventh session; tuning since its end
    uv run python benchmarks/screening_eval.py --split fresh16 # eleventh session; tuning since the twelfth
    uv run python benchmarks/screening_eval.py --split fresh17 # twelfth session; tuning since the fourteenth
    uv run python benchmarks/screening_eval.py --split fresh18 # twelfth session; tuning since the fourteenth
    uv run python benchmarks/screening_eval.py --split fresh19 # thirteenth session; tuning since fifteenth
    uv run python benchmarks/screening_eval.py --split fresh20 # fourteenth session; tuning since sixteenth
    uv run python benchmarks/screening_eval.py --split fresh21 # fifteenth session; tuning since seventeenth
    uv run python benchmarks/screening_eval.py --split fresh22 # fifteenth session (so are 23-25); tuning
    uv run python benchmarks/screening_eval.py --split fresh26 # sixteenth session (so is 27); tuning
    uv run python benchmarks/screening_eval.py --split fresh28 # sixteenth session; tuning since eighteenth
    uv run python benchmarks/screening_eval.py --split fresh29 # sixteenth session (so is 30); tuning
    uv run python benchmarks/screening_eval.py --split fresh31 # seventeenth session (so is 32); tuning
    uv run python benchmarks/screening_eval.py --split fresh33 # seventeenth session; tuning since nineteenth
    uv run python benchmarks/screening_eval.py --split fresh34 # eighteenth session; tuning since twentieth
    uv run python benchmarks/screening_eval.py --split fresh35 # eighteenth session (so is 36); tuning
    uv run python benchmarks/screening_eval.py --split fresh37 # nineteenth session (long); tuning since 21st
    uv run python benchmarks/screening_eval.py --split fresh38 # twentieth session (mixed); tuning since 22nd
    uv run python benchmarks/screening_eval.py --split fresh39 # twenty-first session (mixed); tuning since 23
    uv run python benchmarks/screening_eval.py --split fresh40 # twenty-first session (long); tuning since 24
    uv run python benchmarks/screening_eval.py --split fresh41 # twenty-second session, kept unseen (mixed)
    uv run python benchmarks/screening_eval.py --split fresh42 # twenty-third session, kept unseen (mixed)
    uv run python benchmarks/screening_eval.py --split fresh43 # twenty-fourth session, kept unseen (long)
    uv run python benchmarks/screening_eval.py --split tune --show-errors   # dev, fresh..fresh40
    uv run python benchmarks/screening_eval.py --split all

fresh..fresh6 were each run once (fresh6: once before and once after a session's rule work), then used for
tuning; `tune` is what rule work may look at. heldout and fresh41..43 stay unseen (--show-errors refuses
them). fresh8 was run once before and once after the fourth session's rule work, then joined `tune`; so did
fresh10 in the fifth session and fresh11 (360 narratives, 40 per language, 166 without an indicator; sha256
79e0f595...) in the sixth. fresh12 (360 narratives, 40 per language, 164 without an indicator; sha256
5cd56bf1...) was written in the sixth session, after its rule work, by authors who saw neither the rules nor
the other sets; it was run on the sixth session's final detector, then once before and once after the seventh
session's text-model work, and joined `tune`. fresh13 (360 narratives, 40 per language, 162 without an
indicator; sha256 f3bb45a6...) was written in the seventh session the same way; it was run once on that
session's final detector, once before the eleventh session's work, and joined `tune`. fresh14 (360 narratives,
40 per language, 158 without an indicator; sha256 5b8128fc...) was written in the eleventh session by three
writers who saw neither the rules nor the other sets, from data/screening_eval/WRITING_GUIDE.md; it was run
once before and once after that session's rule work, chose the text model's thresholds, and joined `tune`.
fresh15 (360 narratives, 40 per language, 163 without an indicator; sha256 9f86f9ab...) was written at the
same time by three other writer-language pairings the same way; it was run once before and once after that
session's model work, then chose the thresholds and joined `tune` in turn. fresh16 (360 narratives, 40 per
language, 162 without an indicator; sha256 1f2d27d1...; written last in the eleventh session by a third set of
pairings) was run once before and once after that session's last rule and model work, and once before and once
after the twelfth session's first step (the model's character n-grams); it then chose the thresholds and
joined `tune`. fresh17 (360 narratives, 40 per language, 168 without an indicator; sha256 7d7db7ed...) was
written in the twelfth session from the same guide, by a fourth set of writer-language pairings, and run
before that session's work, after its first step, after its second (fresh16 joining `tune`) and after its
third (the model reads sentences); in the fourteenth session it chose the thresholds and joined `tune`.
fresh18 (360 narratives, 40 per language, 153 without an indicator; sha256 6e9574b4...) was written later in
the twelfth session by a fifth set of pairings and run once before and once after that session's third step;
in the fourteenth session it was run once before and once after that session's first step (fresh17 joining
`tune`), then chose the thresholds in turn and joined `tune`. fresh19 (360 narratives, 40 per language, 150
without an indicator; sha256 d45366c4...) was written in the thirteenth session by a sixth set of pairings
from the same guide and run once on that session's final detector, then once before the fourteenth session's
work, once after each of its three steps and once after its review; in the fifteenth session it chose the
thresholds and joined `tune`. fresh20 (360 narratives, 40 per language, 153 without an indicator; sha256
71aeb385...) was written in the fourteenth session by a seventh set of pairings (en, my, mi / vi, th, si / id,
ta, ms) and run once after each of that session's three steps and once after its review, once before and
once after the fifteenth session's work, and once after the sixteenth session's rule step; it then chose the
thresholds and joined `tune`. fresh21 (360 narratives, 40 per language, 170 without an indicator; sha256
7932b1dc...) was written in the fifteenth session by an eighth set of pairings (en, th, ta / vi, id, mi / si,
ms, my) and run once, on that session's final detector, then once after the sixteenth session's rule step and
once on its final detector, once in the seventeenth session (after a step later undone); it then chose the
thresholds (validation point M) and joined `tune`. fresh28 (360 narratives, 40 per language, 164 without an
indicator; sha256 7114fc6c...) was written in the sixteenth session by a ninth set of pairings (en, id, si /
vi, ms, my / th, ta, mi) and run once, on that session's final detector, three times in the seventeenth
session (after a step later undone, and twice on its final detector, before and after that undoing) and once
after the eighteenth session's first step; it then chose the thresholds (validation point N) and joined
`tune`. fresh33
(360 narratives, 40 per language, 158 without an indicator; sha256 89fccda7...) was written in the seventeenth
session by a tenth set of pairings (en, ta, th / vi, mi, si / id, my, ms) and run twice on that session's
final detector (before and after a short-text step was undone; the same figures), and once after each of
the eighteenth session's three steps; in the nineteenth session 10 of its narratives that tell of sex forced
with clients were given physical_sexual_violence (sha256 f8676b57... after it), it chose the thresholds
(validation point O) and joined `tune` (the text model does not train on it, as on fresh31: it lowered the
validation points' mean). fresh34 (360 narratives, 40 per language, 150 without an indicator;
sha256 8917b3d2...) was written in the eighteenth session by an eleventh set of pairings (en, id, si / vi,
my, mi / th, ms, ta) and run once before and once after fresh28 joined `tune`, and once after fresh35 and
fresh36 did, and once after the nineteenth session's work; in the twentieth 13 of its narratives that tell of
sex forced with clients were given physical_sexual_violence (sha256 51a38750... after it), it chose the
thresholds (validation point P, with the long sets) and joined `tune` (the text model trains on it: the
validation points' mean rose). fresh37 (360 narratives, 40 per language, 149
without an indicator; median 1,303 characters; sha256 c648669f...) was written in the nineteenth session by
a twelfth set of pairings (en, si, ms / vi, th, id / my, ta, mi), long narratives as fresh32 and fresh36, and
run once before and once after that session's work, and once before and once after the twentieth's; in the
twenty-first 11 of its narratives that tell of sex forced with clients were given physical_sexual_violence
(sha256 bd836dd5... after it), it chose the thresholds with fresh34 (validation point Q) and joined `tune`
(the text model trains on it: the validation points' mean rose).
fresh38 (360 narratives, 40 per language, 158 without an indicator; half short, half long, median 652
characters; sha256 9e86aeac...) was written in the twentieth session by a thirteenth set of pairings (en, th,
mi / vi, my, ms / id, si, ta) and run once before and once after that session's work, and three times in the
twenty-first; in the twenty-second 2 of its narratives that tell of sex forced with clients were given
physical_sexual_violence (sha256 68b67c53... after it), it was validation point R and joined `tune` (the text
model trains on it: the validation points' mean rose). fresh39 (360 narratives, 40 per language, 151 without
an indicator; half short, half long, median 624 characters; sha256 940af943...) was written in the
twenty-first session by a fourteenth set (en, mi, ta / vi, th, si / id, my, ms) and run once before that
session's changes and once after them, and once at the end of the twenty-second; in the twenty-third 3 of its
narratives that tell of sex forced with clients were given physical_sexual_violence (sha256 cd86cade... after
it), it was validation point S and joined `tune` (the text model does not train on it: the validation points'
mean fell). fresh40 (360 narratives, 40 per language, 150 without an indicator; long as fresh37, median 1,198
characters; sha256 9dbb2551...) was written at the end of the twenty-first session by a fifteenth set (en, th,
si / vi, ms, ta / id, my, mi) and run once on its final detector, and once at the end of the twenty-second and
of the twenty-third; in the twenty-fourth 9 of its narratives that tell of sex forced with clients were given
physical_sexual_violence (sha256 94071602... after it), it was validation point T and joined `tune` (the text
model does not train on it: the validation points' mean fell).
fresh41 (360 narratives, 40 per language, 151 without an indicator; half short, half long, median 639
characters; sha256 05f843ea...) was written in the twenty-second session by a sixteenth set (en, my, ta / vi,
id, si / th, ms, mi); 17 of its narratives that tell of sex forced with clients were given
physical_sexual_violence when it was put together; it was run once at the end of the twenty-third and of the
twenty-fourth. fresh42 (360 narratives, 40 per language, 149 without an indicator; half short, half long,
median 646 characters; sha256 e13f3bbf...) was written in the twenty-third session by a seventeenth set (en,
vi, mi / th, id, ta / my, ms, si); 5 of its narratives that tell of sex forced with clients were given
physical_sexual_violence when it was put together. fresh43 (360 narratives, 40 per language, 152 without an
indicator; long as fresh37, median 1,289 characters; sha256 34541c4c...) was written in the twenty-fourth
session by an eighteenth set (en, id, my / vi, th, si / ms, ta, mi); 14 of its narratives that tell of sex
forced with clients were given physical_sexual_violence when it was put together. In the fourteenth session 39
narratives of fresh5..fresh16 that tell of sex forced with clients gained physical_sexual_violence, as the
guide and the newer sets label it (the sha256 here are of the sets as written).
fresh6 (315 narratives, 35 per language, 132 without an indicator; sha256 6d8052c9...), fresh8 (360
narratives, 40 per language, 146 without an indicator; sha256 92fd90e4...) and fresh10 (360 narratives, 40 per
language, 159 without an indicator; sha256 78683069...) were written by authors who saw neither the rules nor
the other sets. fresh7 (540 narratives, 60 per language, 180 without an indicator) and fresh9 (the same size,
rich in indirect deception and abuse of vulnerability) were written the same way, asking for differently
worded positives per indicator and language, to tune recall on wording we did not write. Rows may carry
`exploitation` (HTCDS exploitation types); where they do, exploitation-type precision and recall are printed
too. fresh22 to fresh25 (360 narratives each, 40 per language, 144, 159, 153 and 161 without an indicator;
sha256 6538b2aa..., fdfa1e9a..., 560f635a... and 2b2dfb4c...) were written in the fifteenth session the same
way, each by its own set of pairings (en, vi, si / th, my, mi / id, ms, ta; en, id, my / vi, ta, mi / th, si,
ms; en, ms, th / vi, my, si / id, ta, mi; en, vi, ta / id, my, th / ms, si, mi), as tuning and training data
from the start: fresh22 asked for at least six abuse of vulnerability, abusive working and living conditions
and threat cases per language, fresh23 for the guide's usual mix, fresh24 for a quarter of longer narratives
that mix topics, fresh25 for at least four cases of each of the four weakest indicators. fresh26 and fresh27
(360 narratives each, 164 and 150 without an indicator; sha256 db2d48db... and c6b15c83...) were written in
the sixteenth session the same way as training data, by pairings en, mi, si / vi, th, ms / id, my, ta and
en, my, vi / th, ta, si / id, ms, mi: fresh26 asked for two thirds notes written about people by others
(case workers, officers, hotlines) and eight very short items per language, fresh27 for two thirds in the
person's own voice (chats, voice messages, posts). fresh29 and fresh30 (360 narratives each, 144 and 173
without an indicator; sha256 32dfd546... and 127152a9...) were written later in that session the same way,
by pairings en, th, my / vi, id, ta / si, ms, mi and en, vi, mi / th, id, si / my, ta, ms: fresh29 asked
for at least five indirect cases per language of each of abuse of vulnerability, threats, abusive conditions
and deception, with near-miss negatives on the same topics, fresh30 for the whole migration journey
(recruitment, transit, destination, return) across sectors and writers. fresh31 and fresh32 (360 narratives
each, 144 and 167 without an indicator; sha256 1921a0fa... and 8b7d9a28...) were written in the seventeenth
session the same way, by pairings en, ms, ta / vi, si, my / th, id, mi and en, my, ms / vi, ta, th / id, si,
mi: fresh31 asked for indirect restriction of movement, withheld wages, abusive conditions and isolation
with near-miss negatives, fresh32 for long narratives (150-300 words) whose indicators come in passing; 10
and 11 of their narratives that tell of sex forced with clients were given physical_sexual_violence when
they were put together. The text model trains on fresh32, not on fresh31 (scripts/train_screening_model.py).
fresh35 and fresh36 (360 narratives each, 158 and 166 without an indicator; sha256 41dd9283... and
502ba8d3...) were written in the eighteenth session the same way, by pairings en, my, ta / vi, id, ms / th,
si, mi and en, th, mi / vi, si, ms / id, my, ta: fresh35 for the guide's usual mix, fresh36 for long
narratives as fresh32; 6 and 5 of their narratives that tell of sex forced with clients were given
physical_sexual_violence when they were put together. Each was run once before the model trained on it.

The figures are those of `detect` as shipped: the rules, then the statistical layer that may drop their
findings and suggest others (src/tiaki/screening/textmodel.py). Beside them: the rules alone (`model=False`),
and the baseline, the same lexicon with negation, hypothetical and exclusion handling switched off (a keyword
matcher), run on the same narratives in the same process.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tiaki.screening.detector import detect  # noqa: E402
from tiaki.screening.taxonomy import ILO_CODES  # noqa: E402

DATA_DIR = Path(__file__).resolve().parent / "data" / "screening_eval"
ALL_SPLITS = [
    "dev",
    "heldout",
    *(f"fresh{n}" if n > 1 else "fresh" for n in range(1, 44)),
]
UNSEEN_SPLITS = {"heldout", "fresh41", "fresh42", "fresh43"}
# Everything not kept unseen, in ALL_SPLITS order (the text model is trained on these rows in this order).
TUNE_SPLITS = [split for split in ALL_SPLITS if split not in UNSEEN_SPLITS]


def load(split: str) -> list[dict]:
    """The rows of a split, or of every split (`all`) or the tuning splits (`tune`)."""
    if split == "all":
        return load_splits(ALL_SPLITS)
    if split == "tune":
        return load_splits(TUNE_SPLITS)
    return load_splits([split])


def load_splits(names: Iterable[str]) -> list[dict]:
    """The rows of the named splits, in order."""
    rows = []
    for name in names:
        with (DATA_DIR / f"{name}.jsonl").open(encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return rows


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


class Tally:
    def __init__(self) -> None:
        self.tp: Counter[str] = Counter()
        self.fp: Counter[str] = Counter()
        self.fn: Counter[str] = Counter()
        self.negatives = 0
        self.negatives_flagged = 0

    def add(self, gold: set[str], predicted: set[str]) -> None:
        for code in predicted & gold:
            self.tp[code] += 1
        for code in predicted - gold:
            self.fp[code] += 1
        for code in gold - predicted:
            self.fn[code] += 1
        if not gold:
            self.negatives += 1
            self.negatives_flagged += bool(predicted)

    def micro(self) -> tuple[float, float, float]:
        return f1(sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values()))

    def fp_rate(self) -> float:
        return self.negatives_flagged / self.negatives if self.negatives else 0.0

    def codes(self) -> set[str]:
        """Every code predicted or labelled."""
        return set(self.tp) | set(self.fp) | set(self.fn)

    def of(self, code: str) -> tuple[float, float, float]:
        """Precision, recall and F1 of one code."""
        return f1(self.tp[code], self.fp[code], self.fn[code])

    def support(self, code: str) -> int:
        """How many narratives are labelled with the code."""
        return self.tp[code] + self.fn[code]


def _base(tally: Tally) -> str:
    return f"{tally.micro()[2]:.3f}, {tally.fp_rate():.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=[*ALL_SPLITS, "tune", "all"], default="dev")
    parser.add_argument(
        "--given-lang", action="store_true", help="pass each row's language instead of detecting it"
    )
    parser.add_argument(
        "--show-errors", action="store_true", help="print every wrong narrative (not on unseen splits)"
    )
    args = parser.parse_args()
    if args.show_errors and args.split in (*UNSEEN_SPLITS, "all"):
        parser.error(
            f"--show-errors is for dev/tune splits only: {' and '.join(sorted(UNSEEN_SPLITS))} stay unseen"
        )
    rows = load(args.split)
    systems = {"full": Tally(), "rules": Tally(), "baseline": Tally()}
    by_lang: dict[str, dict[str, Tally]] = defaultdict(
        lambda: {"full": Tally(), "rules": Tally(), "baseline": Tally()}
    )
    lang_correct = 0
    types = Tally()
    typed_rows = 0
    for row in rows:
        gold = set(row["codes"])
        lang = row["lang"] if args.given_lang else None
        result = detect(row["text"], lang)
        rules_alone = detect(row["text"], lang, model=False)
        baseline = detect(row["text"], lang, context=False)
        lang_correct += result.language == row["lang"]
        for name, res in (("full", result), ("rules", rules_alone), ("baseline", baseline)):
            predicted = {ind.code for ind in res.indicators if ind.code in ILO_CODES}
            systems[name].add(gold, predicted)
            by_lang[row["lang"]][name].add(gold, predicted)
        predicted = {ind.code for ind in result.indicators if ind.code in ILO_CODES}
        if "exploitation" in row:
            typed_rows += 1
            found_types = {t.code for t in getattr(result, "exploitation_types", ())}
            types.add(set(row["exploitation"]), found_types)
            if args.show_errors and found_types != set(row["exploitation"]):
                print(
                    f"{row['id']} exploitation gold={sorted(row['exploitation'])} got={sorted(found_types)}"
                )
        if args.show_errors and predicted != gold:
            print(f"{row['id']} [{result.language}] gold={sorted(gold)} got={sorted(predicted)}")
            print(f"    {row['text']}")
            for ind in result.indicators:
                print(f"      {ind.code}: {ind.evidence!r}")
    print(
        f"split={args.split} narratives={len(rows)} "
        f"language detection accuracy={lang_correct / len(rows):.3f}"
    )
    print()
    print(f"{'indicator':36} {'P':>6} {'R':>6} {'support':>8}   baseline P/R")
    for code in ILO_CODES:
        r, b = systems["full"], systems["baseline"]
        p, rec, _ = r.of(code)
        bp, brec, _ = b.of(code)
        print(f"{code:36} {p:6.3f} {rec:6.3f} {r.support(code):8d}   {bp:.3f}/{brec:.3f}")
    print()
    header = f"{'language':10} {'n':>4} {'micro-P':>8} {'micro-R':>8} {'micro-F1':>9} {'neg FP':>7}"
    print(header + "   | rules alone F1, neg FP | baseline F1, neg FP")
    for lang in sorted(by_lang):
        r, a, b = (by_lang[lang][name] for name in ("full", "rules", "baseline"))
        n = sum(1 for row in rows if row["lang"] == lang)
        p, rec, f = r.micro()
        print(
            f"{lang:10} {n:4d} {p:8.3f} {rec:8.3f} {f:9.3f} {r.fp_rate():7.3f}   | {_base(a):22} | {_base(b)}"
        )
    r, a, b = (systems[name] for name in ("full", "rules", "baseline"))
    p, rec, f = r.micro()
    row_figures = f"{'overall':10} {len(rows):4d} {p:8.3f} {rec:8.3f} {f:9.3f} {r.fp_rate():7.3f}"
    print(f"{row_figures}   | {_base(a):22} | {_base(b)}")
    print(f"negatives: {r.negatives} ({r.negatives / len(rows):.0%} of narratives)")
    if typed_rows:
        print()
        print(f"exploitation types ({typed_rows} labelled narratives)   {'P':>6} {'R':>6} {'support':>8}")
        for code in sorted(types.codes()):
            p, rec, _ = types.of(code)
            print(f"  {code:34} {p:6.3f} {rec:6.3f} {types.support(code):8d}")
        p, rec, f = types.micro()
        print(f"  {'micro':34} {p:6.3f} {rec:6.3f}   F1 {f:.3f}")


if __name__ == "__main__":
    main()
