"""A keyword prefilter derived automatically from rule patterns: run patterns only where they can match.

For each compiled pattern we compute, from its parse tree, a small set of literal strings such that
*every* match of the pattern contains at least one of them ("necessary literals"), and the sentence
separators (". ! ? ; newline ။") that no match can cross. The detector then runs the full pattern only on
the sentences that contain one of its literals, instead of on the whole text. The analysis is
conservative: where it cannot prove a literal is needed (character classes, optional parts, negative
look-arounds) or that a separator cannot be crossed, the pattern runs on the whole text. Results are
therefore identical with and without the prefilter (tests/screening/test_prefilter.py checks this on
every labelled narrative).

Rule authors need do nothing: the literals come from the patterns they already write.
"""

from __future__ import annotations

import bisect
import functools
import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ahocorasick

# The regular-expression parser of the standard library (the module `re` compiles with); private, so it
# is imported by name and typed loosely. Python 3.11+ names.
sre_parse: Any = importlib.import_module("re._parser")
sre_c: Any = importlib.import_module("re._constants")

# Bounds that keep literal sets small: a gate with hundreds of alternatives is no faster than the pattern.
MAX_SET = 64
# Prefix literals only open places to try a part (they are not checked one by one): more may be kept.
MAX_PREFIXES = 512
MAX_CLASS = 6
# A single character (a space, "a", "က") occurs in almost every sentence: neither a gate nor a prefix
# anchor on it narrows where a pattern runs, and each occurrence costs the literal finder a hit.
MIN_LITERAL = 2

_Req = frozenset[str] | None


def _key(req: frozenset[str]) -> tuple[bool, int, int]:
    # Checking a literal costs about the same whatever it is, so fewer literals win, as long as they are
    # not so short (one or two characters) that they occur in almost every sentence.
    shortest = min(map(len, req))
    return (shortest >= 3, -len(req), shortest)


def _better(a: _Req, b: _Req) -> _Req:
    """The cheaper and more selective of two necessary-literal sets."""
    if a is None:
        return b
    if b is None:
        return a
    return a if _key(a) >= _key(b) else b


def _class_chars(items: Any) -> frozenset[str] | None:
    chars = set()
    for op, av in items:
        if op is not sre_c.LITERAL:
            return None
        chars.add(chr(av))
    return frozenset(chars) if 0 < len(chars) <= MAX_CLASS else None


def _sequence(items: Any) -> _Req:
    best: _Req = None
    for req in _sequence_sets(items):
        best = _better(best, req)
    return best


def _sequence_sets(items: Any) -> list[frozenset[str]]:
    """Every necessary-literal set found along a sequence: each is needed, so together they are too."""
    found: list[frozenset[str]] = []
    run: set[str] = {""}

    def close_run() -> None:
        nonlocal run
        if run != {""} and all(run):
            found.append(frozenset(run))
        run = {""}

    for op, av in items:
        if op is sre_c.LITERAL:
            run = {s + chr(av) for s in run}
            continue
        if op is sre_c.IN:
            chars = _class_chars(av)
            if chars is not None and len(run) * len(chars) <= MAX_SET:
                run = {s + c for s in run for c in chars}
                continue
            close_run()
            continue
        if op is sre_c.AT:
            continue  # zero-width: the literals on both sides are still adjacent in the text
        close_run()
        req = _node(op, av)
        if req is not None:
            found.append(req)
    close_run()
    return found


def _node(op: Any, av: Any) -> _Req:
    if op is sre_c.SUBPATTERN:
        add_flags, pattern = av[1], av[3]
        if add_flags & (sre_c.SRE_FLAG_IGNORECASE | sre_c.SRE_FLAG_VERBOSE):
            return None
        return _sequence(pattern)
    if op is sre_c.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            req = _sequence(alternative)
            if req is None:
                return None
            union |= req
        return frozenset(union) if len(union) <= MAX_SET else None
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
        return _sequence(av[2]) if av[0] >= 1 else None
    if op is getattr(sre_c, "ATOMIC_GROUP", None):
        return _sequence(av)
    if op is sre_c.ASSERT and av[0] == 1:
        # A look-ahead's text must be in the text too, and within the end a search is bounded by; a
        # look-behind's may lie before the place a search starts, so it does not count.
        return _sequence(av[1])
    return None


