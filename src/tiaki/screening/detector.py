"""The indicator detector: `detect(text, lang)` returns an explainable ScreeningResult.

Rules find the indicators and their evidence; a statistical text model then drops findings it finds very
unlikely and suggests indicators it finds likely that the rules missed, each marked as the model's and
shown with the sentence it rests on (textmodel.py). In a text with an indicator, the model weighs the
exploitation types the same way: it sets aside a type the rules named from a cue word that it finds
unlikely, and suggests the types the whole text tells of.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Set
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

from tiaki.collector import cycle_collection_paused
from tiaki.screening.language import EXTRA_LINGUA, detect_language, script_counts
from tiaki.screening.normalise import MappedText, normalise
from tiaki.screening.prefilter import LiteralFinder, LiteralUses, PatternSet
from tiaki.screening.rules import (
    CONTEXT_SUFFIX,
    RULES_DIR,
    CueRules,
    RuleSet,
    load_all_rules,
    ruleset_version,
    unaccent_table,
    unaccented,
)
from tiaki.screening.scoring import assess
from tiaki.screening.segmentation import is_word_char, myanmar_syllable_boundaries, thai_word_boundaries
from tiaki.screening.taxonomy import ILO_CODES, load_taxonomy
from tiaki.screening.textmodel import Reading, TextModel, decide_types, load_text_model

# Narratives are short; a cap keeps a pasted database dump from tying up a worker. 1 MB of text passes.
MAX_TEXT_CHARS = 4_000_000
# A second script gets its own rules when it is a real part of the text, not a stray loan word.
SECONDARY_SCRIPT_SHARE = 0.15
SECONDARY_SCRIPT_MIN_LETTERS = 12
# How far `sentence_exclude` cues may sit from a match when no sentence break comes first (Thai and
# chat-style text often have no punctuation at all).
SENTENCE_REACH = 160
# Languages we recognise (by script or lingua) even though no rule file exists for them yet, with their
# script: another language's rules for the same script (Burmese for Karen) would only add noise.
RECOGNISED_WITHOUT_RULES: dict[str, str] = {"ksw": "Myanmar", **dict.fromkeys(EXTRA_LINGUA, "Latin")}


class ScreeningInputError(ValueError):
    """The input cannot be screened (wrong type, too long, unknown language); the message says why."""


@dataclass(frozen=True)
class Indicator:
    code: str
    evidence: str
    start: int
    end: int
    strength: str
    # "rules": a rule matched the evidence; "model": the text model suggests it, the evidence being the
    # sentence that gives it the highest probability; "answers": a questionnaire's answers.
    source: str = "rules"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "evidence": self.evidence,
            "start": self.start,
            "end": self.end,
            "strength": self.strength,
            "source": self.source,
        }


@dataclass(frozen=True)
class ExploitationFinding:
    """An HTCDS exploitation type (`SexualExploitation`, `ForcedBegging`, ...) with the words that show it."""

    code: str
    evidence: str
    start: int
    end: int
    # "rules": a cue matched the evidence (or, for child labour, the age); "model": the text model
    # suggests it, the evidence being the sentence that gives it the highest probability.
    source: str = "rules"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "evidence": self.evidence,
            "start": self.start,
            "end": self.end,
            "source": self.source,
        }


@dataclass(frozen=True)
class ScreeningResult:
    """What screening found in one text; the same shape serves reports, questionnaires and the CLI."""

    language: str
    indicators: tuple[Indicator, ...]
    score: float
    level: str
    ruleset_version: str
    dimensions: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    exploitation_types: tuple[ExploitationFinding, ...] = ()
    # ILO codes the rules found but the text model set aside as unlikely in this text (textmodel.py); None
    # where the model reviewed the text and the rules were not asked what it set aside (detect's `explain`)
    set_aside: tuple[str, ...] | None = ()

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(ind.code for ind in self.indicators)

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of the `tiaki screen` contract (plus version, dimensions, notes, exploitation)."""
        return {
            "language": self.language,
            "indicators": [ind.as_dict() for ind in self.indicators],
            "score": self.score,
            "level": self.level,
            "ruleset_version": self.ruleset_version,
            "dimensions": list(self.dimensions),
            "notes": list(self.notes),
            "exploitation_types": [finding.as_dict() for finding in self.exploitation_types],
            "set_aside": None if self.set_aside is None else list(self.set_aside),
        }


class _Match(NamedTuple):
    # A NamedTuple, not a frozen dataclass: thousands are made per batch and construction cost shows.
    code: str
    start: int
    end: int


