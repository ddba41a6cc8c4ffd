"""Personal-name normalisation: keys that let one person's name meet itself across scripts and spellings."""

from __future__ import annotations

import csv
import io
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from anyascii import anyascii

from tiaki.resolution.transliteration import romanise, script_of, zawgyi_to_unicode

_DATA = resources.files("tiaki.resolution") / "data"
_MY_ONSET_START = re.compile(r"^[\u1000-\u1021\u1025-\u102a](?![\u103a\u1039\u1037])")
_SPLIT = re.compile(r"[\s,;:.\-_·/\\|+&]+")
_ALIAS = re.compile(r"[\"“”«»]([^\"“”«»]+)[\"“”«»]|\(([^()]*)\)|'([^']{2,})'")
_NON_KEY = re.compile(r"[^a-z0-9]+")
# A liquid after a vowel and before a consonant or the end of a loose word: written or not by convention
# ("Thandar"/"Thanda", "Kor"/"Kaw", "Thanakorn"/"Thanakon"), so the consonant skeleton leaves it out.
_SKELETON_LIQUID = re.compile(r"(?<=[aeiou])l(?![aeiou])")
_SKELETON_VOWELS = re.compile(r"[aeiouy]+")
_SKELETON_DOUBLES = re.compile(r"(.)\1+")


@dataclass(frozen=True)
class NameParticles:
    """Honorifics (leading titles) and particles (connecting words) loaded from name_particles.toml."""

    version: int
    honorific_sequences: tuple[tuple[str, ...], ...]
    native_prefixes: tuple[str, ...]
    particle_sequences: tuple[tuple[str, ...], ...]
    # Romanised honorifics of traditions whose names keep their word order (Burmese U, Daw; Karen Saw)
    fixed_order_honorifics: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def name_particles() -> NameParticles:
    """Load and check the honorific and particle lists."""
    raw = tomllib.loads((_DATA / "name_particles.toml").read_text(encoding="utf-8"))
    if not isinstance(raw.get("version"), int):
        raise ValueError("name_particles.toml: integer 'version' is required")
    honorifics = raw.get("honorifics", {})
    particles = raw.get("particles", {}).get("words", [])
    fixed_groups = raw.get("word_order", {}).get("fixed", [])
    if not isinstance(fixed_groups, list) or not set(fixed_groups) <= set(honorifics):
        raise ValueError("name_particles.toml: word_order.fixed must list groups of [honorifics]")
    latin: set[tuple[str, ...]] = set()
    native: set[str] = set()
    fixed: set[str] = set()
    for group, words in honorifics.items():
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise ValueError(f"name_particles.toml: honorifics.{group} must be a list of strings")
        for word in words:
            if script_of(word) in ("latin", ""):
                latin.add(tuple(_fold_latin(word).split()))
            else:
                native.add(unicodedata.normalize("NFC", word))
            if group in fixed_groups:
                fixed.add(romanise(unicodedata.normalize("NFC", word)).lower().strip())
    particle_seqs = {tuple(_split_words(_fold_latin(w))) for w in particles}
    return NameParticles(
        version=int(raw["version"]),
        # longest first so that "tan sri" is taken before "tan"
        honorific_sequences=tuple(sorted(latin, key=len, reverse=True)),
        native_prefixes=tuple(sorted(native, key=len, reverse=True)),
        particle_sequences=tuple(sorted(particle_seqs, key=len, reverse=True)),
        fixed_order_honorifics=frozenset(fixed),
    )


@lru_cache(maxsize=1)
def burmese_syllables() -> frozenset[str]:
    """Loose forms of the Latin syllables of Burmese and Karen names (burmese_syllables.txt)."""
    text = (_DATA / "burmese_syllables.txt").read_text(encoding="utf-8")
    words = (w for line in text.splitlines() for w in line.split("#", 1)[0].split())
    return frozenset(loose(w.lower()) for w in words)


def _fixed_order(script: str, honorifics: list[str], tokens: tuple[str, ...]) -> bool:
    """Whether a name's word order is part of it: a Burmese or Karen name (Myanmar script, a Burmese
    honorific, or in Latin two or more words that are all Burmese name syllables, "Mya Phyo")."""
    if len(tokens) < 2:
        return False
    if script == "myanmar" or not name_particles().fixed_order_honorifics.isdisjoint(honorifics):
        return True
    if script not in ("latin", ""):
        return False
    return burmese_syllables().issuperset(tokens)