def _parse(pattern: str) -> Any:
    """The parse tree of a pattern we can analyse (None: invalid, or flags that change matching)."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & (sre_c.SRE_FLAG_IGNORECASE | sre_c.SRE_FLAG_VERBOSE):
        return None
    return parsed


def necessary_literals(pattern: str) -> frozenset[str] | None:
    """Literals of which every match of `pattern` contains at least one, or None if unknown."""
    parsed = _parse(pattern)
    if parsed is None:
        return None
    req = _sequence(parsed)
    if req is None or "" in req:
        return None
    return req


# Besides its gate, a part may need literals from up to this many further sets (see further_literals).
MAX_FURTHER = 2


def further_literals(pattern: str, gate: Gate | None) -> tuple[tuple[str, ...], ...]:
    """Other literal sets every match needs besides the gate's (e.g. "passport" in "kept ... passport").

    A part runs only on sentences holding a literal of its gate *and* one of each further set; at most
    MAX_FURTHER sets, the most selective, and none whose literals hold a separator of the gate (they could
    be cut by the sentence split) or are shorter than three characters (found in almost every sentence).
    """
    parsed = _parse(pattern)
    if parsed is None or gate is None:
        return ()
    chosen = frozenset(gate.literals)
    sets = []
    for req in _sequence_sets(parsed):
        minimal = frozenset(lit for lit in req if not any(o != lit and o in lit for o in req))
        if (
            not minimal
            or minimal == chosen
            or len(minimal) > MAX_SET
            or min(map(len, minimal)) < 3
            or any(ch in lit for lit in minimal for ch in gate.separators)
        ):
            continue
        if minimal not in sets:
            sets.append(minimal)
    sets.sort(key=_key, reverse=True)
    return tuple(tuple(sorted(req)) for req in sets[:MAX_FURTHER])


def _prefixes(items: Any) -> tuple[set[str], bool] | None:
    """(strings every match of the sequence starts with one of, whether they are the whole match)."""
    run: set[str] = {""}
    items = list(items)
    for k, (op, av) in enumerate(items):
        if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
            continue  # zero-width: the match still starts with what follows
        if op is sre_c.LITERAL:
            run = {s + chr(av) for s in run}
            continue
        inner: tuple[set[str], bool] | None = None
        if op in _REPEATS and av[0] >= 1:
            # X{1,n}: every match starts with a prefix of X (what follows depends on the count).
            sub = _prefixes(av[2])
            inner = (sub[0], False) if sub is not None else None
        elif op in _REPEATS:
            # X{0,n} rest: a match starts with a prefix of X or of the rest.
            sub, rest = _prefixes(av[2]), _prefixes(items[k + 1 :])
            inner = (sub[0] | rest[0], False) if sub is not None and rest is not None else None
        elif op is sre_c.IN:
            chars = _class_chars(av)
            inner = (set(chars), True) if chars is not None else None
        elif op is sre_c.SUBPATTERN and not av[1] & (sre_c.SRE_FLAG_IGNORECASE | sre_c.SRE_FLAG_VERBOSE):
            inner = _prefixes(av[3])
        elif op is sre_c.BRANCH:
            union: set[str] = set()
            complete = True
            for alternative in av[1]:
                sub = _prefixes(alternative)
                if sub is None:
                    inner = None
                    break
                union |= sub[0]
                complete &= sub[1]
            else:
                inner = (union, complete)
        if inner is None or "" in inner[0] or len(run) * len(inner[0]) > MAX_PREFIXES:
            return (run, False) if run != {""} else None
        run = {s + t for s in run for t in inner[0]}
        if not inner[1]:
            return run, False
    return run, True


def prefix_literals(pattern: str) -> tuple[str, ...] | None:
    """Strings every match of `pattern` starts with one of (None if unknown or too short to help).

    A part with prefixes runs only where one of them occurs (regex.match there), not along its sentences.
    """
    parsed = _parse(pattern)
    found = _prefixes(parsed) if parsed is not None else None
    if found is None or not found[0] or min(map(len, found[0])) < MIN_LITERAL:
        return None
    # A prefix that starts with another one adds no start position.
    return tuple(sorted(p for p in found[0] if not any(o != p and p.startswith(o) for o in found[0])))


# A first-character class larger than this is not worth a look-ahead.
MAX_FIRST_CHARS = 200
_REPEATS = (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", sre_c.MAX_REPEAT))


def _first(items: Any) -> tuple[frozenset[str], bool] | None:
    """(characters a match of the sequence can start with, whether it can match empty), or None."""
    chars: set[str] = set()
    for op, av in items:
        if op is sre_c.LITERAL:
            return frozenset(chars | {chr(av)}), False
        if op is sre_c.IN:
            found: set[str] = set()
            for item_op, item_av in av:
                if item_op is sre_c.LITERAL:
                    found.add(chr(item_av))
                elif item_op is sre_c.RANGE and item_av[1] - item_av[0] < MAX_FIRST_CHARS:
                    found.update(map(chr, range(item_av[0], item_av[1] + 1)))
                else:
                    return None  # negated classes, categories such as \w, huge ranges
            return frozenset(chars | found), False
        if op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
            continue  # consumes nothing; the first consumed character comes later
        if op is sre_c.SUBPATTERN:
            inner = _first(av[-1])
        elif op is sre_c.BRANCH:
            inner_chars: set[str] = set()
            nullable = False
            for branch in av[1]:
                sub = _first(branch)
                if sub is None:
                    return None
                inner_chars |= sub[0]
                nullable = nullable or sub[1]
            inner = (frozenset(inner_chars), nullable)
        elif op in _REPEATS:
            sub = _first(av[2])
            inner = None if sub is None else (sub[0], sub[1] or av[0] == 0)
        else:
            return None  # ANY, NOT_LITERAL, group references, ...
        if inner is None:
            return None
        chars |= inner[0]
        if not inner[1]:
            return frozenset(chars), False
    return frozenset(chars), True


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters every match of `pattern` starts with, or None if unknown or unbounded.

    A pattern that starts with `\b` defeats the regular-expression engine's own first-character scan, so
    it tries the whole pattern at every position; a look-ahead on these characters restores the scan
    (about twice as fast on our rule alternations) without changing any match.
    """
    parsed = _parse(pattern)
    first = None if parsed is None else _first(parsed)
    if first is None or first[1] or not first[0] or len(first[0]) > MAX_FIRST_CHARS:
        return None
    return first[0]


