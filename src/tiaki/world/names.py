"""Compose people's names per naming tradition and write them the many ways reports really do."""

from __future__ import annotations

import contextlib
import io
import itertools
import random
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from tiaki.world.data import Culture, Honorific, NamePart

# Neighbouring keys on a QWERTY keyboard: most typing slips hit one of these.
_NEIGHBOURS = {
    "a": "qwsz",
    "b": "vghn",
    "c": "xdfv",
    "d": "serfcx",
    "e": "wsdr",
    "f": "drtgvc",
    "g": "ftyhbv",
    "h": "gyujnb",
    "i": "ujko",
    "j": "huikmn",
    "k": "jiolm",
    "l": "kop",
    "m": "njk",
    "n": "bhjm",
    "o": "iklp",
    "p": "ol",
    "q": "wa",
    "r": "edft",
    "s": "awedxz",
    "t": "rfgy",
    "u": "yhji",
    "v": "cfgb",
    "w": "qase",
    "x": "zsdc",
    "y": "tghu",
    "z": "asx",
}


@dataclass(slots=True)
class PersonName:
    """The ground-truth parts of one person's name."""

    culture: Culture
    given: tuple[NamePart, ...]
    family: NamePart | None
    honorific: Honorific | None
    nickname: NamePart | None
    gender: str

    def _joiner(self) -> str:
        return "" if self.culture.script == "Mymr" else " "

    @property
    def given_name(self) -> str:
        return (
            self._joiner().join(part.name for part in self.given) if self._native_script else self.given_latin
        )

    @property
    def given_latin(self) -> str:
        return " ".join(part.latin for part in self.given)

    @property
    def _native_script(self) -> bool:
        return not self.culture.meta.get("native_is_latin", False)

    @property
    def family_name(self) -> str:
        if self.family is None:
            return ""
        return self.family.name if self._native_script else self.family.latin

    @property
    def script(self) -> str:
        return self.culture.script

    def full_name(self) -> str:
        """The name as written in its own script and order."""
        return self._compose(latin=not self._native_script)

    def latin_name(self) -> str:
        """The standard romanisation in the culture's own order (no honorific except Saw/Naw)."""
        return self._compose(latin=True)

    def _compose(self, *, latin: bool) -> str:
        culture = self.culture
        pick = (lambda p: p.latin) if latin else (lambda p: p.name)
        joiner = " " if latin else self._joiner()
        given = joiner.join(pick(part) for part in self.given)
        if culture.order == "syllables":
            # Karen Saw/Naw is part of the name on documents; Burmese honorifics are not.
            if culture.code == "ksw" and self.honorific is not None:
                prefix = self.honorific.latin if latin else self.honorific.name
                return f"{prefix}{joiner}{given}"
            return given
        if self.family is None:
            return given
        family = pick(self.family)
        if culture.order == "family_first":
            return f"{family} {given}"
        if culture.order == "patronymic":
            connector = culture.meta[f"connector_{self.gender}"] if self.gender in ("m", "f") else ""
            return f"{given} {connector} {family}" if connector else f"{given} {family}"
        return f"{given} {family}"

    def nickname_text(self) -> str:
        parts = [n for part in self.given for n in part.nicknames]
        if self.nickname is not None:
            return f"{self.nickname.name}|{self.nickname.latin}"
        return "|".join(dict.fromkeys(parts))