class _Clauses:
    """Clause (or sentence) boundaries of one text under one rule set's breaks, computed on first use."""

    def __init__(self, breaks: re.Pattern[str], text: str) -> None:
        self._breaks = breaks
        self._text = text
        self._starts: list[int] | None = None
        self._ends: list[int] = []
        self._searched: dict[tuple[int, int, int], bool] = {}  # see holds and excluded

    def holds(self, cues: PatternSet, start: int, end: int, windows: _Windows) -> bool:
        """Whether `cues` occur in the sentence of a match, at most SENTENCE_REACH characters away.

        Asked only for matches that survive every other check, and answered once per stretch of text.
        Where the literal finders gated the list (windows.cue_gates), one of its gate literals, which
        every match of the list holds, must lie in the stretch or the list is not searched; where they
        anchored it (windows.cue_anchors), it is tried only where one of its parts can start.
        """
        s_start, s_end = self.around(start, end)
        lo, hi = max(s_start, start - SENTENCE_REACH), min(s_end, end + SENTENCE_REACH)
        gates = windows.cue_gates(cues)
        if gates is not None:
            i = bisect_left(gates, lo)
            if i == len(gates) or gates[i] >= hi:
                return False
        key = (id(cues), lo, hi)
        found = self._searched.get(key)
        if found is None:
            anchors = windows.cue_anchors(cues)
            if anchors is None:
                found = cues.regex.search(self._text, lo, hi) is not None
            else:
                found = cues.search_anchored(self._text, lo, hi, anchors)
            self._searched[key] = found
        return found

    def excluded(self, exclude: re.Pattern[str], c_start: int, c_end: int) -> bool:
        """Whether an indicator's `exclude` cues occur in a clause (searched once per clause: the
        parts of an indicator often match the same words)."""
        key = (id(exclude), c_start, c_end)
        found = self._searched.get(key)
        if found is None:
            found = self._searched[key] = exclude.search(self._text, c_start, c_end) is not None
        return found

    def around(self, start: int, end: int) -> tuple[int, int]:
        starts = self._starts
        ends = self._ends
        if starts is None:
            starts = self._starts = []
            for m in self._breaks.finditer(self._text):
                starts.append(m.start())
                ends.append(m.end())
        # Clause start: end of the last break that finishes at or before the match start.
        i = bisect_right(ends, start)
        j = bisect_left(starts, end)
        return ends[i - 1] if i else 0, starts[j] if j < len(starts) else len(self._text)


class _Boundaries:
    """Word-boundary test for one text under one rule set's segmentation."""

    def __init__(self, rules: RuleSet, text: str, clauses: _Clauses) -> None:
        self._seg = rules.segmentation
        self._by_chars = self._seg in ("words", "word_start")
        self._text = text
        self._clauses = clauses
        self._cache: dict[tuple[int, int], set[int]] = {}

    def ok(self, start: int, end: int) -> bool:
        text = self._text
        if self._by_chars:
            if start > 0 and is_word_char(text[start - 1]) and is_word_char(text[start]):
                return False
            if (
                self._seg == "words"
                and end < len(text)
                and is_word_char(text[end])
                and is_word_char(text[end - 1])
            ):
                return False
            return True
        clause = self._clauses.around(start, end)
        bounds = self._cache.get(clause)
        if bounds is None:
            piece = text[clause[0] : clause[1]]
            if self._seg == "thai":
                bounds = thai_word_boundaries(piece, clause[0])
            else:
                bounds = myanmar_syllable_boundaries(piece, clause[0])
            self._cache[clause] = bounds
        if self._seg == "thai":
            # newmm's dictionary segmentation is ambiguous at times ("หลอกว่า" -> "หลอ|กว่า"), so a match
            # counts when either edge falls on a word boundary; Burmese syllables are unambiguous.
            return start in bounds or end in bounds
        return start in bounds and end in bounds


def _cue_around(cues: CueRules, text: str, start: int, end: int, c_start: int, c_end: int) -> bool:
    """Whether a context cue sits just before, just after or (if configured) inside a match.

    Windows never leave the match's clause. Before/after matter per language: English negates before
    the verb, Sinhala and Tamil after it, Burmese around it; Burmese, Sinhala and Tamil mark a
    condition ("if") after the verb, the others before.
    """
    lo = max(c_start, start - cues.before_chars)
    # Widen to a whole word so a cue is never cut in half by the window edge.
    while lo > c_start and is_word_char(text[lo - 1]):
        lo -= 1
    if cues.before is not None and start > lo and cues.before.search(text, lo, start):
        return True
    hi = min(c_end, end + cues.after_chars)
    if cues.after is not None and hi > end and cues.after.search(text, end, hi):
        return True
    if cues.inside and cues.before is not None:
        return cues.before.search(text, lo, hi) is not None
    return False