def with_first_chars(parts: Iterable[str], firsts: Iterable[frozenset[str] | None]) -> str:
    """The alternation of parts, behind a look-ahead on their first characters when all are known."""
    joined = "|".join(parts)
    union: set[str] = set()
    for first in firsts:
        if first is None:
            return joined
        union |= first
    if not union or len(union) > MAX_FIRST_CHARS:
        return joined
    charset = "".join(re.escape(ch) if ch in "\\]^-[" else ch for ch in sorted(union))
    return f"(?=[{charset}])(?:{joined})"


# Sentence separators a pattern may be confined by (Burmese ။ and ၊ included).
SEPARATORS = ".!?;\n\u104b\u104a"

_CATEGORY_TESTS = {
    sre_c.CATEGORY_DIGIT: str.isdecimal,
    sre_c.CATEGORY_NOT_DIGIT: lambda ch: not ch.isdecimal(),
    sre_c.CATEGORY_SPACE: str.isspace,
    sre_c.CATEGORY_NOT_SPACE: lambda ch: not ch.isspace(),
    sre_c.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
    sre_c.CATEGORY_NOT_WORD: lambda ch: not (ch.isalnum() or ch == "_"),
}


def _in_class(items: Any, ch: str) -> bool | None:
    """Whether a parsed character class matches ch (None: cannot tell)."""
    negate = False
    hit = False
    for op, av in items:
        if op is sre_c.NEGATE:
            negate = True
        elif op is sre_c.LITERAL:
            hit = hit or chr(av) == ch
        elif op is sre_c.RANGE:
            hit = hit or av[0] <= ord(ch) <= av[1]
        elif op is sre_c.CATEGORY and av in _CATEGORY_TESTS:
            hit = hit or bool(_CATEGORY_TESTS[av](ch))
        else:
            return None
    return hit != negate