class NameSampler:
    """Vectorised sampling of name parts for one culture."""

    def __init__(self, culture: Culture) -> None:
        self.culture = culture
        self._tables: dict[tuple[str, str], tuple[list[NamePart], np.ndarray]] = {}
        self._parts: dict[str, tuple[list[NamePart], np.ndarray]] = {}
        self._compounds: dict[tuple[str, ...], NamePart] = {}
        self._lengths: tuple[list[int], np.ndarray] = ([2], np.ones(1))

    def _table(self, kind: str, gender: str) -> tuple[list[NamePart], np.ndarray]:
        key = (kind, gender)
        if key not in self._tables:
            parts: list[NamePart] = getattr(self.culture, kind)
            chosen = [p for p in parts if p.gender in (gender, "u")] or list(parts)
            weights = np.array([p.weight for p in chosen], dtype=float)
            self._tables[key] = (chosen, weights / weights.sum())
        return self._tables[key]

    def _compound(self, rng: np.random.Generator) -> NamePart:
        """A family name made of two or more elements (Thai Si + suk, Sinhala Jaya + singhe).

        ``family_compound_lengths`` (with ``family_compound_length_weights``) in meta.toml lets a tradition
        build longer names: every element but the last is drawn from the 'first' parts, so Thai names such
        as Suwan + na + phong (three elements) make family names effectively unique to one family.
        """
        meta = self.culture.meta
        if not self._parts:
            for position in ("first", "last"):
                parts = [p for p in self.culture.family_parts if p.position == position]
                weights = np.array([p.weight for p in parts], dtype=float)
                cumulative = np.cumsum(weights / weights.sum())
                cumulative[-1] = 1.0
                self._parts[position] = (parts, cumulative)
            lengths = [int(n) for n in meta.get("family_compound_lengths", [2])]
            length_weights = _normalise(meta.get("family_compound_length_weights", [1.0] * len(lengths)))
            self._lengths = (lengths, np.cumsum(length_weights))
        firsts, first_c = self._parts["first"]
        lasts, last_c = self._parts["last"]
        lengths, length_c = self._lengths
        count = lengths[0]
        if len(lengths) > 1:
            count = lengths[min(int(np.searchsorted(length_c, rng.random(), side="right")), len(lengths) - 1)]
        while True:
            draws = rng.random(count)
            chosen = [firsts[int(np.searchsorted(first_c, u, side="right"))] for u in draws[:-1]]
            chosen.append(lasts[int(np.searchsorted(last_c, draws[-1], side="right"))])
            if all(a.name != b.name for a, b in itertools.pairwise(chosen)):
                break
        key = tuple(p.name for p in chosen)
        if key not in self._compounds:
            latins = [p.latin if i == 0 else p.latin.lower() for i, p in enumerate(chosen)]
            spellings = []
            for i, part in enumerate(chosen):
                for variant in part.variants:
                    spelled = list(latins)
                    spelled[i] = variant if i == 0 else variant.lower()
                    spellings.append("".join(spelled))
            variants = tuple(dict.fromkeys(spellings))
            self._compounds[key] = NamePart("".join(key), "".join(latins), variants, "u", 1.0)
        return self._compounds[key]

    def _draw(self, kind: str, gender: str, size: int, rng: np.random.Generator) -> list[NamePart]:
        parts, probs = self._table(kind, gender)
        return [parts[i] for i in rng.choice(len(parts), size=size, p=probs)]

    def sample(
        self, genders: list[str], ages: list[int], rng: np.random.Generator, prng: random.Random
    ) -> list[PersonName]:
        culture, meta, n = self.culture, self.culture.meta, len(genders)
        names: list[PersonName | None] = [None] * n
        for gender in ("m", "f"):
            idx = [i for i, g in enumerate(genders) if g == gender]
            if not idx:
                continue
            k = len(idx)
            if culture.order == "syllables":
                counts = rng.choice(
                    np.array(meta["syllable_counts"]), size=k, p=_normalise(meta["syllable_weights"])
                )
                pool = self._draw("syllables", gender, int(counts.sum()), rng)
                given_lists: list[tuple[NamePart, ...]] = []
                pos = 0
                for c in counts:
                    syllables = pool[pos : pos + c]
                    pos += c
                    if c >= 2 and prng.random() < meta.get("repeat_rate", 0.0):
                        syllables = [syllables[0], syllables[0], *syllables[2:]]
                    given_lists.append(tuple(syllables))
            else:
                firsts = self._draw("given", gender, k, rng)
                if culture.middle:
                    middles = self._draw("middle", gender, k, rng)
                    given_lists = [(m, g) for m, g in zip(middles, firsts, strict=True)]
                else:
                    given_lists = [(g,) for g in firsts]
            if culture.order == "patronymic":
                families: list[NamePart | None] = list(self._draw("given", "m", k, rng))
            elif culture.family:
                families = list(self._draw("family", gender, k, rng))
                compound = meta.get("family_compound_rate", 0.0)
                if compound:
                    families = [self._compound(rng) if prng.random() < compound else f for f in families]
                single = meta.get("single_name_rate", 0.0)
                families = [None if prng.random() < single else f for f in families]
                if single and culture.single:
                    # People known by one name only carry the names that are used alone (Javanese Sutrisno),
                    # not the first element of a longer name (Muhammad, Siti).
                    alone = self._draw("single", gender, k, rng)
                    given_lists = [
                        (alone[j],) if f is None else given
                        for j, (f, given) in enumerate(zip(families, given_lists, strict=True))
                    ]
            else:
                families = [None] * k
            nicknames: list[NamePart | None] = [None] * k
            if culture.nicknames:
                rate = meta.get("nickname_rate", 0.0)
                drawn = self._draw("nicknames", gender, k, rng)
                nicknames = [d if prng.random() < rate else None for d in drawn]
            for j, i in enumerate(idx):
                honorific = _honorific(culture, gender, ages[i], prng)
                names[i] = PersonName(culture, given_lists[j], families[j], honorific, nicknames[j], gender)
        return [name for name in names if name is not None]


