"""Romanisation of Thai, Myanmar, Sinhala and Tamil names into the Latin spellings people use."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from anyascii import anyascii

if TYPE_CHECKING:
    from pythainlp.util import Trie

# Scripts are decided per character by Unicode block; Latin covers the Latin blocks with diacritics.
_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0E00, 0x0E7F, "thai"),
    (0x1000, 0x109F, "myanmar"),
    (0xAA60, 0xAA7F, "myanmar"),
    (0xA9E0, 0xA9FF, "myanmar"),
    (0x0D80, 0x0DFF, "sinhala"),
    (0x0B80, 0x0BFF, "tamil"),
    (0x0000, 0x024F, "latin"),
    (0x1E00, 0x1EFF, "latin"),
)


_ASCII_LETTER = re.compile("[A-Za-z]")
_MYANMAR_LETTER = re.compile("[\u1000-\u109f]")


@lru_cache(maxsize=65536)
def _char_script(ch: str) -> str:
    """The script of one letter or mark; '' for anything else."""
    if not ch.isalpha() and not unicodedata.category(ch).startswith("M"):
        return ""
    code = ord(ch)
    for low, high, script in _SCRIPT_RANGES:
        if low <= code <= high:
            return script
    return "other"


def script_of(text: str) -> str:
    """The dominant script of the letters in text: thai, myanmar, sinhala, tamil, latin, other or ''."""
    if text.isascii():  # most names: romanised
        return "latin" if _ASCII_LETTER.search(text) else ""
    counts: dict[str, int] = {}
    for ch in text:
        name = _char_script(ch)
        if name:
            counts[name] = counts.get(name, 0) + 1
    if not counts:
        return ""
    return max(counts.items(), key=lambda item: item[1])[0]


# Zero-width joiner and non-joiner: how a conjunct is drawn (Sinhala ප්‍ර), not which letters it has.
_JOINERS = re.compile("[\u200c\u200d]")


# --- Myanmar ------------------------------------------------------------------------------------
# Burmese names are romanised by convention, not by a standard: "Aung", "Kyaw", "Htun", "Myint",
# "Thant", "Hlaing". The tables follow those conventions syllable by syllable (onset + medials + rhyme).
_MY_ONSETS = {
    "က": "k",
    "ခ": "kh",
    "ဂ": "g",
    "ဃ": "g",
    "င": "ng",
    "စ": "s",
    "ဆ": "hs",
    "ဇ": "z",
    "ဈ": "z",
    "ဉ": "ny",
    "ည": "ny",
    "ဋ": "t",
    "ဌ": "ht",
    "ဍ": "d",
    "ဎ": "d",
    "ဏ": "n",
    "တ": "t",
    "ထ": "ht",
    "ဒ": "d",
    "ဓ": "d",
    "န": "n",
    "ပ": "p",
    "ဖ": "ph",
    "ဗ": "b",
    "ဘ": "b",
    "မ": "m",
    "ယ": "y",
    "ရ": "y",
    "လ": "l",
    "ဝ": "w",
    "သ": "th",
    "ဟ": "h",
    "ဠ": "l",
    "အ": "",
    # S'gaw Karen and Mon letters
    "ၡ": "hs",
    "ၥ": "hs",
    "ၦ": "y",
    "ၧ": "y",
    "ၨ": "y",
    "ၩ": "w",
    "ၪ": "ng",
    "ၮ": "ht",
}
_MY_INDEPENDENT = {"ဣ": "i", "ဤ": "i", "ဥ": "u", "ဦ": "u", "ဧ": "e", "ဩ": "aw", "ဪ": "aw", "၏": "i"}
_MY_MEDIAL_Y = "\u103b"
_MY_MEDIAL_R = "\u103c"
_MY_MEDIAL_W = "\u103d"
_MY_MEDIAL_H = "\u103e"
_MY_ASAT = "\u103a"
_MY_VIRAMA = "\u1039"
_MY_DOT_BELOW = "\u1037"
_MY_VISARGA = "\u1038"
_MY_ANUSVARA = "\u1036"
# Vowel signs by key (sorted marks); values are the open-syllable rhyme.
_MY_VOWELS_OPEN = {
    "": "a",
    # ာ in an open syllable is written "ar" in names (Zar, Htar, Thandar, Yadanar, Nilar)
    "ာ": "ar",
    "ါ": "ar",
    "ိ": "i",
    "ီ": "i",
    "ု": "u",
    "ူ": "u",
    # ေ is written "ay" in names (May, Nay, Htay, Wai/Way) and ဲ "e" (Ye, Bwe); see _my_rhyme for ွေ "we".
    "ေ": "ay",
    "ဲ": "e",
    "ော": "aw",
    "ေါ": "aw",
    "ို": "o",
    "ံ": "an",
    "ုံ": "on",
    "ိံ": "ein",
}
# Closed syllables: (vowel marks, final consonant) -> rhyme.
_MY_FINALS = {
    "င": {"": "in", "ာ": "in", "ို": "aing", "ော": "aung", "ေါ": "aung", "ေ": "aing", "ု": "aung"},
    # ည် is "i" (Pyi, Nyi), but ည့် in names "ae" (Pyae); see _my_rhyme
    "ည": {"": "i", "ိ": "ein", "ု": "on"},
    "ဉ": {"": "in", "ိ": "ein", "ု": "on"},
    "န": {"": "an", "ိ": "ein", "ု": "on", "ွ": "un"},
    "မ": {"": "an", "ိ": "ein", "ု": "on", "ွ": "un"},
    "ဏ": {"": "an"},
    "တ": {"": "at", "ိ": "eik", "ု": "ok", "ွ": "ut"},
    "က": {"": "et", "ို": "aik", "ော": "auk", "ေါ": "auk"},
    "စ": {"": "it"},
    "ပ": {"": "at", "ိ": "eik", "ု": "ok", "ွ": "ut"},
    "ယ": {"": "e"},
    "ဋ": {"": "at"},
}
_MY_NASAL_FINALS = {"င", "ည", "ဉ", "န", "မ", "ဏ"}


def _my_is_killed(text: str, j: int) -> bool:
    """Whether the consonant before position j carries an asat or virama (so it closes a syllable)."""
    while j < len(text) and text[j] == _MY_DOT_BELOW:
        j += 1
    return j < len(text) and text[j] in (_MY_ASAT, _MY_VIRAMA)


def _my_syllables(text: str) -> list[tuple[str, str, str, str]]:
    """Split Myanmar text into (onset, medials, vowel marks, final) syllables."""
    syllables: list[tuple[str, str, str, str]] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in _MY_ONSETS or ch in _MY_INDEPENDENT:
            onset = ch
            i += 1
            medials = ""
            marks = ""
            final = ""
            while i < n:
                c = text[i]
                if c in (_MY_MEDIAL_Y, _MY_MEDIAL_R, _MY_MEDIAL_W, _MY_MEDIAL_H):
                    medials += c
                elif c in "ာါိီုူေဲံ":
                    marks += c
                elif c in (_MY_DOT_BELOW, _MY_VISARGA):
                    marks += c
                elif c in _MY_ONSETS and _my_is_killed(text, i + 1):
                    final = c
                    i += 1
                    # the creaky-tone dot may be typed before or after the asat
                    while i < n and text[i] in (_MY_DOT_BELOW, _MY_ASAT, _MY_VIRAMA):
                        if text[i] == _MY_DOT_BELOW:
                            marks += text[i]
                        i += 1
                    # tone marks after the killed final still belong to this syllable
                    while i < n and text[i] in (_MY_DOT_BELOW, _MY_VISARGA):
                        marks += text[i]
                        i += 1
                    break
                else:
                    break
                i += 1
            syllables.append((onset, medials, marks, final))
        else:
            syllables.append(("", "", "", ch))
            i += 1
    return syllables


def _my_rhyme(medials: str, marks: str, final: str) -> str:
    creaky = _MY_DOT_BELOW in marks
    vowels = "".join(sorted(c for c in marks if c not in (_MY_DOT_BELOW, _MY_VISARGA)))
    if final:
        key = vowels if vowels else ("ွ" if _MY_MEDIAL_W in medials else "")
        table = {"".join(sorted(k)): v for k, v in _MY_FINALS.get(final, {"": "a"}).items()}
        rhyme = table.get("".join(sorted(key))) or table.get("") or "a"
        if _MY_MEDIAL_W in medials and key == "ွ" and rhyme not in ("an", "at"):
            pass
        elif _MY_MEDIAL_W in medials and rhyme in ("an", "at"):
            # ွန် "un", ွတ် / ွဋ် "ut" (Htun, Htut)
            rhyme = "u" + rhyme[1:]
        if final == "ည" and creaky and not vowels:
            return "ae"
        # Creaky-tone nasal finals are written with a t by convention: Myint, Thant.
        if creaky and final in _MY_NASAL_FINALS and rhyme.endswith("n"):
            rhyme += "t"
        return rhyme
    open_key = "".join(sorted(vowels))
    for candidate, value in _MY_VOWELS_OPEN.items():
        if "".join(sorted(candidate)) == open_key:
            if _MY_MEDIAL_W in medials and value in ("a", "ar"):
                return "w" + value
            if _MY_MEDIAL_W in medials and value == "ay":
                # ွေ is "we" by convention: Shwe, Swe, Thwe
                return "e"
            return value
    return "a"


def _my_onset(onset: str, medials: str) -> str:
    base = _MY_ONSETS.get(onset, _MY_INDEPENDENT.get(onset, ""))
    if _MY_MEDIAL_H in medials:
        # ရှ and ယှ are both "sh" (Shwe, Shar); လျှ is "sh" as well
        if onset in ("ရ", "ယ") or (onset == "လ" and _MY_MEDIAL_Y in medials):
            return "sh" + ("w" if _MY_MEDIAL_W in medials else "")
        base = "h" + base
    if _MY_MEDIAL_Y in medials or _MY_MEDIAL_R in medials:
        # ကျ / ကြ are both "ky"; မြ is "my"; ချ "ch".
        base = {"kh": "ch", "k": "ky", "g": "gy", "ng": "ny"}.get(base, base + "y")
    if _MY_MEDIAL_W in medials:
        base += "w"
    return base


def romanise_myanmar(text: str) -> str:
    """Romanise Myanmar-script text (Unicode, not Zawgyi) in the conventional name spelling."""
    out: list[str] = []
    for onset, medials, marks, final in _my_syllables(text):
        if not onset:
            out.append(final if not unicodedata.category(final).startswith("M") else "")
            continue
        if onset in _MY_INDEPENDENT:
            out.append(_MY_INDEPENDENT[onset] + (_my_rhyme("", marks, final) if final else ""))
            continue
        head = _my_onset(onset, medials)
        # ဝ as onset rounds -an/-at like the medial ွ: ဝတ် "Wut", ဝဏ္ဏ "Wunna"
        rhyme = _my_rhyme(medials + (_MY_MEDIAL_W if onset == "ဝ" and final else ""), marks, final)
        # အေ "Aye", အိ "Ei", အဲ "Eh": a bare vowel after အ is written with a leading vowel letter
        if onset == "အ" and rhyme == "ay":
            rhyme = "aye"
        elif onset == "အ" and rhyme == "i" and not final:
            rhyme = "ei"
        if (
            len(head) > 1
            and head.endswith("w")
            and (rhyme.startswith(("un", "ut")) or rhyme in ("wa", "war"))
        ):
            head = head[:-1]
        # ရှိုင်း is written "Shine" (Shine Htet), not "Shaing"
        if head == "sh" and rhyme == "aing":
            rhyme = "ine"
        # Burmese names are written in Latin one syllable per word: "Aung San Suu Kyi".
        out.append(" " + head + rhyme + " ")
    return re.sub(r"\s+", " ", "".join(out)).strip()


@lru_cache(maxsize=1)
def _zawgyi_detector() -> object | None:
    try:
        from myanmartools import ZawgyiDetector
    except ImportError:  # pragma: no cover - declared dependency
        return None
    return ZawgyiDetector()


def _is_my_consonant(ch: str) -> bool:
    return 0x1000 <= ord(ch) <= 0x1021


def _impossible_in_unicode(text: str) -> bool:
    """Mark orders Unicode Burmese cannot have but Zawgyi (visual order) does."""
    prev = ""
    for i, ch in enumerate(text):
        code = ord(ch)
        if 0x103B <= code <= 0x103E:
            # a medial follows its consonant, and medials come in code-point order
            if not prev or not (_is_my_consonant(prev) or (0x103B <= ord(prev) < code)):
                return True
        if code == 0x1031 and i + 1 < len(text) and _is_my_consonant(text[i + 1]):
            # Unicode stores the e-vowel after its consonant; Zawgyi stores it first, as it is drawn
            if not prev or not (
                _is_my_consonant(prev) or 0x103B <= ord(prev) <= 0x103E or ord(prev) in (0x102D, 0x102F)
            ):
                return True
        prev = ch
    return False


ZAWGYI_THRESHOLD = 0.9


def zawgyi_to_unicode(text: str) -> str:
    """Convert Burmese text from Zawgyi to Unicode when the detector is confident it is Zawgyi."""
    detector = _zawgyi_detector()
    if detector is None or not _MYANMAR_LETTER.search(text):
        return text
    # The detector is unsure on short names, so an impossible Unicode spelling also counts as evidence.
    # Short Unicode names ("မြမြ", "မေစိုး") score 0.7-0.9, so only a confident score converts on its own.
    if detector.get_zawgyi_probability(text) < ZAWGYI_THRESHOLD and not _impossible_in_unicode(text):  # type: ignore[attr-defined]
        return text
    from myanmar import converter

    return str(converter.convert(text, "zawgyi", "unicode"))


# --- Brahmic abugidas: Sinhala and Tamil ---------------------------------------------------------
_SINHALA_CONSONANTS = dict(
    zip(
        "කඛගඝඞඟචඡජඣඤඥඦටඨඩඪණඬතථදධනඳපඵබභමඹයරලවශෂසහළෆ",
        (
            "k kh g gh n ng ch chh j jh ny gn nj t th d dh n nd th th d dh n nd "
            "p ph b bh m mb y r l w sh sh s h l f"
        ).split(),
        strict=True,
    )
)
_SINHALA_VOWEL_SIGNS = dict(zip("ාැෑිීුූෘෙේෛොෝෞෲ", "a ae ae i i u u ru e e ai o o au ru".split(), strict=True))
_SINHALA_INDEPENDENT = dict(zip("අආඇඈඉඊඋඌඍඑඒඓඔඕඖ", "a a ae ae i i u u ru e e ai o o au".split(), strict=True))
_TAMIL_CONSONANTS = dict(
    zip("கஙசஞடணதநனபமயரறலளழவஜஷஸஹஶ", "k ng s ny t n th n n p m y r r l l zh v j sh s h sh".split(), strict=True)
)
_TAMIL_VOWEL_SIGNS = dict(zip("ாிீுூெேைொோௌ", "a i i u u e e ai o o au".split(), strict=True))
_TAMIL_INDEPENDENT = dict(zip("அஆஇஈஉஊஎஏஐஒஓஔ", "a a i i u u e e ai o o au".split(), strict=True))


def _romanise_abugida(
    text: str,
    consonants: dict[str, str],
    vowel_signs: dict[str, str],
    independent: dict[str, str],
    virama: str,
    nasal: dict[str, str],
) -> str:
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in consonants:
            out.append(consonants[ch])
            nxt = text[i + 1] if i + 1 < n else ""
            if nxt == virama:
                i += 2
                continue
            if nxt in vowel_signs:
                out.append(vowel_signs[nxt])
                i += 2
                continue
            out.append("a")
            i += 1
            continue
        if ch in independent:
            out.append(independent[ch])
        elif ch in nasal:
            out.append(nasal[ch])
        elif ch in vowel_signs or ch == virama or unicodedata.category(ch).startswith("M"):
            pass
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _tamil_common_spelling(word: str) -> str:
    # Tamil writes k/g, t/d, p/b and s/ch with one letter each; everyday spelling voices them
    # between vowels and after nasals (Murugan, Pandian), and doubles ச as "ch" (Pichai).
    word = re.sub(r"(?<=[aeiou])k(?=[aeiou])", "g", word)
    word = re.sub(r"(?<=[n])k", "g", word)
    word = re.sub(r"(?<=[aeiou])p(?=[aeiou])", "b", word)
    word = re.sub(r"(?<=[mn])p", "b", word)
    word = re.sub(r"(?<=[n])th?", "d", word)
    word = word.replace("ss", "chch")
    # ஞ்ச is "nj" (Ranjani, Anjali), not "nys"
    word = word.replace("nys", "nj")
    # Tamil script breaks the consonant clusters of Sanskrit names with a vowel that their Latin spelling
    # leaves out: இராஜேந்திரன் Rajendran (no word starts with r), சந்திரன் Chandran, பிரகாஷ் Prakash,
    # பிரியா Priya, கிருஷ்ணன் Krishnan, சுப்பிரமணியம் Subramaniam.
    word = re.sub(r"^i(?=r[aeiou])", "", word)
    word = re.sub(r"(?<=n)dir(?=a)", "dr", word)
    word = re.sub(r"^pi(?=r[aeiou])", "p", word)
    word = re.sub(r"^kiru(?=sh)", "kri", word)
    word = re.sub(r"(?<=[aeiou])ppir(?=a)", "br", word)
    return word


# The anusvara (ං) before a consonant is the nasal of that consonant's place: "n" before velars, palatals
# and dentals (Asanka, Udayangani, Ranjith, Kanchana), "m" before labials; "ng" before h and at the end
# (සිංහ Singha).
_SINHALA_ANUSVARA = "\x00"
_SINHALA_NASAL_ASSIMILATION = (
    (re.compile(_SINHALA_ANUSVARA + "(?=[kgcjtdn])"), "n"),
    (re.compile(_SINHALA_ANUSVARA + "(?=[pbm])"), "m"),
    (re.compile(_SINHALA_ANUSVARA), "ng"),
)
# Family names ending in සිංහ, නායක, රත්න, කෝන් are written -singhe, -nayake, -ratne, -koon (Jayasinghe,
# Dissanayake, Karunaratne, Tennakoon).
_SINHALA_FAMILY_ENDINGS = (
    (re.compile(r"(singh|nayak)a$"), r"\1e"),
    (re.compile(r"rathna$"), "ratne"),
    (re.compile(r"wardhana$"), "wardena"),
    (re.compile(r"kon$"), "koon"),
)


def romanise_sinhala(text: str) -> str:
    """Romanise Sinhala script with the inherent vowel, as Sinhala names are spelled (Perera, Kumara)."""
    known = name_words()
    return " ".join(
        known.get(_JOINERS.sub("", word)) or _romanise_sinhala_word(word) for word in text.split(" ")
    )


def _romanise_sinhala_word(text: str) -> str:
    raw = _romanise_abugida(
        text,
        _SINHALA_CONSONANTS,
        _SINHALA_VOWEL_SIGNS,
        _SINHALA_INDEPENDENT,
        "\u0dca",
        {"ං": _SINHALA_ANUSVARA, "ඃ": "h"},
    )
    for pattern, replacement in _SINHALA_NASAL_ASSIMILATION:
        raw = pattern.sub(replacement, raw)
    words = raw.split(" ")
    for pattern, replacement in _SINHALA_FAMILY_ENDINGS:
        words = [pattern.sub(replacement, w) if len(w) > 6 else w for w in words]
    return " ".join(words)


def romanise_tamil(text: str) -> str:
    """Romanise Tamil script in the everyday spelling of names (Murugan, Selvaraj)."""
    raw = _romanise_abugida(
        text, _TAMIL_CONSONANTS, _TAMIL_VOWEL_SIGNS, _TAMIL_INDEPENDENT, "\u0bcd", {"ஂ": "m", "ஃ": "h"}
    )
    return " ".join(_tamil_common_spelling(w) for w in raw.split(" "))


# --- Thai ---------------------------------------------------------------------------------------
@lru_cache(maxsize=65536)
def romanise_thai_word(word: str) -> str:
    """Romanise one Thai word with the Royal Institute (RTGS) system via pythainlp."""
    from pythainlp.transliterate import romanize

    try:
        return str(romanize(word, engine="royin"))
    except Exception:  # pythainlp raises assorted errors on odd input; never fail a name on them
        return anyascii(word)


# A leading ห before a sonorant only marks the tone and is not written in Latin (หมาย "mai", เหลือง
# "lueang"); RTGS romanisers read it as a syllable of its own.
_THAI_SILENT_H = re.compile("ห(?=[งญนมยรลว])")


@lru_cache(maxsize=1)
def name_words() -> dict[str, str]:
    """Names and name elements in Thai or Sinhala script whose Latin spelling the rules do not give
    (name_words.csv: native,latin): Thai elements the RTGS rules misread (ประเสริฐ Prasoet, เจริญ Charoen,
    สุวรรณ Suwan), Sri Lankan surnames of Portuguese origin written as pronounced in Sinhala script
    (ප්‍රනාන්දු Fernando, කුරේ Cooray). Partners add rows here, not in Python."""
    text = (resources.files("tiaki.resolution") / "data" / "name_words.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames != ["native", "latin"]:
        raise ValueError("name_words.csv: header must be native,latin")
    return {
        _JOINERS.sub("", unicodedata.normalize("NFC", row["native"].strip())): row["latin"].strip().lower()
        for row in reader
        if row["native"].strip()
    }


@lru_cache(maxsize=1)
def _thai_dictionary() -> Trie:
    """pythainlp's Thai word list with the name elements added, for splitting compound names."""
    from pythainlp.corpus import thai_words
    from pythainlp.util import Trie

    return Trie(set(thai_words()) | {w for w in name_words() if script_of(w) == "thai"})