def _consumes(items: Any, chars: set[str]) -> set[str] | None:
    """Which of `chars` some match (or look-around) of the parsed pattern could consume (None: unknown)."""
    found: set[str] = set()
    for op, av in items:
        if op is sre_c.LITERAL:
            found |= {ch for ch in chars if chr(av) == ch}
        elif op is sre_c.NOT_LITERAL:
            found |= {ch for ch in chars if chr(av) != ch}
        elif op is sre_c.ANY:
            found |= chars
        elif op is sre_c.IN:
            for ch in chars:
                member = _in_class(av, ch)
                if member is None:
                    return None
                if member:
                    found.add(ch)
        elif op is sre_c.AT:
            if av not in (sre_c.AT_BOUNDARY, sre_c.AT_NON_BOUNDARY):
                return None  # ^ $ \A \Z behave differently inside a window
        else:
            if op is sre_c.SUBPATTERN:
                children = [av[3]]
            elif op is sre_c.BRANCH:
                children = list(av[1])
            elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
                children = [av[2]]
            elif op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
                children = [av[1]]
            elif op is getattr(sre_c, "ATOMIC_GROUP", None):
                children = [av]
            else:
                return None
            for child in children:
                sub = _consumes(child, chars)
                if sub is None:
                    return None
                found |= sub
    return found


def uncrossable(pattern: str) -> str:
    """The separators no match of `pattern` can span ("" if unknown or none)."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return ""
    crossed = _consumes(parsed, set(SEPARATORS))
    if crossed is None:
        return ""
    return "".join(ch for ch in SEPARATORS if ch not in crossed)


@dataclass(frozen=True)
class Gate:
    """Where a pattern can match: in the sentences (split on `separators`) holding one of its literals."""

    literals: tuple[str, ...]
    regex: re.Pattern[str] | None
    separators: str = ""

    def admits(self, text: str) -> bool:
        if self.regex is not None:
            return self.regex.search(text) is not None
        return any(lit in text for lit in self.literals)


# Up to this many literals, repeated `in` tests (C substring search) beat one alternation regex.
_IN_TESTS = 10


def _trie_regex(literals: Iterable[str]) -> str:
    """An alternation of literals factored by common prefixes, so each position tries few branches."""
    trie: dict[str, Any] = {}
    for lit in literals:
        node = trie
        for ch in lit:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        if "" in node and len(node) == 1:
            return ""
        alternatives = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        # A literal ending here means the rest is optional; since we only test presence, the shorter
        # literal suffices and the longer continuations can be dropped.
        if "" in node:
            return ""
        return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"

    return build(trie)


def make_gate(literals: frozenset[str] | None, separators: str = "") -> Gate | None:
    """A gate for a pattern's necessary literals (None: the pattern must always run)."""
    if not literals:
        return None
    # Drop literals that contain another literal of the set: the shorter one is found whenever they are.
    minimal = sorted(lit for lit in literals if not any(o != lit and o in lit for o in literals))
    if min(map(len, minimal)) < MIN_LITERAL:
        return None
    # A literal holding a separator would be cut by the sentence split; such patterns cross anyway.
    separators = "".join(ch for ch in separators if not any(ch in lit for lit in minimal))
    if len(minimal) <= _IN_TESTS:
        return Gate(tuple(minimal), None, separators)
    return Gate(tuple(minimal), re.compile(_trie_regex(minimal)), separators)


def gate_for_patterns(patterns: Iterable[str]) -> Gate | None:
    """One gate for an alternation of patterns: the union of each pattern's literals (or None)."""
    union: set[str] = set()
    separators = SEPARATORS
    for pattern in patterns:
        req = necessary_literals(pattern)
        if req is None:
            return None
        union |= req
        keep = uncrossable(pattern)
        separators = "".join(ch for ch in separators if ch in keep)
    return make_gate(frozenset(union), separators)