@lru_cache(maxsize=1)
def spelling_rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The ordered regular-expression rules that make a romanised word 'loose'."""
    raw = tomllib.loads((_DATA / "spelling_variants.toml").read_text(encoding="utf-8"))
    rules = raw.get("rules")
    if not isinstance(rules, list) or not all(isinstance(r, list) and len(r) == 2 for r in rules):
        raise ValueError("spelling_variants.toml: 'rules' must be a list of [pattern, replacement] pairs")
    return tuple((re.compile(pattern), replacement) for pattern, replacement in rules)


@lru_cache(maxsize=1)
def nicknames() -> dict[str, str]:
    """Familiar forms of given names and the name they stand for (nicknames.csv: nickname,canonical)."""
    mapping: dict[str, str] = {}
    text = (_DATA / "nicknames.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames != ["nickname", "canonical"]:
        raise ValueError("nicknames.csv: header must be nickname,canonical")
    for row in reader:
        mapping.setdefault(row["nickname"].strip().lower(), row["canonical"].strip().lower())
    return mapping


def fold(text: str) -> str:
    """NFC, case-folded, with diacritics removed but the script kept (Thai stays Thai)."""
    # Compatibility forms first (mathematical 𝒩 is N), then case: casefolding before NFKC is not idempotent.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    kept: list[str] = []
    for ch in decomposed:
        # Combining marks are diacritics only for Latin letters; in Brahmic scripts they are vowels.
        if unicodedata.category(ch) == "Mn" and (kept and ord(kept[-1]) < 0x0250):
            continue
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)).replace("đ", "d").replace("ł", "l").replace("ø", "o")


def _fold_latin(text: str) -> str:
    return anyascii(fold(text)).lower().strip()


def _split_words(text: str) -> list[str]:
    return [w for w in _SPLIT.split(text) if w]


@lru_cache(maxsize=262144)
def loose(word: str) -> str:
    """A romanised word in its loose spelling (Boonmee -> punmi, Bunmi -> punmi)."""
    out = word
    for pattern, replacement in spelling_rules():
        out = pattern.sub(replacement, out)
    return out


@lru_cache(maxsize=262144)
def skeleton(word: str) -> str:
    """The consonants of a loose word, in order: romanisations of one name differ mostly in their vowels.

    RTGS "Sukhama"/"Sukma", Burmese "We"/"Wai", Sinhala "Karunarathna"/"Karunaratne" and Tamil
    "Kirushnan"/"Krishnan" each share one skeleton. A coarse key: it is evidence only with the
    other fields, and the model weighs it as such. A word of vowels only keeps its first letter.
    """
    bare = _SKELETON_DOUBLES.sub(r"\1", _SKELETON_VOWELS.sub("", _SKELETON_LIQUID.sub("", word)))
    return bare or word[:1]


@dataclass(frozen=True)
class NameKeys:
    """Every key derived from one name string, with the original kept verbatim."""

    original: str
    script: str = ""
    folded: str = ""
    latin: str = ""
    honorifics: str = ""
    aliases: str = ""
    tokens: tuple[str, ...] = field(default_factory=tuple)
    loose_tokens: tuple[str, ...] = field(default_factory=tuple)
    # Whether the keys keep the written word order (see normalise_name's fixed_order); otherwise they sort
    # the words, so that "Tran Van Hung" meets "HUNG TRAN VAN".
    ordered: bool = False
    # Initials written in place of a word ("R. Perera": "r"), and the other words as (first letter of the
    # romanised word, loose word) pairs; see initials_key and expansions.
    initials: tuple[str, ...] = field(default_factory=tuple)
    full_words: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # Latin words written with diacritics, as (word without them, word with them): "Tuấn" -> ("tuan",
    # "tuấn"). See marked_words.
    marked: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def _order(self, words: tuple[str, ...] | list[str]) -> list[str]:
        return list(words) if self.ordered else sorted(words)

    @property
    def sorted(self) -> str:
        """Romanised words in alphabetical order: name-order independent (unless `ordered`)."""
        return " ".join(self._order(self.tokens))

    @property
    def loose(self) -> str:
        """Loose-spelling words in alphabetical order (unless `ordered`)."""
        return " ".join(self._order(self.loose_tokens))

    @property
    def joined(self) -> str:
        """Loose spelling in the given order without spaces ("Aung San" meets "Aungsan")."""
        return "".join(self.loose_tokens)

    @property
    def joined_sorted(self) -> str:
        """Loose spelling, words sorted (unless `ordered`), without spaces."""
        return "".join(self._order(self.loose_tokens))

    @property
    def skeleton(self) -> str:
        """Consonant skeletons of the words, sorted (unless `ordered`): vowel spellings and word order set
        aside."""
        return " ".join(self._order([skeleton(t) for t in self.loose_tokens]))

    @property
    def skeleton_joined(self) -> str:
        """Consonant skeleton of the whole name in the given order, without spaces ("Thura" = "Thu Ra")."""
        return skeleton("".join(self.loose_tokens))

    @property
    def initials_key(self) -> str:
        """For a name written with initials, its full words (loose, sorted) and its initials (sorted):
        "R. Perera" -> "pelela|r". Empty for a name without initials or without a full word."""
        if not self.initials or not self.full_words:
            return ""
        return _initials_key([w for _first, w in self.full_words], list(self.initials))

    def expansions(self) -> list[str]:
        """The initials keys this name would have with some of its full words written as initials, at least
        one word kept whole: "Rasika Perera" -> "lasika|p", "pelela|r". Sri Lankan (Sinhala and Tamil)
        and Malaysian Indian names are written so ("R. Perera", "M. Ravi", the father's initial first)."""
        words = self.full_words
        if len(words) < 2 or len(words) > MAX_EXPANDED_WORDS:
            return []
        keys: set[str] = set()
        for mask in range(1, (1 << len(words)) - 1):
            kept = [w for i, (_f, w) in enumerate(words) if not mask >> i & 1]
            initials = [f for i, (f, _w) in enumerate(words) if mask >> i & 1]
            keys.add(_initials_key(kept, [*self.initials, *initials]))
        return sorted(keys)


# Names with more full words than this get no initials expansions (2**n - 2 of them).
MAX_EXPANDED_WORDS = 5


def marked_words(text: str) -> tuple[tuple[str, str], ...]:
    """The Latin words of text that carry diacritics, as (romanised word without them, word with them).

    In Vietnamese the marks tell syllables apart: Tuấn and Tuân, Khánh and Khanh, Thủy and Thúy are
    different given names, all "tuan", "khanh", "thuy" once folded. Vietnamese is as often typed without
    marks (a foreign keyboard, a passport's machine-readable line), so a word without marks says nothing
    either way; but a word both writers marked, marked differently, is two words. The same holds of any
    Latin-script name (José and Josè are typed by someone who chose the accent).
    """
    if text.isascii():
        return ()  # most names: nothing to fold
    words = _split_words(unicodedata.normalize("NFC", unicodedata.normalize("NFKC", text).casefold()))
    found: set[tuple[str, str]] = set()
    for word in words:
        plain = fold(word)
        if plain != word and script_of(word) == "latin":
            found.add((anyascii(plain).lower(), word))
    return tuple(sorted(found))


def _initials_key(words: list[str], initials: list[str]) -> str:
    return " ".join(sorted(words)) + "|" + "".join(sorted(initials))


def _strip_native_prefix(word: str, prefixes: tuple[str, ...]) -> tuple[str, str]:
    """Take an attached native-script title off a word ("นายวิชัย" -> "นาย", "วิชัย")."""
    for prefix in prefixes:
        if word == prefix or not word.startswith(prefix):
            continue
        rest = word[len(prefix) :]
        script = script_of(prefix)
        # In Burmese a title must end at a syllable boundary: မ (Ma) must not be cut off မင်း (Min).
        if script == "myanmar" and not _MY_ONSET_START.match(rest):
            continue
        if len(rest) >= 2:
            return prefix, rest
    return "", word


@lru_cache(maxsize=8)
def _by_first_word(sequences: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The sequences indexed by their first word (longest first within each word)."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for seq in sequences:
        index.setdefault(seq[0], []).append(seq)
    return {word: tuple(seqs) for word, seqs in index.items()}


def _take_sequences(
    words: list[str], sequences: tuple[tuple[str, ...], ...], *, leading_only: bool
) -> tuple[list[str], list[str]]:
    """Remove word sequences (titles or particles) while at least one other word remains."""
    index = _by_first_word(sequences)
    taken: list[str] = []
    out: list[str] = []
    i = 0
    while i < len(words):
        matched = None
        if not leading_only or not out:
            for seq in index.get(words[i], ()):
                if tuple(words[i : i + len(seq)]) == seq and len(words) - len(taken) - len(seq) >= 1:
                    matched = seq
                    break
        if matched:
            taken.append(" ".join(matched))
            i += len(matched)
            continue
        out.append(words[i])
        i += 1
    return out, taken


def normalise_name(raw: str | None, *, fixed_order: bool = False) -> NameKeys:
    """Name keys for matching; never raises, and keeps the original string.

    With `fixed_order`, a Burmese or Karen name keeps its word order in the keys: its syllables are never
    reordered by the people who write it, so ဖြိုးမြ (Phyo Mya) and မြဖြိုး (Mya Phyo) are two names.
    Reports are matched so; traveller and watchlist records are not, as a name printed in a passport's
    surname and given-name fields ("MIN AUNG" for Aung Min) may come out reordered.
    """
    original = "" if raw is None else str(raw)
    text = unicodedata.normalize("NFC", original).strip()
    if not text:
        return NameKeys(original=original)
    text = zawgyi_to_unicode(text)
    aliases = [next(g for g in m.groups() if g) for m in _ALIAS.finditer(text) if any(m.groups())]
    main = _ALIAS.sub(" ", text) if aliases else text
    if not main.strip():
        main, aliases = text, []
    script = script_of(main)
    particles = name_particles()

    # Titles written in the native script, standalone or attached to the next word.
    folded = fold(main)
    words = _split_words(folded.replace("a/l", " a/l ").replace("a/p", " a/p "))
    words = [w for w in re.split(r"\s+", " ".join(words)) if w]
    native_titles: list[str] = []
    while words:
        if words[0] in particles.native_prefixes and len(words) > 1:
            native_titles.append(words.pop(0))
            continue
        title, rest = _strip_native_prefix(words[0], particles.native_prefixes)
        if title:
            native_titles.append(title)
            words[0] = rest
            continue
        break

    romanised: list[str] = []
    for word in words:
        # text was converted from Zawgyi above; converting each word again can misfire on short words
        latin = romanise(word, "myanmar_unicode" if script_of(word) == "myanmar" else None).lower()
        # Burmese romanisation separates syllables with spaces, as Burmese names are written in Latin.
        romanised.extend(w for w in (_NON_KEY.sub(" ", latin)).split() if w)
    # Taking a particle can bare a leading title ("b u aung": "b" for bin, then the Burmese "U"), so both
    # are taken until neither finds more: a name's keys must be their own keys.
    titles: list[str] = []
    while True:
        romanised, taken = _take_sequences(romanised, particles.honorific_sequences, leading_only=True)
        titles += taken
        romanised, dropped = _take_sequences(romanised, particles.particle_sequences, leading_only=False)
        if not taken and not dropped:
            break
    honorifics = [romanise(t).lower() for t in native_titles] + titles
    # Loose keys stand for the person, not the spelling: familiar forms become the full name and
    # numbers (ordinals such as "1st", "16th") are dropped (the words are of a-z and 0-9 by now).
    familiar = nicknames()
    looses = [(w, key) for w in romanised if w.isalpha() if (key := loose(familiar.get(w, w)))]
    kept = tuple(key for _w, key in looses)
    # A single Latin letter is an initial ("R. Perera"); Burmese and Thai syllables romanised from script
    # ("E", "U") are words.
    latin_name = script in ("latin", "")

    def is_initial(word: str) -> bool:
        return latin_name and len(word) == 1 and word.isalpha()

    initials = tuple(w for w in romanised if is_initial(w))
    full_words = tuple((w[0], key) for w, key in looses if not is_initial(w))
    return NameKeys(
        original=original,
        script=script,
        folded=" ".join(_split_words(folded)),
        latin=" ".join(romanised),
        honorifics=" ".join(honorifics),
        aliases="; ".join(a.strip() for a in aliases),
        tokens=tuple(romanised),
        loose_tokens=kept,
        ordered=fixed_order and _fixed_order(script, honorifics, kept),
        initials=initials,
        full_words=full_words,
        marked=marked_words(main) if latin_name else (),
    )