@lru_cache(maxsize=65536)
def romanise_thai_compound(word: str) -> str:
    """Romanise a Thai name word element by element, as people write compound names ("Suwanlapdueankham").

    A Thai family name is often a compound of several words; romanised whole, the RTGS rules misread the
    syllable boundaries between its elements, so the dictionary words are romanised one by one and joined.
    """
    from pythainlp.tokenize import word_tokenize

    # NFKC/NFKD (in fold) split sara am (ำ) into nikhahit + sara aa, which the romaniser does not read
    word = _THAI_SILENT_H.sub("", word.replace("\u0e4d\u0e32", "\u0e33"))
    try:
        parts = word_tokenize(word, custom_dict=_thai_dictionary(), engine="newmm", keep_whitespace=False)
    except Exception:  # pythainlp raises assorted errors on odd input; never fail a name on them
        parts = [word]
    known = name_words()
    return "".join(known.get(part) or romanise_thai_word(part) for part in parts or [word])


def romanise_thai(text: str) -> str:
    """Romanise Thai text word by word (Thai names separate given and family name with a space)."""
    return " ".join(romanise_thai_compound(w) for w in text.split())


@lru_cache(maxsize=262144)
def romanise(text: str, script: str | None = None) -> str:
    """Romanise text to Latin (ASCII) in the spelling people use for names in its script."""
    script = script or script_of(text)
    if script == "thai":
        out = romanise_thai(text)
    elif script == "myanmar":
        out = romanise_myanmar(zawgyi_to_unicode(text))
    elif script == "myanmar_unicode":
        # text already converted from Zawgyi by the caller: a second detection on a fragment can misfire
        out = romanise_myanmar(text)
    elif script == "sinhala":
        out = romanise_sinhala(text)
    elif script == "tamil":
        out = romanise_tamil(text)
    else:
        out = text
    # Anything left outside ASCII (mixed scripts, other scripts) goes through anyascii.
    return anyascii(out)
