"""Commission and put together a new labelled set of narratives for benchmarks/data/screening_eval.

Usage:
    uv run python scripts/assemble_screening_set.py brief fresh47 --lang th --kind mixed --out /tmp/w47/th
    uv run python scripts/assemble_screening_set.py assemble fresh47 --kind mixed /tmp/w47/*/

A new set is written by writers who have seen neither the rules nor the other sets: each reads
data/screening_eval/WRITING_GUIDE.md and nothing else of the project and gets the brief `brief` prints (the
language, how long the narratives are, where to write). Give every writer a folder of its own: writers that
shared one overwrote each other's helper scripts (twenty-sixth session). `assemble` reads `<lang>.jsonl` for
each of the nine languages from the folders given, checks every row (fields, ids, codes and exploitation types
as the taxonomy spells them, negatives, duplicates), and writes `<name>.jsonl` (languages in the register's
order, one JSON object a line) only if nothing is wrong; otherwise it lists every problem and writes nothing.
It then prints the figures the register needs, an entry to complete and paste into MANIFEST.toml, and the ids
of the narratives typed `SexualExploitation` without `physical_sexual_violence`: those alone are read, and
given the code where they tell of sex forced with clients (see docs/screening.md).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from screening_eval import DATA_DIR, MANIFEST, register_figures  # noqa: E402

from tiaki.screening.taxonomy import ILO_CODES, load_taxonomy  # noqa: E402

# The nine languages of a set, in the order its rows are written.
LANGUAGES = {
    "en": "English (en), as written in Southeast Asia, Sri Lanka, Australia and New Zealand by case workers, "
    "migrants, liaison officers and relatives (vary the voices)",
    "vi": "Vietnamese (vi), as Vietnamese people write (with diacritics mostly; a few chat messages may drop "
    "them, as people do)",
    "id": "Indonesian (id), in the registers Indonesians actually use (formal notes, everyday speech, chat "
    "with slang and abbreviations, some code-switching)",
    "my": "Burmese (my), in Unicode Myanmar script (not Zawgyi), as people from Myanmar write (migrant "
    "workers in Thailand and Malaysia, relatives, case workers; some chat style)",
    "th": "Thai (th), as Thai people write (hotline notes, police and NGO records, LINE chat messages with "
    "casual particles, relatives' complaints)",
    "ms": "Malay (ms), Malaysian Malay as people write it (formal notes, everyday speech, chat with some "
    "English code-switching)",
    "mi": "Māori (mi), te reo Māori as written in Aotearoa New Zealand (with macrons; notes, social posts, "
    "whānau messages; some English where natural, e.g. quoting a boss)",
    "si": "Sinhala (si), in Sinhala script, as Sri Lankans write (migrant workers, fishermen, relatives, NGO "
    "notes, chat messages; English loan words as people use them)",
    "ta": "Tamil (ta), in Tamil script, as Tamil speakers in Sri Lanka, India and Malaysia write (migrant "
    "workers, fishermen, relatives, NGO and police notes, chat messages; English loan words as people use "
    "them)",
}
UNSPACED = {"th", "my"}  # written without spaces between words: lengths in characters
PER_LANGUAGE = 40
MIN_NEGATIVES = 16
MAX_CODES = 5
FIELDS = ("id", "lang", "text", "codes", "exploitation")
SHORT = "40–110 words each (Thai and Burmese, written without spaces: 250–700 characters)"
LONG = (
    "150–300 words each (Thai and Burmese: 700–1,600 characters) — case files, intake notes, long chat "
    "messages, statements, in which indicators are mentioned in passing among ordinary detail (family, "
    "travel, dates, money, health), as real long reports are"
)
LENGTHS = {
    "short": f"- All 40 narratives SHORT: {SHORT}.",
    "long": f"- All 40 narratives LONG: {LONG}.",
    "mixed": f"- 20 SHORT narratives: {SHORT}.\n- 20 LONG narratives: {LONG}.\n"
    "- Mix short and long through the 40 (do not put all long ones together).",
}
BRIEF = """\
You are writing part of a hand-labelled test set of narratives for a counter-trafficking screening
tool.

Read ONLY this file first and follow it exactly: {guide}
Do NOT read any other file of the project (no code, no rules, no other data sets). Do not look at other
writers' files. Invent everything.