class _Windows:
    """Where to run a gated pattern in one text: the sentences that hold one of its literals."""

    def __init__(self, text: str, enabled: bool) -> None:
        self._text = text
        self._enabled = enabled
        self._splits: dict[str, tuple[list[int], list[int]]] = {}
        # Positions of the literals found in the text; `_covered` are the literals looked for (a
        # literal covered but not in `_found` does not occur).
        self._found: dict[str, list[int]] = {}
        self._covered: set[str] = set()
        # The literal sets of the finders run on the text, also covered (kept apart: merging a rule set's
        # few thousand literals into `_covered` for every text cost more than the lookups it serves)
        self._covered_by_finders: list[frozenset[str]] = []
        # ids of the pattern sets all of whose literals were looked for (see LiteralFinder.covers)
        self._covered_sets: frozenset[int] = frozenset()
        # (literal, separators) -> the sentences holding the literal (see _in_sentences)
        self._lit_sentences: dict[tuple[str, str], frozenset[int]] = {}
        # id of a covered pattern set -> its parts opened by literals of this text -> those literals
        self._opened: dict[int, dict[int, list[str]]] = {}
        # id of a covered pattern set -> its parts with prefix literals -> where one of them may match
        self._anchored: dict[int, dict[int, list[int]]] = {}
        # id of a gated cue list -> where its gate literals occur (see cue_gates); `_gated_cues` are
        # the lists gated by the finders run on the text
        self._cue_gates: dict[int, list[int]] = {}
        self._cue_gates_sorted: set[int] = set()
        self._gated_cues: frozenset[int] = frozenset()
        self._anchored_cues: frozenset[int] = frozenset()  # see cue_anchors

    def find_literals(self, finder: LiteralFinder | None) -> None:
        """Find all of a rule set's gate literals in one pass, ahead of the gates asking for them."""
        if (
            not self._enabled
            or finder is None
            or (finder.covers <= self._covered_sets and finder.gated_cues <= self._gated_cues)
        ):
            return
        found, uses = finder.occurrences(self._text)
        if self._found:
            for lit, positions in found.items():
                self._found.setdefault(lit, positions)
        else:
            self._found.update(found)  # the first rule set of a text (most texts have just one)
        self._covered_by_finders.append(finder.literals)
        self._covered_sets |= finder.covers
        self._gated_cues |= finder.gated_cues
        self._anchored_cues |= finder.anchored_cues
        self._anchor(uses)

    def cue_gates(self, cues: PatternSet) -> list[int] | None:
        """Sorted positions of a cue list's gate literals in the text (None when no finder gated it)."""
        key = id(cues)
        if key not in self._gated_cues:
            return None
        positions = self._cue_gates.get(key)
        if positions is None:
            return []
        if key not in self._cue_gates_sorted:
            positions.sort()
            self._cue_gates_sorted.add(key)
        return positions

    def cue_anchors(self, cues: PatternSet) -> dict[int, list[int]] | None:
        """For a cue list the finders anchored: its parts with prefix literals that may match here, each
        with where it may start (see PatternSet.search_anchored). None when no finder anchored it."""
        key = id(cues)
        if key not in self._anchored_cues:
            return None
        return self._anchored.get(key, {})

    def _anchor(self, uses: list[tuple[str, LiteralUses, list[int]]]) -> None:
        """Where each part with prefix literals may match: where one of its prefixes occurs.

        Walks the prefixes found in this text, not every part of every set; a part is kept only if
        every literal set it needs occurs in the text too. Also gathers which parts of which pattern
        sets the literals open (once per text here, so plan_each need not look at every literal of
        every set).
        """
        met = 0  # the needed literal sets this text meets (see LiteralFinder.meets)
        for _lit, (meets, _anchors, _opens, _cues), _positions in uses:
            met |= meets
        unmet = ~met
        anchored = self._anchored
        cue_gates = self._cue_gates
        for lit, (_meets, anchors, opens, cues), positions in uses:
            for set_id in cues:
                gates = cue_gates.get(set_id)
                if gates is None:
                    cue_gates[set_id] = positions.copy()
                else:
                    gates.extend(positions)
            for set_id, i, needs in anchors:
                if needs & unmet:
                    continue
                parts = anchored.get(set_id)
                if parts is None:
                    parts = anchored[set_id] = {}
                earlier = parts.get(i)
                # A literal's positions are sorted; a part opened by a second prefix merges them (no
                # position twice: no prefix of a part starts with another one).
                parts[i] = positions if earlier is None else sorted(earlier + positions)
            for set_id, gated in opens:
                opened = self._opened.setdefault(set_id, {})
                for i in gated:
                    opened.setdefault(i, []).append(lit)

    def anchored(self, patterns: PatternSet) -> list[tuple[int, list[int]]]:
        """The parts with prefix literals that may match here, each with where to try it (sorted).

        Every match of such a part starts with one of its prefixes, so it is tried there and nowhere
        else (plan_each leaves these parts out); see _anchor. Only for sets the literal finder covers.
        """
        parts = self._anchored.get(id(patterns))
        return sorted(parts.items()) if parts else []

    def _positions(self, lit: str) -> list[int]:
        positions = self._found.get(lit)
        if positions is None:
            positions = []
            if lit in self._covered:
                return positions
            # not looked for in one pass: search for it alone
            if not any(lit in lits for lits in self._covered_by_finders):
                text = self._text
                i = text.find(lit)
                while i >= 0:
                    positions.append(i)
                    i = text.find(lit, i + 1)
                self._found[lit] = positions
            # Either way it is covered now: asked again, it needs no walk over the finders' sets.
            self._covered.add(lit)
        return positions

    def _sentence_splits(self, separators: str) -> tuple[list[int], list[int]]:
        splits = self._splits.get(separators)
        if splits is None:
            starts, ends = [], []
            for m in _separator_regex(separators).finditer(self._text):
                starts.append(m.start())
                ends.append(m.end())
            splits = self._splits[separators] = (starts, ends)
        return splits

    def _mask(self, patterns: PatternSet) -> tuple[int, list[int]]:
        """Which parts of a pattern set can match here (bit mask), and where their literals occur."""
        mask = patterns.always
        hits: list[int] = []
        index = patterns.index
        covered = id(patterns) in self._covered_sets
        if covered and len(self._found) < len(index):
            # Few literals occur in a text: walk those rather than every literal of the set.
            for lit, positions in self._found.items():
                bits = index.get(lit)
                if bits and positions:
                    mask |= bits
                    hits.extend(positions)
            return mask, hits
        # Covered: a literal not found does not occur; otherwise look for it alone.
        lookup = self._found.get if covered else self._positions
        for lit, bits in index.items():
            occurrences = lookup(lit)
            if occurrences:
                mask |= bits
                hits.extend(occurrences)
        return mask, hits

    def plan_parts(self, patterns: PatternSet | None) -> tuple[int, list[tuple[int, int]]]:
        """Which parts of a pattern set can match this text (bit mask), and the spans to run them on."""
        if patterns is None:
            return 0, []
        whole = [(0, len(self._text))]
        if not self._enabled:
            return (1 << len(patterns.parts)) - 1, whole
        mask, hits = self._mask(patterns)
        if not mask or mask & patterns.always:
            return mask, whole if mask else []
        # Sentence separators that none of the chosen parts can cross.
        separators: str | None = None
        for i, gate in enumerate(patterns.gates):
            if mask >> i & 1 and gate is not None:
                separators = (
                    gate.separators
                    if separators is None
                    else ("".join(ch for ch in separators if ch in gate.separators))
                )
                if not separators:
                    return mask, whole
        if not separators:
            return mask, whole
        return mask, self._sentences_around(hits, separators)

    def plan_each(self, patterns: PatternSet) -> list[tuple[int, list[tuple[int, int]]]]:
        """Each part that can match this text, with the sentences where it can (parts run from their
        prefixes are in `anchored` instead, for sets the literal finder covers).

        Per part, not per set: a part runs only on the sentences holding one of its own gate literals and
        one literal of each of its further sets (PatternSet.further); of the sentences that hold some
        literal of a set, few hold what one part needs.
        """
        whole = [(0, len(self._text))]
        if not self._enabled:
            return [(i, whole) for i in range(len(patterns.parts))]
        plan = [(i, whole) for i in patterns.always_parts]
        if id(patterns) in self._covered_sets:
            opened = self._opened.get(id(patterns))
            if opened is None:
                return plan  # most sets: every part is anchored or shut
        else:
            opened = {}
            for lit, parts in patterns.parts_of.items():
                if self._positions(lit):
                    for i in parts:
                        opened.setdefault(i, []).append(lit)
        for i in sorted(opened):
            separators = patterns.separators[i]
            further = patterns.further[i]
            if not separators:
                if all(any(self._positions(lit) for lit in req) for req in further):
                    plan.append((i, whole))
                continue
            sentences = self._in_sentences(opened[i], separators)
            for req in further:
                if not sentences:
                    break
                sentences = sentences & self._in_sentences(req, separators)
            if sentences:
                plan.append((i, self._windows_of(sentences, separators)))
        return plan

    def _in_sentences(self, literals: Iterable[str], separators: str) -> set[int]:
        """The sentences (indexes, split on separators) holding one of the literals."""
        out: set[int] = set()
        for lit in literals:
            key = (lit, separators)
            ids = self._lit_sentences.get(key)
            if ids is None:
                positions = self._positions(lit)
                ids = self._lit_sentences[key] = (
                    self._sentence_ids(positions, separators) if positions else frozenset()
                )
            out |= ids
        return out

    def plan(self, patterns: PatternSet | None) -> tuple[re.Pattern[str] | None, list[tuple[int, int]]]:
        """The alternation of the patterns that can match this text, and the spans to run it on."""
        mask, spans = self.plan_parts(patterns)
        if patterns is None or not mask:
            return None, []
        return patterns.subset(mask), spans

    def _sentences_around(self, hits: list[int], separators: str) -> list[tuple[int, int]]:
        return self._windows_of(self._sentence_ids(hits, separators), separators)

    def _sentence_ids(self, positions: list[int], separators: str) -> frozenset[int]:
        """Which sentences (split on separators) the positions fall in, by index."""
        _starts, ends = self._sentence_splits(separators)
        return frozenset(bisect_right(ends, pos) for pos in positions)

    def _windows_of(self, sentences: Set[int], separators: str) -> list[tuple[int, int]]:
        """The spans of the given sentences, neighbours joined (no match crosses the separator anyway)."""
        starts, ends = self._sentence_splits(separators)
        windows: list[tuple[int, int]] = []
        previous = -2
        for i in sorted(sentences):
            lo = ends[i - 1] if i else 0
            hi = starts[i] if i < len(starts) else len(self._text)
            if i == previous + 1:
                windows[-1] = (windows[-1][0], hi)
            else:
                windows.append((lo, hi))
            previous = i
        return windows