@dataclass(frozen=True)
class PatternSet:
    """An alternation of patterns, kept with each alternative's own gate.

    On a given text only the alternatives whose literals occur can match. Indicator patterns run part by
    part (`compiled`, from their `prefixes` or on the sentences their `needs` allow); exploitation cues
    run as the alternation of just the parts that can match (`subset`, compiled once per combination).
    The per-part analyses are derived on first use, so sets that never run part by part (sentence-wide
    exclusions, exploitation cues) do not pay for them when the rules load.
    """

    regex: re.Pattern[str]
    parts: tuple[str, ...]
    gates: tuple[Gate | None, ...]
    # Inverted gates: each literal's bit mask of the parts it opens, and the parts that always run.
    index: dict[str, int]
    always: int
    # Each part's possible first characters (None: unknown), for the look-ahead of with_first_chars.
    firsts: tuple[frozenset[str] | None, ...] = ()

    @functools.cached_property
    def compiled(self) -> tuple[re.Pattern[str], ...]:
        """Each part compiled on its own (with its first-character look-ahead)."""
        return tuple(
            re.compile(with_first_chars([part], [first]))
            for part, first in zip(self.parts, self.firsts, strict=True)
        )

    @functools.cached_property
    def further(self) -> tuple[tuple[tuple[str, ...], ...], ...]:
        """Each part's further literal sets (see further_literals), all of which it needs besides its gate."""
        return tuple(further_literals(part, gate) for part, gate in zip(self.parts, self.gates, strict=True))

    @functools.cached_property
    def prefixes(self) -> tuple[tuple[str, ...] | None, ...]:
        """Each part's prefix literals (see prefix_literals; None: it runs along its sentences)."""
        return tuple(prefix_literals(part) for part in self.parts)

    @functools.cached_property
    def always_parts(self) -> tuple[int, ...]:
        """Indexes of the parts without a gate (the bits of `always`)."""
        return tuple(i for i in range(len(self.parts)) if self.always >> i & 1)

    @functools.cached_property
    def parts_of(self) -> dict[str, tuple[int, ...]]:
        """Each gate literal's parts, by index (the bits of `index`)."""
        return {
            lit: tuple(i for i in range(len(self.parts)) if bits >> i & 1) for lit, bits in self.index.items()
        }

    @functools.cached_property
    def needs(self) -> tuple[tuple[frozenset[str], ...], ...]:
        """Each part's literal sets (gate and further) of which a text must hold one each to match."""
        return tuple(
            ((frozenset(gate.literals),) if gate is not None else ())
            + tuple(frozenset(req) for req in further)
            for gate, further in zip(self.gates, self.further, strict=True)
        )

    @functools.cached_property
    def anchored_parts(self) -> tuple[tuple[int, tuple[str, ...], tuple[frozenset[str], ...]], ...]:
        """(index, prefix literals, needed literal sets) of each part with prefix literals."""
        return tuple(
            (i, prefixes, self.needs[i]) for i, prefixes in enumerate(self.prefixes) if prefixes is not None
        )

    @functools.cached_property
    def separators(self) -> tuple[str, ...]:
        """Each part's uncrossable separators ("" when it runs on the whole text)."""
        return tuple(gate.separators if gate is not None else "" for gate in self.gates)

    @functools.cached_property
    def unanchored(self) -> re.Pattern[str] | None:
        """The alternation of the parts without prefix literals (None: every part has some)."""
        mask = sum(1 << i for i, prefixes in enumerate(self.prefixes) if prefixes is None)
        return self.subset(mask) if mask else None

    def search_anchored(self, text: str, lo: int, hi: int, anchored: dict[int, list[int]]) -> bool:
        """Whether `regex.search(text, lo, hi)` finds a match, given where the parts with prefix literals
        can start (`anchored`: part index -> sorted positions of its prefixes, for the parts whose needed
        literals the text holds): those parts are tried there, the others searched as one alternation.
        A match of the alternation is a match of one part, and a part with prefix literals starts with
        one of them."""
        compiled = self.compiled
        for i, starts in anchored.items():
            match = compiled[i].match
            for k in range(bisect.bisect_left(starts, lo), len(starts)):
                pos = starts[k]
                if pos >= hi:
                    break
                if match(text, pos, hi) is not None:
                    return True
        rest = self.unanchored
        return rest is not None and rest.search(text, lo, hi) is not None

    def subset(self, mask: int) -> re.Pattern[str]:
        """The alternation of the parts whose bit is set in `mask` (all bits set: the full regex)."""
        if mask == (1 << len(self.parts)) - 1:
            return self.regex
        return _subset_regex(self.parts, self.firsts, mask)