def _normalise(weights: list[float]) -> np.ndarray:
    array = np.array(weights, dtype=float)
    return array / array.sum()


def _honorific(culture: Culture, gender: str, age: int, prng: random.Random) -> Honorific | None:
    fits = [h for h in culture.honorifics if h.gender == gender and h.min_age <= age <= h.max_age]
    return prng.choice(fits) if fits else None


@lru_cache(maxsize=65536)
def to_zawgyi(text: str) -> str:
    """Re-encode Unicode Burmese as Zawgyi, as text typed on many older phones arrives."""
    from myanmar.converter import convert

    # The converter prints debugging lines for some syllables; keep them off our stdout.
    with contextlib.redirect_stdout(io.StringIO()):
        return str(convert(text, "unicode", "zawgyi"))


def typo(text: str, prng: random.Random) -> str:
    """One typing slip: swapped, dropped, doubled or neighbouring letter."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 3:
        return text
    i = prng.choice(letters[1:])
    op = prng.randrange(4)
    if op == 0 and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if op == 1:
        return text[:i] + text[i + 1 :]
    if op == 2:
        return text[:i] + text[i] + text[i:]
    near = _NEIGHBOURS.get(text[i].lower())
    if not near:
        return text[:i] + text[i + 1 :]
    repl = prng.choice(near)
    return text[:i] + (repl.upper() if text[i].isupper() else repl) + text[i + 1 :]


class MentionWriter:
    """Writes a person's name as one report would: scripts, romanisations, order, slips and nicknames."""

    def __init__(self, rates: dict[str, float]) -> None:
        self.r = rates

    def write(
        self, person: PersonName, prng: random.Random, *, allow_nickname: bool = True
    ) -> tuple[str, str]:
        """Return (written name, ISO 15924 script; 'Qaag' marks Zawgyi-encoded Burmese)."""
        r, culture = self.r, person.culture
        if allow_nickname and prng.random() < r["nickname_rate"]:
            nick = self._nickname(person, prng)
            if nick is not None:
                return nick
        # Names kept in Latin on documents (Malaysian Indian names on a MyKad) have no native form to lose.
        native_latin = culture.script == "Latn" and not culture.meta.get("native_is_latin", False)
        use_latin = culture.script == "Latn" or prng.random() < r["latin_rate"]
        if native_latin:
            # Latin-script names: diacritics (Vietnamese, Māori macrons) are what gets lost.
            drop = prng.random() < r["drop_diacritics_rate"]
            pick = (lambda p: p.latin) if drop else (lambda p: p.name)
        elif use_latin:
            pick = lambda p: p.latin  # noqa: E731
        else:
            pick = lambda p: p.name  # noqa: E731
        variant_part = None
        if use_latin and prng.random() < r["variant_romanisation_rate"]:
            candidates = [p for p in (*person.given, person.family) if p is not None and p.variants]
            if candidates:
                variant_part = prng.choice(candidates)
                variant_text = prng.choice(variant_part.variants)

        def text(part: NamePart) -> str:
            return variant_text if part is variant_part else pick(part)

        given = [text(p) for p in person.given]
        family = text(person.family) if person.family is not None else ""
        joiner = "" if (culture.script == "Mymr" and not use_latin) else " "
        order = culture.order
        swap = prng.random() < r["swap_order_rate"]
        meta = culture.meta
        if use_latin and family and "initials_rate" in meta and prng.random() < meta["initials_rate"]:
            if meta.get("initials_father_first"):
                name = f"{family[0]}. {' '.join(given)}"
            else:
                name = f"{'. '.join(g[0] for g in given)}. {family}"
        elif order == "syllables":
            name = joiner.join(given)
            honorific = person.honorific
            if honorific is not None and prng.random() < meta.get("honorific_in_mention_rate", 0.0):
                name = f"{honorific.latin} {name}" if use_latin else f"{honorific.name}{name}"
        elif not family:
            name = " ".join(given)
        elif order == "family_first":
            name = f"{' '.join(given)} {family}" if swap else f"{family} {' '.join(given)}"
        elif order == "patronymic":
            connector = meta.get(f"connector_{person.gender}", "")
            roll = prng.random()
            if connector and roll < 0.2:
                connector = ""
            elif connector and roll < 0.4:
                connector = prng.choice(meta.get(f"connector_variants_{person.gender}", [connector]))
            name = " ".join(x for x in (" ".join(given), connector, family) if x)
        else:
            name = f"{family.upper()} {' '.join(given)}" if swap else f"{' '.join(given)} {family}"
        script = "Latn" if use_latin else culture.script
        if script == "Latn":
            if prng.random() < r["uppercase_rate"]:
                name = name.upper()
            if prng.random() < r["typo_rate"]:
                name = typo(name, prng)
        elif script == "Mymr" and prng.random() < r["zawgyi_rate"]:
            return to_zawgyi(name), "Qaag"
        return name, script

    def _nickname(self, person: PersonName, prng: random.Random) -> tuple[str, str] | None:
        culture = person.culture
        if person.nickname is not None:
            nick = person.nickname
            if prng.random() < self.r["latin_rate"]:
                return prng.choice((nick.latin, *nick.variants)), "Latn"
            return nick.name, culture.script
        if culture.code == "vi":
            # Vietnamese call each other by the last syllable of the given name.
            last = person.given[-1]
            return (last.latin if prng.random() < 0.5 else last.name), "Latn"
        for part in person.given:
            if part.nicknames:
                return prng.choice(part.nicknames), "Latn"
        return None

    def passport_style(self, person: PersonName, prng: random.Random) -> str:
        """A name as an airline or visa system records it: Latin capitals, sometimes surname first."""
        given = " ".join(p.latin for p in person.given)
        if person.culture.code == "ksw" and person.honorific is not None:
            given = f"{person.honorific.latin} {given}"
        family = person.family.latin if person.family is not None else ""
        if person.culture.order == "patronymic" and family:
            connector = person.culture.meta.get(f"connector_{person.gender}", "")
            name = " ".join(x for x in (given, connector, family) if x)
        elif family and (person.culture.order == "family_first" or prng.random() < 0.5):
            name = f"{family} {given}"
        elif family:
            name = f"{given} {family}"
        else:
            name = given
        return name.upper()