@functools.cache
def _separator_regex(separators: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(separators) + "]+")


def _accepted(
    raw: list[tuple[int, int]],
    text: str,
    state: _TextState,
    rules: RuleSet,
    *,
    exclude: re.Pattern[str] | None,
    negatable: bool,
    context: bool,
    sentence_exclude: PatternSet | None,
) -> list[tuple[int, int]]:
    """The raw spans of a pattern (see _raw_matches) that are on word boundaries and that no exclusion,
    "if" or negation cue cancels."""
    clauses, boundaries, windows, sentences = state
    spans = []
    for start, end in raw:
        if end <= start or not boundaries.ok(start, end):
            continue
        if context:
            c_start, c_end = clauses.around(start, end)
            # Cheapest first (any order gives the same answer): the cue windows are a few words, the
            # exclusions a whole clause, the sentence's cue lists the longest search.
            if _cue_around(rules.hypothetical, text, start, end, c_start, c_end):
                continue
            if negatable and _cue_around(rules.negation, text, start, end, c_start, c_end):
                continue
            if exclude is not None and clauses.excluded(exclude, c_start, c_end):
                continue
            if sentence_exclude is not None and sentences.holds(sentence_exclude, start, end, windows):
                continue
        spans.append((start, end))
    return spans


def _raw_matches(regex: re.Pattern[str], text: str, windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans `regex.finditer` gives in each window (parts with prefix literals use _anchored_matches)."""
    return [found.span() for lo, hi in windows for found in regex.finditer(text, lo, hi)]


def _anchored_matches(
    match: Callable[[str, int], re.Match[str] | None], text: str, starts: list[int]
) -> list[tuple[int, int]]:
    """The spans of `match` (a pattern's bound match method) tried at the sorted `starts`, the places where
    the pattern's prefix literals occur (every match begins at one of them): the spans finditer would give
    over the whole text, without walking it. Most parts tried match nowhere: this loop is the detector's
    innermost one."""
    spans = []
    after = 0  # finditer's matches do not overlap: the next one starts at or after the last end
    for pos in starts:
        if pos >= after:
            m = match(text, pos)
            if m is not None:
                after = m.end()
                spans.append(m.span())
    return spans


class _TextState(NamedTuple):
    """Per-text work shared by indicator and exploitation matching under one rule set."""

    clauses: _Clauses
    boundaries: _Boundaries
    windows: _Windows
    sentences: _Clauses


def _text_state(
    rules: RuleSet, text: str, prefilter: bool, windows: _Windows | None = None, *, literals: bool = True
) -> _TextState:
    """What matching a rule set in a text needs to know of it. `literals=False` leaves out the literal pass
    over the rule set's literals: for a few patterns' sake, each of their literals is looked for alone."""
    clauses = _Clauses(rules.clause_breaks, text)
    windows = windows or _Windows(text, prefilter)
    if literals:
        windows.find_literals(rules.literals)
    return _TextState(
        clauses, _Boundaries(rules, text, clauses), windows, _Clauses(rules.sentence_breaks, text)
    )


def find_matches(
    rules: RuleSet,
    text: str,
    *,
    context: bool = True,
    prefilter: bool = True,
    state: _TextState | None = None,
    first_only: bool = False,
    skip: Collection[str] = (),
) -> list[_Match]:
    """Indicator matches of one rule set in normalised, lower-cased text (see `lower_same_length`).

    With `context=False` negation, hypothetical and exclusion cues are ignored: the naive keyword
    baseline the evaluation compares against. `prefilter=False` runs every pattern even when its
    keywords are absent (same results, slower: the equivalence tests use it). `first_only` stops at the
    first part of an indicator with an accepted match: which indicators the rules find, without all their
    evidence. The indicators whose codes are in `skip` are not looked for.
    """
    state = state or _text_state(rules, text, prefilter)
    windows = state.windows
    found: list[_Match] = []
    for ind in rules.indicators:
        if ind.code in skip:
            continue
        for patterns, affirmative in ((ind.negative_set, False), (ind.affirmative_set, True)):
            if patterns is None:
                continue
            # Each part runs on its own (precompiled): an alternation of just the parts that can match
            # would need compiling for every new combination, and rule sets have thousands of them.
            # Parts with prefix literals first (tried where those occur), then the others (run along
            # their sentences); a part's spans are checked against the context cues only when it
            # matched somewhere, which few parts do.
            compiled = patterns.compiled
            anchored = (
                _anchored_matches(compiled[i].match, text, starts) for i, starts in windows.anchored(patterns)
            )
            spread = (_raw_matches(compiled[i], text, spans) for i, spans in windows.plan_each(patterns))
            for raw in chain(anchored, spread):
                if raw:
                    accepted = _accepted(
                        raw,
                        text,
                        state,
                        rules,
                        exclude=ind.exclude,
                        negatable=affirmative,
                        context=context,
                        sentence_exclude=ind.sentence_exclude,
                    )
                    found.extend(_Match(ind.code, start, end) for start, end in accepted)
                    if accepted and first_only:
                        break
            else:
                continue
            break  # first_only, and the indicator is found
    return found


def find_exploitation(
    rules: RuleSet,
    text: str,
    *,
    with_indicators: bool,
    prefilter: bool = True,
    state: _TextState | None = None,
) -> list[_Match]:
    """Exploitation-type cues: explicit ones always, setting cues only when an indicator was found.

    Each type is reported once, at its first cue that no negation, "if" or exclusion cue cancels.
    """
    clauses, boundaries, windows, _sentences = state or _text_state(rules, text, prefilter)
    excludes = {exp.code: exp.exclude for exp in rules.exploitation}
    found: dict[str, _Match] = {}
    regex, spans = windows.plan(rules.exploitation_all if with_indicators else rules.exploitation_explicit)
    if regex is not None:
        for lo, hi in spans:
            for m in regex.finditer(text, lo, hi):
                code = (m.lastgroup or "").removesuffix(CONTEXT_SUFFIX)
                start, end = m.span()
                if not code or code in found or end <= start or not boundaries.ok(start, end):
                    continue
                c_start, c_end = clauses.around(start, end)
                exclude = excludes.get(code)
                if exclude is not None and exclude.search(text, c_start, c_end):
                    continue
                if _cue_around(rules.hypothetical, text, start, end, c_start, c_end):
                    continue
                if _cue_around(rules.negation, text, start, end, c_start, c_end):
                    continue
                found[code] = _Match(code, start, end)
    return list(found.values())


def _child_matches(
    rules: RuleSet, text: str, age_limit: int, prefilter: bool = True
) -> list[tuple[int, int]]:
    if rules.age is None or (prefilter and rules.age_gate is not None and not rules.age_gate.admits(text)):
        return []
    spans = []
    for m in rules.age.finditer(text):
        word = next((g for g in m.groups() if g), None)
        if word is None:
            continue
        # int() reads any Unicode decimal digits (Thai, Burmese, Tamil numerals too).
        age = int(word) if word.isdecimal() else rules.age_words.get(word.casefold(), -1)
        if 1 <= age < age_limit:
            spans.append(m.span())
    return spans


_LETTER = re.compile(r"[^\W\d_]")
_ACCENTED = re.compile("[" + "".join(sorted(map(chr, unaccent_table()))) + "]")


def _typed_without_diacritics(text: str) -> bool:
    """Whether a Latin-script text has (almost) no letters with diacritics: under 1 in 100 letters, where
    ordinary Vietnamese has one in four or five."""
    letters = len(_LETTER.findall(text))
    return bool(letters) and len(_ACCENTED.findall(text)) < 0.01 * letters


def lower_same_length(text: str) -> str:
    """Lower-case text without changing its length, so offsets stay valid (rules match lower case)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters (e.g. U+0130) lower-case to two; keep those as they are.
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def _rulesets_for(language: str, counts: Counter[str], rulesets: dict[str, RuleSet]) -> list[RuleSet]:
    chosen: list[str] = []

    def add(code: str) -> None:
        if code in rulesets and code not in chosen:
            chosen.append(code)
            for other in rulesets[code].also_apply:
                add(other)

    add(language)
    own_script = rulesets[language].script if language in rulesets else RECOGNISED_WITHOUT_RULES.get(language)
    total = sum(counts.values())
    by_script: dict[str, list[str]] = {}
    for code, rules in rulesets.items():
        by_script.setdefault(rules.script, []).append(code)
    for script, n in counts.items():
        if script == own_script:
            continue
        if language == "und" and script == "Latin" and not chosen:
            # Too little Latin text for lingua to decide: try every Latin-script rule set.
            for code in by_script.get(script, []):
                add(code)
        elif n >= SECONDARY_SCRIPT_MIN_LETTERS and n / total >= SECONDARY_SCRIPT_SHARE:
            primary = by_script.get(script, [])
            if primary and not any(rulesets[c].script == script for c in chosen):
                if script == "Latin":
                    add("en")  # loan passages in Latin script inside Asian-script reports are mostly English
                else:
                    add(primary[0])
    return [rulesets[code] for code in chosen]


def _sentences(text: str, breaks: re.Pattern[str] | None) -> list[tuple[int, int]]:
    """The spans of a text's sentences (split on the rule set's sentence breaks), each with its closing
    punctuation and without surrounding spaces."""
    spans, start = [], 0
    cuts = [(m.start(), m.end()) for m in breaks.finditer(text)] if breaks is not None else []
    for cut_start, cut_end in [*cuts, (len(text), len(text))]:
        end = cut_start + len(text[cut_start:cut_end].rstrip())  # keep the full stop, not the space
        piece = text[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        start = cut_end
    return spans


def _suggestion_evidence(
    model: TextModel,
    text: str,
    codes: tuple[str, ...],
    breaks: re.Pattern[str] | None,
    *,
    exploitation: bool = False,
) -> list[_Match]:
    """The evidence for the indicators (or exploitation types) the text model suggests: for each, the
    sentence it gives the highest probability (the first of equals; the sentences scored together). A
    single sentence (Thai and chat text often have no punctuation) is the whole text."""
    spans = _sentences(text, breaks) or [(0, len(text))]
    if len(spans) == 1:
        return [_Match(code, *spans[0]) for code in codes]
    pieces = [text[a:b] for a, b in spans]
    if exploitation:
        rows, columns = model.type_probabilities_many(pieces), model.types
    else:
        rows, columns = model.probabilities_many(pieces), model.targets
    return [_Match(code, *spans[int(rows[:, columns.index(code)].argmax())]) for code in codes]


def _dedupe(matches: list[_Match]) -> list[_Match]:
    """Keep, per code, the earliest-longest non-overlapping spans."""
    kept: list[_Match] = []
    for match in sorted(matches, key=lambda m: (m.code, m.start, -m.end)):
        if kept and kept[-1].code == match.code and match.start < kept[-1].end:
            continue
        kept.append(match)
    return sorted(kept, key=lambda m: (m.start, m.end, m.code))


def _known_languages(rulesets: dict[str, RuleSet]) -> set[str]:
    return set(rulesets) | set(RECOGNISED_WITHOUT_RULES)


@dataclass
class _Job:
    """One text on its way through the detector: prepared, read by the text model, matched by the rules,
    reviewed, finished.

    detect() runs one job through all five steps; detect_many() runs a batch step by step, so each step's
    data (lingua's models, a language's automaton and patterns, the text model) stays in the CPU cache.
    """

    text: str  # as given: offsets in the result index it
    mapped: MappedText
    language: str
    chosen: list[RuleSet]
    matchable: str  # normalised, lower-cased, maybe without diacritics (same length as mapped.text)
    without_diacritics: bool
    notes: list[str]
    reading: Reading | None = None  # the text model's, where it has a say (see read)
    states: list[_TextState] = field(default_factory=list)
    found: list[_Match] = field(default_factory=list)
    child_spans: list[tuple[int, int]] = field(default_factory=list)
    set_aside: tuple[str, ...] | None = ()
    suggested: list[_Match] = field(default_factory=list)
    # The exploitation types' probabilities when the text model reviewed the text (see finish)
    type_probabilities: dict[str, float] = field(default_factory=dict)


class _Screener:
    """The rules, taxonomy and options one detect or detect_many call screens with."""

    def __init__(
        self, *, context: bool, prefilter: bool, model: bool, explain: bool, rules_dir: Path
    ) -> None:
        self.rulesets = load_all_rules(rules_dir)
        self.taxonomy = load_taxonomy()
        self.version = ruleset_version(rules_dir)
        self.context, self.prefilter, self.model, self.explain = context, prefilter, model, explain

    def prepare(self, text: str, lang: str | None) -> _Job | ScreeningResult:
        """Check the input, normalise it and choose its language and rule sets (a result for empty text).

        Raises ScreeningInputError when the text cannot be screened.
        """
        if not isinstance(text, str):
            raise ScreeningInputError(f"text must be a str, not {type(text).__name__}")
        if len(text) > MAX_TEXT_CHARS:
            raise ScreeningInputError(f"text is {len(text)} characters; the limit is {MAX_TEXT_CHARS}")
        rulesets = self.rulesets
        if lang is not None and lang != "auto" and lang not in _known_languages(rulesets):
            known = ", ".join(sorted(_known_languages(rulesets)))
            raise ScreeningInputError(f"unknown language {lang!r}; use auto or one of: {known}")
        if not text.strip():
            return ScreeningResult("und", (), 0.0, "none", self.version, notes=("empty_text",))
        mapped: MappedText = normalise(text)
        notes: list[str] = ["converted_from_zawgyi"] if mapped.zawgyi else []
        counts = script_counts(mapped.text)
        language = detect_language(mapped.text, counts) if lang in (None, "auto") else lang
        chosen = _rulesets_for(language, counts, rulesets)
        matchable = lower_same_length(mapped.text)
        without_diacritics = any(r.unaccented for r in chosen) and _typed_without_diacritics(matchable)
        if without_diacritics:
            # Text typed without diacritics meets the rules written without them (same offsets).
            chosen = [r.unaccented or r for r in chosen]
            matchable = unaccented(matchable)
            notes.append("screened_without_diacritics")
        if language not in rulesets:
            notes.append(
                "no_rules_for_language"
                if not chosen
                else "screened_with:" + ",".join(r.language for r in chosen)
            )
        return _Job(text, mapped, language, chosen, matchable, without_diacritics, notes)

    def read(self, jobs: list[_Job]) -> None:
        """The text model's reading of each text, where it has a say over it (read together: see
        TextModel.read_many)."""
        # The text model learnt from text with diacritics; it has no say over text typed without them (nor,
        # TextModel.read decides, over a short text).
        if not (self.context and self.model):
            return
        read = [job for job in jobs if not job.without_diacritics]
        for job, reading in zip(
            read, load_text_model().read_many([job.mapped.text for job in read]), strict=True
        ):
            job.reading = reading

    def match(self, job: _Job) -> None:
        """The rules' indicator matches and child-age spans."""
        matchable, prefilter = job.matchable, self.prefilter
        windows = _Windows(matchable, prefilter)  # depends on the text only: shared by the rule sets
        reading = job.reading
        ruled_out: frozenset[str] = frozenset()
        if reading is not None and not self.explain:
            # The rules look only for the indicators whose findings the review may let stand: no one asked
            # what it sets aside (docs/screening.md, thirtieth session).
            ruled_out = load_text_model().rules_out(reading, ILO_CODES)
        # Where none is looked for, a child's age still is (the model does not review it), and `finish`
        # still looks for explicit exploitation cues, which need no literal pass (see _Windows).
        looks = not ruled_out.issuperset(ILO_CODES)
        job.states = [
            _text_state(rules, matchable, prefilter, windows, literals=looks) for rules in job.chosen
        ]
        # Where the model will set every finding aside and the caller asked which (explain), the result
        # names the indicators the rules found (set_aside) but needs none of their evidence: an
        # indicator's first matching part will do (results identical, docs/screening.md, twenty-third
        # session).
        first_only = reading is not None and load_text_model().sets_all_aside(reading)
        matches: list[_Match] = []
        for rules, state in zip(job.chosen, job.states, strict=True):
            if looks:
                matches.extend(
                    find_matches(
                        rules,
                        matchable,
                        context=self.context,
                        prefilter=prefilter,
                        state=state,
                        first_only=first_only,
                        skip=ruled_out,
                    )
                )
            job.child_spans.extend(_child_matches(rules, matchable, self.taxonomy.child_age_limit, prefilter))
        job.found = _dedupe(matches)

    def review(self, job: _Job) -> None:
        """The text model's say: findings it sets aside, indicators it suggests."""
        if job.reading is None:
            return  # no say over this text (see read)
        text_model = load_text_model()
        review = text_model.review(job.mapped.text, {match.code for match in job.found}, job.reading)
        job.type_probabilities = review.exploitation
        if not self.explain:
            job.set_aside = None  # the rules did not look for what the review sets aside (see match)
        elif job.found:
            job.set_aside = review.dropped
        if job.found or not self.explain:
            if review.no_indicator:
                job.notes.append("model_no_indicator")
            elif review.dropped:
                job.notes.append("model_dropped:" + ",".join(review.dropped))
            job.found = [match for match in job.found if match.code in review.kept]
        if review.suggested:
            job.notes.append("model_suggested:" + ",".join(review.suggested))
            breaks = job.chosen[0].sentence_breaks if job.chosen else None
            job.suggested = _suggestion_evidence(text_model, job.mapped.text, review.suggested, breaks)

    def finish(self, job: _Job) -> ScreeningResult:
        """Evidence in the original text's offsets, exploitation types, score and level."""
        text, mapped, taxonomy = job.text, job.mapped, self.taxonomy
        indicators: list[Indicator] = []
        for match, source in [*((m, "rules") for m in job.found), *((m, "model") for m in job.suggested)]:
            start, end = mapped.original_span(match.start, match.end)
            evidence = text[start:end]
            if evidence.strip():
                strength = taxonomy.indicators[match.code].strength
                indicators.append(Indicator(match.code, evidence, start, end, strength, source))
        child: Indicator | None = None
        if job.child_spans:
            start, end = mapped.original_span(*min(job.child_spans))
            child = Indicator(taxonomy.child_code, text[start:end], start, end, "strong")
            indicators.append(child)
        indicators.sort(key=lambda ind: (ind.start, ind.end, ind.code))
        ilo = [ind.code for ind in indicators if ind.code in ILO_CODES]
        exploitation: dict[str, ExploitationFinding] = {}
        if self.context:
            for rules, state in zip(job.chosen, job.states, strict=True):
                for match in find_exploitation(
                    rules, job.matchable, with_indicators=bool(ilo), prefilter=self.prefilter, state=state
                ):
                    if match.code not in exploitation:
                        start, end = mapped.original_span(match.start, match.end)
                        exploitation[match.code] = ExploitationFinding(
                            match.code, text[start:end], start, end
                        )
            labour = taxonomy.child_exploitation
            if (
                child is not None
                and ilo
                and labour is not None
                and not (exploitation and exploitation.keys() <= taxonomy.child_not_labour)
            ):
                # A child with an indicator: child labour, evidenced by the age (see taxonomy.toml).
                finding = ExploitationFinding(labour, child.evidence, child.start, child.end)
                exploitation.setdefault(labour, finding)
            if ilo and job.type_probabilities:
                self._review_types(job, exploitation)
        assessment = assess(ilo, child=bool(job.child_spans), taxonomy=taxonomy)
        return ScreeningResult(
            language=job.language,
            indicators=tuple(indicators),
            score=assessment.score,
            level=assessment.level,
            ruleset_version=self.version,
            dimensions=assessment.established_dimensions,
            notes=tuple(job.notes),
            exploitation_types=tuple(sorted(exploitation.values(), key=lambda f: (f.start, f.code))),
            set_aside=job.set_aside,
        )

    def _review_types(self, job: _Job, exploitation: dict[str, ExploitationFinding]) -> None:
        """The text model's say over the exploitation types of a text with an indicator: it sets aside the
        types the rules named that it finds unlikely and adds those it finds likely (textmodel.py)."""
        text_model = load_text_model()
        review = decide_types(
            job.type_probabilities, set(exploitation), text_model.t_type_low, text_model.t_type_add
        )
        for code in review.dropped:
            del exploitation[code]
        if review.dropped:
            job.notes.append("model_dropped_exploitation:" + ",".join(review.dropped))
        if review.suggested:
            job.notes.append("model_suggested_exploitation:" + ",".join(review.suggested))
            breaks = job.chosen[0].sentence_breaks if job.chosen else None
            for match in _suggestion_evidence(
                text_model, job.mapped.text, review.suggested, breaks, exploitation=True
            ):
                start, end = job.mapped.original_span(match.start, match.end)
                exploitation[match.code] = ExploitationFinding(
                    match.code, job.text[start:end], start, end, "model"
                )


def detect(
    text: str,
    lang: str | None = None,
    *,
    context: bool = True,
    prefilter: bool = True,
    model: bool = True,
    explain: bool = False,
    rules_dir: Path = RULES_DIR,
) -> ScreeningResult:
    """Screen one narrative for trafficking indicators.

    `lang` is an ISO 639 code, or None / "auto" to detect it. Offsets in the result always index the
    text as given (before Zawgyi conversion or Unicode normalisation): `text[start:end] == evidence`.
    `context=False` gives the keyword baseline (rules without context cues or the text model);
    `prefilter=False` disables the keyword prefilter (same result, slower); `model=False` gives the rules
    alone, without the statistical layer that may drop their findings (see textmodel.py); `rules_dir`
    screens with the rule files of another directory (the evaluation of old rules uses it).

    What the text model sets aside is named only with `explain=True`, for a person to read (`set_aside`):
    without it the rules do not look for an indicator whose findings the model would drop (see
    TextModel.rules_out), `set_aside` is None in a text the model reviews, and the notes say nothing of
    findings dropped. Nothing else in the result depends on it.
    """
    screener = _Screener(
        context=context, prefilter=prefilter, model=model, explain=explain, rules_dir=rules_dir
    )
    job = screener.prepare(text, lang)
    if isinstance(job, ScreeningResult):
        return job
    screener.read([job])
    screener.match(job)
    screener.review(job)
    return screener.finish(job)


# Texts screened step by step together in detect_many: enough for the steps' data to stay in the cache
# across texts, few enough that a batch's per-text state stays small.
BATCH_SIZE = 1000


def detect_many(
    items: Iterable[tuple[str, str | None]],
    *,
    context: bool = True,
    prefilter: bool = True,
    model: bool = True,
    explain: bool = False,
    rules_dir: Path = RULES_DIR,
    batch_size: int = BATCH_SIZE,
) -> Iterator[ScreeningResult | ScreeningInputError]:
    """Screen many (text, lang) pairs: the same results as detect() for each, in order, faster.

    A text that cannot be screened yields its ScreeningInputError instead of a result, so one bad item
    does not stop the rest. The items are taken in batches: each step runs over a whole batch, texts of
    the same rule sets together (see _Job), which makes a bulk screening about a third faster.
    """
    screener = _Screener(
        context=context, prefilter=prefilter, model=model, explain=explain, rules_dir=rules_dir
    )
    batch: list[tuple[str, str | None]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= batch_size:
            yield from _screen_batch(screener, batch)
            batch = []
    if batch:
        yield from _screen_batch(screener, batch)


# Stands in a batch's results for a text still being screened (replaced before the batch returns).
_PENDING = ScreeningResult("und", (), 0.0, "none", "")


# A batch keeps its prepared texts alive, and the collector would walk them and every loaded rule set
# over and over; the detector makes no reference cycles.
@cycle_collection_paused()
def _screen_batch(
    screener: _Screener, batch: list[tuple[str, str | None]]
) -> list[ScreeningResult | ScreeningInputError]:
    """One batch, step by step; the texts of the same rule sets are matched one after another (about a
    fifth faster than in arrival order: that language's automaton and patterns stay in the cache)."""
    out: list[ScreeningResult | ScreeningInputError] = []
    jobs: list[tuple[int, _Job]] = []
    for text, lang in batch:
        try:
            prepared = screener.prepare(text, lang)
        except ScreeningInputError as error:
            out.append(error)
            continue
        out.append(prepared if isinstance(prepared, ScreeningResult) else _PENDING)
        if isinstance(prepared, _Job):
            jobs.append((len(out) - 1, prepared))
    screener.read([job for _i, job in jobs])
    jobs.sort(key=lambda pair: tuple(rules.language for rules in pair[1].chosen))
    for _i, job in jobs:
        screener.match(job)
    for _i, job in jobs:
        screener.review(job)
    for i, job in jobs:
        out[i] = screener.finish(job)
    return out