@functools.lru_cache(maxsize=4096)  # ~1,200 combinations in 10,000 benchmark narratives
def _subset_regex(
    parts: tuple[str, ...], firsts: tuple[frozenset[str] | None, ...], mask: int
) -> re.Pattern[str]:
    chosen = [i for i in range(len(parts)) if mask >> i & 1]
    return re.compile(with_first_chars([parts[i] for i in chosen], [firsts[i] for i in chosen]))


def pattern_set(parts: list[str]) -> PatternSet | None:
    """A PatternSet for already expanded patterns (None when there are none)."""
    if not parts:
        return None
    gates = tuple(gate_for_patterns([part]) for part in parts)
    index: dict[str, int] = {}
    always = 0
    for i, gate in enumerate(gates):
        if gate is None:
            always |= 1 << i
            continue
        for lit in gate.literals:
            index[lit] = index.get(lit, 0) | 1 << i
    firsts = tuple(first_chars(part) for part in parts)
    regex = re.compile(with_first_chars(parts, firsts))
    return PatternSet(regex, tuple(parts), gates, index, always, firsts)


# What a LiteralFinder knows of one literal: its `meets` bits, `anchors` and `opens` entries, and the
# cue lists it gates (`cue_gates`).
LiteralUses = tuple[
    int, tuple[tuple[int, int, int], ...], tuple[tuple[int, tuple[int, ...]], ...], tuple[int, ...]
]


