"""Screening quality on labelled narratives: per-indicator P/R, micro-F1, negatives' FP rate per language.

Usage:
    uv run python benchmarks/screening_eval.py                   # dev split (used while writing rules)
    uv run python benchmarks/screening_eval.py --split fresh43   # one set (unseen sets: read once a session)
    uv run python benchmarks/screening_eval.py --split tune --show-errors   # every set rule work may read
    uv run python benchmarks/screening_eval.py --split all
    uv run python benchmarks/screening_eval.py --list            # the register of sets, checked

The sets, who wrote them, when and from what brief, how each has been read, which are kept unseen and which
the text model trains on, are registered in data/screening_eval/MANIFEST.toml; `--list` prints it with each
file checked against it. `tune` is every set whose status there is "tune": what rule work may look at. The
unseen sets (status "unseen": `heldout` and the newest sets, written by people who saw neither the rules nor
the other sets, from data/screening_eval/WRITING_GUIDE.md) are run in aggregate only (--show-errors refuses
them); once the oldest of them has been read in aggregate at the end of two sessions, it is spent: it becomes
a validation point for the text model (benchmarks/screening_model_validation.py), its status becomes "tune",
and a new unseen set is written. Rows may carry `exploitation` (HTCDS exploitation types); where they do,
exploitation-type precision and recall are printed too.

The figures are those of `detect` as shipped: the rules, then the statistical layer that may drop their
findings and suggest others (src/tiaki/screening/textmodel.py). Beside them: the rules alone (`model=False`),
and the baseline, the same lexicon with negation, hypothetical and exclusion handling switched off (a keyword
matcher), run on the same narratives in the same process.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tiaki.screening.detector import detect  # noqa: E402
from tiaki.screening.taxonomy import ILO_CODES  # noqa: E402

DATA_DIR = Path(__file__).resolve().parent / "data" / "screening_eval"
MANIFEST_PATH = DATA_DIR / "MANIFEST.toml"


def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, dict]:
    """The register of labelled sets (split name -> its entry), in the order the text model reads them."""
    with path.open("rb") as fh:
        return dict(tomllib.load(fh)["splits"])


MANIFEST = load_manifest()
ALL_SPLITS = list(MANIFEST)
UNSEEN_SPLITS = {split for split, entry in MANIFEST.items() if entry["status"] == "unseen"}
# Everything not kept unseen, in ALL_SPLITS order (the text model is trained on these rows in this order).
TUNE_SPLITS = [split for split in ALL_SPLITS if split not in UNSEEN_SPLITS]


def manifest_problems(manifest: dict[str, dict] = MANIFEST, data_dir: Path = DATA_DIR) -> list[str]:
    """What in the data folder disagrees with the register: a set without an entry or an entry without its
    file, counts or a sha256 that differ from the file's, a status it does not know, an unseen set trained."""
    found = []
    files = {path.stem for path in data_dir.glob("*.jsonl")}
    found += [f"{name}.jsonl has no entry in the register" for name in sorted(files - set(manifest))]
    for split, entry in manifest.items():
        path = data_dir / f"{split}.jsonl"
        if split not in files:
            found.append(f"{split}: no file {path.name}")
            continue
        counted = register_figures(path.read_bytes())
        found += [
            f"{split}: {key} is {value} in the file, {entry.get(key)} in the register"
            for key, value in counted.items()
            if entry.get(key) != value
        ]
        if entry["status"] not in ("tune", "unseen"):
            found.append(f"{split}: unknown status {entry['status']!r}")
        if entry["status"] == "unseen" and entry["trained"]:
            found.append(f"{split}: an unseen set cannot be trained on")
    return found


def register_figures(data: bytes) -> dict[str, int | str]:
    """What the register records of a set's file: its narratives, negatives, languages and sha256."""
    rows = parse_rows(data.decode("utf-8"))
    return {
        "narratives": len(rows),
        "negatives": sum(not row["codes"] for row in rows),
        "languages": len({row["lang"] for row in rows}),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def print_register() -> int:
    """Print the register, each set checked against its file; 1 if anything disagrees."""
    print(f"{'split':10} {'rows':>5} {'neg':>4} {'lang':>4}  {'kind':6} {'status':7} {'trained':7}  sha256")
    for split, entry in MANIFEST.items():
        print(
            f"{split:10} {entry['narratives']:5d} {entry['negatives']:4d} {entry['languages']:4d}  "
            f"{entry['kind']:6} {entry['status']:7} {'yes' if entry['trained'] else 'no':7}  "
            f"{entry['sha256'][:8]}"
        )
    found = manifest_problems()
    print("\n".join(found) if found else f"\nevery file matches its entry ({MANIFEST_PATH.name})")
    return 1 if found else 0


def load(split: str) -> list[dict]:
    """The rows of a split, or of every split (`all`) or the tuning splits (`tune`)."""
    if split == "all":
        return load_splits(ALL_SPLITS)
    if split == "tune":
        return load_splits(TUNE_SPLITS)
    return load_splits([split])


def load_splits(names: Iterable[str]) -> list[dict]:
    """The rows of the named splits, in order."""
    rows: list[dict] = []
    for name in names:
        rows.extend(parse_rows((DATA_DIR / f"{name}.jsonl").read_text(encoding="utf-8")))
    return rows


def parse_rows(text: str) -> list[dict]:
    """The rows of a JSON Lines text, one per line ended by "\n" (not by the other characters
    `str.splitlines` breaks on, which a narrative may hold), blank lines skipped."""
    return [json.loads(line) for line in text.split("\n") if line.strip()]


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
    parser.add_argument(
        "--list", action="store_true", help="print the register of sets, each checked against its file"
    )
    args = parser.parse_args()
    if args.list:
        sys.exit(print_register())
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