Your language: {language}.
Write exactly 40 narratives, natively in that language (not translated), as the guide says, with this
change to the length rule:
{lengths}
- Mix positives and negatives through the 40. At least 16 of the 40 are negatives (codes []), as hard as
  the guide asks.
- Label clarification: sex forced on a person with clients (made to "receive clients", sold for sex
  against their will) is forced sex, so such a narrative also carries physical_sexual_violence, as the
  guide's definition says.

Work only in the folder {out} (it is yours alone; keep any helper scripts there). Output: the JSON Lines
file {out}/{lang}.jsonl, one object per line with exactly the fields id, lang, text, codes,
exploitation; ids "{lang}-{tag}-01" to "{lang}-{tag}-40"; lang "{lang}".
Work in small batches: write 5 narratives at a time and APPEND them to the file (e.g. with a short
Python script using json.dumps(obj, ensure_ascii=False)), then go on; do not try to write all 40 in one
step. When all 40 are written, check with Python that every line parses, the ids run 01..40 with no gaps
or duplicates, codes are spelt exactly as in the guide, at least 16 are negatives, every indicator
appears at least 2 times (the five subtler ones at least 3), and the lengths are as above. Fix anything
that fails.
Finish by printing: count, negatives, median length in characters, and counts per code. Report in a few
lines; also mention anything in the guide you found ambiguous.
"""


def tag_of(name: str) -> str:
    """The id tag of a set's rows: `fresh47` -> `w47`."""
    found = re.fullmatch(r"fresh(\d+)", name)
    if not found:
        raise SystemExit(f"a new set is named freshNN, not {name!r}")
    return f"w{found.group(1)}"


def brief(name: str, lang: str, kind: str, out: Path) -> str:
    """What one writer is told: the guide to read, its language, the lengths, its own folder."""
    return BRIEF.format(
        guide=DATA_DIR / "WRITING_GUIDE.md",
        language=LANGUAGES[lang],
        lengths=LENGTHS[kind],
        out=out,
        lang=lang,
        tag=tag_of(name),
    )


def is_long(row: dict) -> bool:
    """150 words or more; 700 characters or more where a script is written without spaces."""
    text = row["text"]
    return len(text) >= 700 if row["lang"] in UNSPACED else len(text.split()) >= 150


def row_problems(row: object, lang: str, number: int, tag: str, types: set[str]) -> list[str]:
    """What is wrong with one writer's row (the number-th of its file, blank lines not counted)."""
    where = f"{lang}.jsonl row {number}"
    if not isinstance(row, dict) or tuple(sorted(row)) != tuple(sorted(FIELDS)):
        return [f"{where}: needs exactly the fields {', '.join(FIELDS)}"]
    found = []
    if row["id"] != f"{lang}-{tag}-{number:02d}":
        found.append(f"{where}: id {row['id']!r}, expected {lang}-{tag}-{number:02d}")
    if row["lang"] != lang:
        found.append(f"{where}: lang {row['lang']!r} in {lang}.jsonl")
    if not isinstance(row["text"], str) or not row["text"].strip():
        found.append(f"{where}: no text")
    codes, kinds = row["codes"], row["exploitation"]
    if not all(isinstance(x, list) and all(isinstance(v, str) for v in x) for x in (codes, kinds)):
        return [*found, f"{where}: codes and exploitation must be lists of names"]
    found += [f"{where}: unknown code {code!r}" for code in codes if code not in ILO_CODES]
    found += [f"{where}: unknown exploitation type {kind!r}" for kind in kinds if kind not in types]
    if len(set(codes)) != len(codes) or len(set(kinds)) != len(kinds):
        found.append(f"{where}: a code or type given twice")
    if len(codes) > MAX_CODES:
        found.append(f"{where}: {len(codes)} codes, at most {MAX_CODES}")
    if not codes and kinds:
        found.append(f"{where}: exploitation types on a narrative without an indicator")
    if codes and not kinds:
        found.append(f"{where}: an indicator without an exploitation type")
    return found