class LiteralFinder:
    """Every occurrence of a fixed set of literals in a text, found in one pass (Aho-Corasick).

    A rule set's gates hold a few hundred literals; searching for each one separately walks the text a
    few hundred times, which was a third of the detector's time. The automaton walks it once.
    """

    def __init__(
        self,
        literals: Iterable[str],
        covers: Iterable[PatternSet] = (),
        by_part: Iterable[PatternSet] = (),
        cues: Iterable[PatternSet] = (),
    ) -> None:
        self.literals = frozenset(literals)
        # The pattern sets whose every gate literal is among `literals` (by id: sets live as long as the
        # cached rules that hold them).
        self.covers = frozenset(id(ps) for ps in covers)
        # For the covered sets that run part by part: each gate literal's (pattern set id, parts it
        # opens), for the parts without prefix literals (those are tried where their prefixes occur;
        # see PatternSet.anchored_parts).
        self.opens: dict[str, list[tuple[int, tuple[int, ...]]]] = {}
        # For the parts with prefix literals: each prefix's (pattern set id, part index, the literal
        # sets the part needs besides the prefix), so a text's parts are found from its prefixes.
        # The needed sets are numbered and a part's are a bit mask over those numbers; `meets` has,
        # for each literal, the bits of the sets holding it. A text's OR of `meets` over its literals
        # then tells with one AND per part whether it holds one literal of each set the part needs
        # (a few hundred distinct sets: the masks stay small).
        self.anchors: dict[str, list[tuple[int, int, int]]] = {}
        self.meets: dict[str, int] = {}
        numbers: dict[frozenset[str], int] = {}
        by_part = list(by_part)
        cues = list(cues)
        part_sets = {id(ps) for ps in by_part}
        # Cue lists searched around matches are anchored too (see anchored_cues).
        anchored_cues = [ps for ps in cues if not ps.always and id(ps) not in part_sets]
        for ps in by_part:
            for lit, parts in ps.parts_of.items():
                gated = tuple(i for i in parts if ps.prefixes[i] is None)
                if gated:
                    self.opens.setdefault(lit, []).append((id(ps), gated))
        for ps in [*by_part, *anchored_cues]:
            for i, prefixes, needs in ps.anchored_parts:
                for lit in prefixes:
                    # Where the prefix occurs, a needed set holding it is met: leave such sets out.
                    rest = 0
                    for req in needs:
                        if lit not in req:
                            rest |= 1 << numbers.setdefault(req, len(numbers))
                    self.anchors.setdefault(lit, []).append((id(ps), i, rest))
        for req, k in numbers.items():
            for lit in req:
                self.meets[lit] = self.meets.get(lit, 0) | 1 << k
        # Cue lists searched around matches (sentence-wide exclusions): for each literal, the ids of the
        # lists it gates. Every match of such a list holds one of its gate literals, so a window of text
        # where none occurs needs no search (lists with an ungated part are left out: they can match
        # anywhere).
        self.gated_cues = frozenset(id(ps) for ps in cues if not ps.always)
        # Of those, the lists whose parts with prefix literals are anchored like the parts above, so that
        # a window is searched only where such a part can start (see PatternSet.search_anchored).
        self.anchored_cues = frozenset(id(ps) for ps in anchored_cues)
        cue_gates: dict[str, list[int]] = {}
        for ps in cues:
            if id(ps) in self.gated_cues:
                for lit in ps.index:
                    cue_gates.setdefault(lit, []).append(id(ps))
        self._automaton: Any = ahocorasick.Automaton()
        # In sorted order: the trie's nodes are then allocated in the order a walk down it meets them,
        # so a text's walk touches fewer cache lines (the automaton is walked once per text, mostly
        # after other work has pushed it out of the cache).
        for lit in sorted(self.literals):
            # The literal itself (not a slice of the text) keys the result: its hash is computed once.
            # Its uses come along (see occurrences), so a text's literals need no further lookups.
            uses = (
                self.meets.get(lit, 0),
                tuple(self.anchors.get(lit, ())),
                tuple(self.opens.get(lit, ())),
                tuple(cue_gates.get(lit, ())),
            )
            self._automaton.add_word(lit, (lit, len(lit) - 1, uses))
        if self.literals:
            self._automaton.make_automaton()

    def positions(self, text: str) -> dict[str, list[int]]:
        """Start offsets of the literals that occur in text (the others are absent from the result)."""
        return self.occurrences(text)[0]

    def occurrences(self, text: str) -> tuple[dict[str, list[int]], list[tuple[str, LiteralUses, list[int]]]]:
        """`positions`, plus each literal found with its uses (see LiteralUses) and its positions (the
        same list), in the order first found."""
        found: dict[str, list[int]] = {}
        uses: list[tuple[str, LiteralUses, list[int]]] = []
        if not self.literals:
            return found, uses
        for end, (lit, back, lit_uses) in self._automaton.iter(text):
            occurrences = found.get(lit)
            if occurrences is None:
                occurrences = found[lit] = [end - back]
                uses.append((lit, lit_uses, occurrences))
            else:
                occurrences.append(end - back)
        return found, uses


def literal_finder(
    by_part: Iterable[PatternSet | None],
    alternations: Iterable[PatternSet | None] = (),
    cues: Iterable[PatternSet | None] = (),
) -> LiteralFinder:
    """One finder for the literals the detector looks up in the given pattern sets.

    Sets in `by_part` run part by part (find_matches): their gate, further and prefix literals. Sets in
    `alternations` run as one alternation (find_exploitation): their gate literals only. Sets in `cues`
    are searched in windows around matches: their gate literals tell which windows can hold a match.
    """
    parts = [ps for ps in by_part if ps is not None]
    whole = [ps for ps in alternations if ps is not None]
    cue_sets = [ps for ps in cues if ps is not None]
    literals = {lit for ps in parts + whole + cue_sets for lit in ps.index}
    literals |= {lit for ps in parts + cue_sets for part in ps.further for req in part for lit in req}
    literals |= {lit for ps in parts + cue_sets for part in ps.prefixes if part for lit in part}
    return LiteralFinder(literals, covers=parts + whole, by_part=parts, cues=cue_sets)