def collect(name: str, folders: list[Path]) -> tuple[list[dict], list[str]]:
    """Every writer's rows in the register's language order, and every problem found."""
    tag, types = tag_of(name), set(load_taxonomy().exploitation_types)
    rows: list[dict] = []
    found: list[str] = []
    for lang in LANGUAGES:
        paths = [folder / f"{lang}.jsonl" for folder in folders if (folder / f"{lang}.jsonl").is_file()]
        if len(paths) != 1:
            found.append(f"{lang}.jsonl: found in {len(paths)} of the folders given, needs one")
            continue
        lines = [line for line in paths[0].read_text(encoding="utf-8").split("\n") if line.strip()]
        if len(lines) != PER_LANGUAGE:
            found.append(f"{lang}.jsonl: {len(lines)} rows, needs {PER_LANGUAGE}")
        mine = []
        for number, line in enumerate(lines, 1):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                found.append(f"{lang}.jsonl row {number}: not JSON ({error.msg})")
                continue
            problems = row_problems(row, lang, number, tag, types)
            found += problems
            if not problems:
                mine.append({field: row[field] for field in FIELDS})
        negatives = sum(not row["codes"] for row in mine)
        if negatives < MIN_NEGATIVES:
            found.append(f"{lang}.jsonl: {negatives} negatives, needs at least {MIN_NEGATIVES}")
        rows += mine
    texts = Counter(row["text"] for row in rows)
    found += [f"{row['id']}: the same text as another row" for row in rows if texts[row["text"]] > 1]
    return rows, found


def assemble(name: str, folders: list[Path], data_dir: Path = DATA_DIR) -> tuple[Path, list[dict]]:
    """Write data_dir/<name>.jsonl from the writers' files; SystemExit listing every problem otherwise."""
    path = data_dir / f"{name}.jsonl"
    if name in MANIFEST or path.exists():
        raise SystemExit(f"{name} exists already: a set is never rewritten (see MANIFEST.toml)")
    rows, found = collect(name, folders)
    if found:
        raise SystemExit("nothing written:\n" + "\n".join(found))
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path, rows


def report(name: str, kind: str, path: Path, rows: list[dict]) -> str:
    """The figures the register needs, per language and in all, and an entry to complete."""
    lines = [f"{'lang':4} {'rows':>4} {'neg':>4} {'median chars':>12} {'long':>5}"]
    for lang in LANGUAGES:
        mine = [row for row in rows if row["lang"] == lang]
        lines.append(
            f"{lang:4} {len(mine):4d} {sum(not row['codes'] for row in mine):4d} "
            f"{statistics.median(len(row['text']) for row in mine):12.0f} "
            f"{sum(is_long(row) for row in mine):5d}"
        )
    codes = Counter(code for row in rows for code in row["codes"])
    lines.append("codes: " + ", ".join(f"{code} {codes[code]}" for code in ILO_CODES))
    unread = [
        row["id"]
        for row in rows
        if "SexualExploitation" in row["exploitation"] and "physical_sexual_violence" not in row["codes"]
    ]
    lines.append(
        "typed SexualExploitation without physical_sexual_violence (read these alone): "
        + (", ".join(unread) or "none")
    )
    median = statistics.median(len(row["text"]) for row in rows)
    lines.append(
        f"median {median:.0f} characters; long: 150 words or more (Thai and Burmese: 700 characters)"
    )
    figures = register_figures(path.read_bytes())
    lines += [
        "",
        f"[splits.{name}]",
        f"narratives = {figures['narratives']}",
        f"negatives = {figures['negatives']}",
        f"languages = {figures['languages']}",
        f'kind = "{kind}"',
        'status = "unseen"',
        "trained = false",
        f'sha256 = "{figures["sha256"]}"',
        'written = "<session>, from the same guide, by <writers>; <what was read and relabelled>"',
        'use = "**unseen**: not yet run"',
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("brief", help="print what one writer is told")
    one.add_argument("name", help="the new set, freshNN")
    one.add_argument("--lang", choices=list(LANGUAGES), required=True)
    one.add_argument("--kind", choices=list(LENGTHS), required=True)
    one.add_argument("--out", type=Path, required=True, help="the writer's own folder")
    put = commands.add_parser("assemble", help="check the writers' files and write the set")
    put.add_argument("name", help="the new set, freshNN")
    put.add_argument("--kind", choices=list(LENGTHS), required=True)
    put.add_argument("folders", type=Path, nargs="+", help="the writers' folders")
    args = parser.parse_args()
    if args.command == "brief":
        print(brief(args.name, args.lang, args.kind, args.out))
        return
    path, rows = assemble(args.name, args.folders)
    print(f"wrote {path.relative_to(ROOT)}\n{report(args.name, args.kind, path, rows)}")


if __name__ == "__main__":
    main()
