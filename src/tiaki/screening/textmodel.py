"""The statistical layer: a small linear text model that reviews the rules' findings and suggests others.

The rules find indicators and give the evidence; the model reviews them. Three checks, on a text of at
least MIN_CHARS characters:

- a finding is dropped when the model gives its indicator a probability below `t_low` (the rules matched
  words that, in this kind of narrative, rarely mean that indicator);
- every finding is dropped when the model gives "no indicator at all" a probability of at least `t_neg`
  (negations, advice and news about others that the rules' context cues missed);
- otherwise, an indicator the rules did not find is *suggested* when the model gives it a probability of
  at least `t_add` (never below 0.5: more likely present than not). Other people's wording defeats rules
  more often than it defeats a bag of words. A suggestion is shown as the model's, with the sentence
  that gives the indicator the highest probability as its evidence (detector.py), so a reader can see
  what it rests on.

In a text left with an indicator, the model also weighs the forms of exploitation (HTCDS exploitation types:
forced labour, servitude, forced criminality, ...), from the whole text: a type the rules named is set aside
when its probability is below `t_type_low`, and a type is suggested at `t_type_add` or more (`decide_types`).
The rules name a type from a cue word ("factory", "karaoke"), which a long story of one form of exploitation
often holds for another; the words of the whole story tell the setting better (twenty-second session,
`benchmarks/screening_types_validation.py`).

The probabilities these checks read are the whole text's, each indicator's raised half-way towards its
most likely sentence's (`TextModel.scores`), less in a text of many sentences: in a long narrative the one
sentence that tells of an indicator is otherwise diluted by the rest.

The model is one logistic regression per target (the 11 ILO codes and `no_indicator`) over sublinear TF-IDF
features of `tokens` (words and their character 2- to 4-grams; Burmese syllables and syllable pairs; Thai
character trigrams), trained by `scripts/train_screening_model.py` on the labelled narratives the rules are
tuned on and shipped as `data/text_model.npz` (numbers and strings only; nothing is downloaded at run time).
Its thresholds are chosen on a labelled set the rules of the time had not seen, for the best micro-F1 within
the false-positive target. At four test points (past rules on the set written after them), dropping cut false
positives on negatives by two thirds or more and suggesting then raised micro-F1 by 2-3 points
(`benchmarks/screening_model_validation.py`, docs/screening.md).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy import sparse

from tiaki.screening.rules import TEXT_MODEL_PATH as MODEL_PATH
from tiaki.screening.segmentation import MYANMAR_SYLLABLE_START

NO_INDICATOR = "no_indicator"
# Texts shorter than this (in characters, about 20 words) keep every finding: a statement of a sentence
# or two gives a bag of words too little to go on ("the recruiter confiscated my passport" alone is
# mostly the prior), and on the validation sets almost all of the layer's gain came from longer texts.
MIN_CHARS = 120

_TOKEN = re.compile(r"[^\s.,;:!?\"'()\[\]{}…“”‘’«»—–\-/|၊။।]+")
_MYANMAR_RUN = re.compile(r"[\u1000-\u109f]+")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_SPLIT_SCRIPTS = re.compile(r"[\u0e00-\u0e7f\u1000-\u109f]")  # Thai or Myanmar letters
_DIGITS = re.compile(r"\d+")
# Within-word character n-grams of these sizes are features too (tokens): suffixes, prefixes and stems
# that a word shares with its inflections, affixed forms and misspellings, which whole words miss (Tamil
# and Sinhala inflect, Malay and Indonesian affix). Over seven validation points they raised micro-F1 by
# 1.5 points on average and the lowest language's by 1.9 (twelfth session, docs/screening.md).
GRAM_SIZES = (2, 3, 4)
# How far the review moves an indicator's probability from the whole text's towards its most likely
# sentence's (TextModel.scores). Over eight validation points, half-way raised micro-F1 by 1.2 points on
# average, every point by 0.2 or more, with false positives within the target (twelfth session,
# docs/screening.md); all the way raised it less and let more false positives through.
SENTENCE_PULL = 0.5
# ...in a text of up to this many sentences; beyond, the pull shrinks with the square root of their number
# (SENTENCE_PULL * sqrt(PULL_SENTENCES / n)). The most likely of many sentences leans towards some
# indicator by chance: on 360 long narratives (a median 1,115 characters; the model trained without the
# writers' own items) the full pull let through an indicator in 9.6% of the negatives, this in 5.4%,
# micro-F1 0.843 -> 0.850 (benchmarks/screening_long_narratives.py); at validation points C-K and in the
# choice of the packaged thresholds, nothing changed (eighteenth session, docs/screening.md).
PULL_SENTENCES = 6
_PIECE = "\x00"  # between texts tokenised together (TextModel._counted); taken out of every text
_PIECE_INDEX = np.array([-1], dtype=np.intp).tobytes()  # its mark among the feature indices
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…။।])\s+|\n+")
MIN_SENTENCE_CHARS = 20  # shorter pieces ("Help me.", "Day 3.") say too little on their own
# Texts read_many scores together: enough that numpy's cost per call is shared, few enough that their
# arrays (a few thousand features a text) stay in the CPU cache (256 at a time was a tenth slower).
READ_TOGETHER = 32
# Distinct tokens whose feature indices a model keeps at hand (see TextModel._indices).
TOKEN_CACHE = 1 << 16


# A Burmese syllable: from a syllable start (or the run's beginning) up to the next start. The same cuts
# as the detector's myanmar_syllable_boundaries for a run with no other characters, found in one regex.
_MYANMAR_SYLLABLE = re.compile(
    rf"(?:{MYANMAR_SYLLABLE_START.pattern}|^)(?:(?!{MYANMAR_SYLLABLE_START.pattern}).)*", re.S
)


def _prepared(text: str) -> str:
    """The text as the model reads it: lower-cased, each run of digits a 0, no NUL (see _PIECE)."""
    return _DIGITS.sub("0", text.lower()).replace(_PIECE, " ")


def _tokens_of(prepared: str) -> list[str]:
    """The words of a _prepared text; Burmese syllables and syllable pairs; character trigrams of Thai
    runs (Thai has no spaces, and trigrams need no dictionary)."""
    words = _TOKEN.findall(prepared)
    if not _SPLIT_SCRIPTS.search(prepared):
        return words  # most texts: words are the features
    out: list[str] = []
    for token in words:
        if _THAI.search(token):
            marked = f"<{token}>"
            out.extend([marked[i : i + 3] for i in range(len(marked) - 2)])
        elif _MYANMAR_RUN.fullmatch(token):
            syllables = _MYANMAR_SYLLABLE.findall(token)
            out.extend(syllables)
            out.extend(a + "_" + b for a, b in pairwise(syllables))
        else:
            out.append(token)
    return out


def _grams(token: str) -> list[str]:
    """The character n-grams (GRAM_SIZES) of a word in a spaced script, its edges marked with < and >,
    each with a leading space (no word holds one, so a gram is never taken for a word). None for Thai
    and Burmese tokens, which are already pieces of a word."""
    if len(token) < 2 or _SPLIT_SCRIPTS.search(token):
        return []
    marked = f"<{token}>"
    return [" " + marked[i : i + n] for n in GRAM_SIZES for i in range(len(marked) - n + 1)]


def tokens(text: str) -> list[str]:
    """The model's features of a text: its words (see _tokens_of), each followed by its character
    n-grams (_grams), which a word shares with its other inflections and spellings."""
    out: list[str] = []
    for token in _tokens_of(_prepared(text)):
        out.append(token)
        out.extend(_grams(token))
    return out


@dataclass(frozen=True)
class Review:
    """What the model kept of the rules' findings, why it dropped the others, and what it suggests."""

    kept: frozenset[str]
    dropped: tuple[str, ...]  # ILO codes dropped one by one (probability below t_low)
    no_indicator: bool  # every finding dropped: the text most likely holds no indicator
    suggested: tuple[str, ...] = ()  # ILO codes the rules did not find, at probability t_add or more
    # Each exploitation type's probability in the text (TextModel.types), where findings may remain
    exploitation: dict[str, float] = field(default_factory=dict, hash=False)


class Reading(NamedTuple):
    """The model's reading of a text (TextModel.read)."""

    scores: dict[str, float]  # what the review reads for each target (TextModel.scores)
    types: dict[str, float]  # each exploitation type's probability; none where it finds no indicator


@dataclass(frozen=True)
class TypesReview:
    """What the model made of the exploitation types in a text with an indicator (see decide_types)."""

    kept: frozenset[str]
    dropped: tuple[str, ...]  # types the rules named, at probability below t_type_low
    suggested: tuple[str, ...]  # types the rules did not name, at probability t_type_add or more


class _TokenIndices(dict[str, bytes]):
    """Tokens' feature indices (TextModel._indices), each worked out when first asked for."""

    def __init__(self, vocabulary: dict[str, int]) -> None:
        super().__init__({_PIECE: _PIECE_INDEX})
        self._vocabulary = vocabulary

    def __missing__(self, token: str) -> bytes:
        if len(self) >= TOKEN_CACHE:
            self.clear()
            self[_PIECE] = _PIECE_INDEX
        found = (self._vocabulary.get(feature) for feature in (token, *_grams(token)))
        indices = self[token] = np.array([i for i in found if i is not None], dtype=np.intp).tobytes()
        return indices


@dataclass(frozen=True, eq=False)
class TextModel:
    vocabulary: dict[str, int]
    idf: np.ndarray  # (features,)
    coef: np.ndarray  # (targets, features)
    intercept: np.ndarray  # (targets,)
    targets: tuple[str, ...]
    t_low: float
    t_neg: float
    t_add: float = 1.01  # above any probability: no suggestions
    # The exploitation types the model weighs (module notes), their weights over the same features as
    # (types, features), and the thresholds of decide_types. No types: the rules alone name them.
    types: tuple[str, ...] = ()
    type_coef: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    type_intercept: np.ndarray = field(default_factory=lambda: np.zeros(0))
    t_type_low: float = 0.0
    t_type_add: float = 1.01

    @functools.cached_property
    def _weights(self) -> np.ndarray:
        """The weights as (features, targets): a text's sparse TF-IDF row times this is its logits."""
        return np.ascontiguousarray(self.coef.T, dtype=np.float64)

    @functools.cached_property
    def _type_weights(self) -> np.ndarray:
        """The exploitation types' weights as (features, types), as _weights."""
        return np.ascontiguousarray(self.type_coef.T, dtype=np.float64)

    @functools.cached_property
    def _indices(self) -> Callable[[str], bytes]:
        """A token's feature indices: its own and its n-grams' that are in the vocabulary, as the bytes
        of an array of np.intp (a text's are then joined at C speed). Remembered for up to TOKEN_CACHE
        distinct tokens (words recur, and their n-grams are most of the features), then forgotten all at
        once: a token seen before is then a dictionary lookup, without a cache's bookkeeping."""
        return _TokenIndices(self.vocabulary).__getitem__

    def _occurrences(self, groups: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Every occurrence of a feature (see `tokens`) in some _prepared texts, in order, as parallel
        arrays: the text's number and the feature. The texts come in groups (a text's pieces), numbered
        in order over all the groups.

        Each group is tokenised in one call, a _PIECE token between each two of its texts and after it (a
        token of its own, whose only index is the mark -1): a feature's text is the number of marks before
        it. Group by group, not all at once: a group with Thai or Burmese is tokenised word by word
        (_tokens_of), and that slower path is then taken only for such a group."""
        words: list[str] = []
        for group in groups:
            words.extend(_tokens_of(f" {_PIECE} ".join(group)))
            words.append(_PIECE)
        features = np.frombuffer(b"".join(map(self._indices, words)), dtype=np.intp)
        mark = features < 0
        features_only = ~mark
        return np.cumsum(mark)[features_only], features[features_only]

    def _counts(self, row: np.ndarray, feature: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The distinct (text, feature) pairs of some occurrences with their counts, as parallel arrays
        sorted by text: the text's number, the feature, its count in that text."""
        width = len(self.vocabulary)
        keys, counts = np.unique(row * width + feature, return_counts=True)
        row, feature = np.divmod(keys, width)
        return row, feature, counts

    def _counted(self, groups: list[list[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The features of each of some _prepared texts in groups (_occurrences) with their counts
        (_counts)."""
        return self._counts(*self._occurrences(groups))

    def _tfidf(self, row: np.ndarray, feature: np.ndarray, counts: np.ndarray, n: int) -> sparse.csr_array:
        """n texts' TF-IDF rows (sublinear tf, l2-normalised per text, as scikit-learn's TfidfVectorizer)
        from their feature counts (_counts). Their product with the weights sums each text's terms one
        after another, in the order of its features: a text's logits are the same to the last bit whatever
        texts are scored with it."""
        x = (1.0 + np.log(counts)) * self.idf[feature]
        x /= np.sqrt(np.bincount(row, weights=x * x, minlength=n))[row]
        starts = np.searchsorted(row, np.arange(n + 1))
        return sparse.csr_array((x, feature, starts), shape=(n, len(self.vocabulary)))

    def probabilities_many(self, texts: list[str]) -> np.ndarray:
        """Each target's probability for each text, as rows (columns in the order of `targets`): sklearn's
        TfidfVectorizer with sublinear tf and l2 norm, then the logistic regressions, computed for all the
        texts at once."""
        return _sigmoid(self._tfidf_many(texts) @ self._weights + self.intercept)

    def type_probabilities_many(self, texts: list[str]) -> np.ndarray:
        """Each exploitation type's probability for each text, as rows (columns in the order of `types`)."""
        return _sigmoid(self._tfidf_many(texts) @ self._type_weights + self.type_intercept)

    def _tfidf_many(self, texts: list[str]) -> sparse.csr_array:
        """The texts' TF-IDF rows (_tfidf), each text a group of its own (see _occurrences)."""
        groups = [[_prepared(text)] for text in texts]
        return self._tfidf(*self._counted(groups), len(texts))

    def probabilities(self, text: str) -> dict[str, float]:
        """Each target's probability for a text."""
        return dict(zip(self.targets, self.probabilities_many([text])[0].tolist(), strict=True))

    def scores(self, text: str, *, stop_at: float = np.inf) -> dict[str, float]:
        """What the review reads: for each indicator, the text's probability raised by SENTENCE_PULL of
        the way to its most likely sentence's (see `sentences`), when that is higher (an indicator is
        often told in one sentence of a long narrative, and the rest of the text dilutes it), less beyond
        PULL_SENTENCES sentences; for `no_indicator`, the text's probability.

        The text is counted once, piece by piece (a piece ends on whitespace, which no token holds, so
        the text's features are its pieces' together), and the text and its pieces scored in one pass.
        Where the text's `no_indicator` probability is `stop_at` or more, the text's own probabilities
        are returned without the sentences' pull: the review passes its `t_neg` (at which it drops every
        finding and suggests nothing, whatever the indicators' probabilities; the pull never moves
        `no_indicator`). Over half of the speed benchmark's narratives skip the sentence pass so.
        """
        return self._scores(text, stop_at)[0]

    def _scores(self, text: str, stop_at: float) -> Reading:
        """`scores`, and each exploitation type's probability in the whole text (none where the text's
        `no_indicator` probability is `stop_at` or more: the review then leaves no finding)."""
        return self._scores_many([text], stop_at)[0]

    def _scores_many(self, texts: list[str], stop_at: float) -> list[Reading]:
        """`_scores` of each text, the texts tokenised and scored together: scored one by one, numpy's cost
        per call was most of the model's time. Each text's probabilities are the same to the last bit
        whatever texts are scored with it (_tfidf)."""
        pieces = [_pieces(text) for text in texts]
        piece, feature = self._occurrences(pieces)
        piece_at = np.cumsum([0, *map(len, pieces)])
        text_of_piece = np.repeat(np.arange(len(texts)), np.diff(piece_at))
        # The whole texts: a text's features are its pieces' (a piece ends on whitespace, which no token
        # holds).
        whole_texts = self._tfidf(*self._counts(text_of_piece[piece], feature), len(texts))
        wholes = _sigmoid(whole_texts @ self._weights + self.intercept)
        none = self.targets.index(NO_INDICATOR)
        pulled = wholes[:, none] < stop_at  # the texts whose sentences may pull (see scores)
        types: list[dict[str, float]] = [{} for _text in texts]
        if self.types and pulled.any():
            typed = np.flatnonzero(pulled)
            p = _sigmoid(whole_texts[typed] @ self._type_weights + self.type_intercept)
            for t, row in zip(typed.tolist(), p.tolist(), strict=True):
                types[t] = dict(zip(self.types, row, strict=True))
        # Each pulled text's most likely sentence: its sentences' probabilities, computed together.
        is_sentence = np.fromiter(
            map(_is_sentence, (piece for text_pieces in pieces for piece in text_pieces)), dtype=bool
        )
        scored = is_sentence & pulled[text_of_piece]  # the pieces whose probabilities are needed
        sentence = np.flatnonzero(scored)
        if sentence.size:
            mine = scored[piece]
            # The sentences numbered 0, 1, ... in order (a piece's number is its rank among them).
            row = np.searchsorted(sentence, piece[mine])
            in_sentences = self._tfidf(*self._counts(row, feature[mine]), sentence.size)
            probabilities = _sigmoid(in_sentences @ self._weights + self.intercept)
            owner = text_of_piece[sentence]
            first = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
            best = np.maximum.reduceat(probabilities, first, axis=0)
            pull = sentence_pull(np.diff(np.append(first, owner.size)))[:, None] * np.maximum(
                best - wholes[owner[first]], 0.0
            )
            pull[:, none] = 0.0
            wholes[owner[first]] += pull
        return [
            Reading(dict(zip(self.targets, whole, strict=True)), exploitation)
            for whole, exploitation in zip(wholes.tolist(), types, strict=True)
        ]

    def read(self, text: str) -> Reading | None:
        """What the review reads in a text (see `scores`), None where the model has no say (`reviews`).

        It needs nothing from the rules, so the detector reads a text first: where the model finds no
        indicator (`sets_all_aside`), the rules need only say which indicators they find."""
        return self.read_many([text])[0]

    def read_many(self, texts: list[str]) -> list[Reading | None]:
        """`read` of each text, scored together (see _scores_many)."""
        reviewed = [text for text in texts if reviews(text)]
        readings = (
            reading
            for i in range(0, len(reviewed), READ_TOGETHER)
            for reading in self._scores_many(reviewed[i : i + READ_TOGETHER], self.t_neg)
        )
        return [next(readings) if reviews(text) else None for text in texts]

    def sets_all_aside(self, reading: Reading) -> bool:
        """Whether the review of a text so read drops every finding and suggests nothing (`t_neg`)."""
        return reading.scores[NO_INDICATOR] >= self.t_neg

    def rules_out(self, reading: Reading, codes: Iterable[str]) -> frozenset[str]:
        """The indicators among `codes` whose every finding the review of a text so read drops, and which it
        would not suggest either: whether the rules find them changes nothing but what `set_aside` names."""
        p, t_low, t_neg, t_add = reading.scores, self.t_low, self.t_neg, self.t_add
        dropped = decide(p, set(codes), t_low, t_neg, t_add).dropped
        return frozenset(dropped).difference(decide(p, set(), t_low, t_neg, t_add).suggested)

    def review(self, text: str, codes: set[str], reading: Reading | None = None) -> Review:
        """Which of the rules' ILO findings the model lets stand in this text, what it suggests, and the
        exploitation types' probabilities (for decide_types, once the text's indicators are known).
        `reading` is the text's `read`, when already made."""
        if not reviews(text):
            return Review(frozenset(codes), (), False)
        p, types = reading if reading is not None else self._scores(text, self.t_neg)
        review = decide(p, codes, self.t_low, self.t_neg, self.t_add)
        return replace(review, exploitation=types) if types else review


def sentences(text: str) -> list[str]:
    """The text's sentences the model scores on their own (see TextModel.scores), as it reads them
    (_prepared): pieces between a sentence's closing punctuation (Latin, Sinhala and Tamil,
    Devanagari-style and Burmese full stops) and the next word, or between lines, longer than
    MIN_SENTENCE_CHARS. Thai, written without such punctuation, is mostly one piece."""
    return [piece for piece in _pieces(text) if _is_sentence(piece)]


def _pieces(text: str) -> list[str]:
    """The text _prepared, cut at sentence breaks: its sentences and the shorter pieces between them."""
    return _SENTENCE_BREAK.split(_prepared(text))


def sentence_pull(n: ArrayLike) -> np.ndarray:
    """How far an indicator's probability moves towards its most likely sentence's in a text of n
    sentences (see PULL_SENTENCES); n may be an array of such numbers."""
    return SENTENCE_PULL * np.minimum(1.0, np.sqrt(PULL_SENTENCES / np.asarray(n)))


def _is_sentence(piece: str) -> bool:
    return len(piece.strip()) > MIN_SENTENCE_CHARS


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def reviews(text: str) -> bool:
    """Whether the model has a say over a text: it is long enough (MIN_CHARS)."""
    return len(text) >= MIN_CHARS


def decide(p: dict[str, float], codes: set[str], t_low: float, t_neg: float, t_add: float = 1.01) -> Review:
    """The review of a text's findings given the model's probabilities for it (see the module notes)."""
    if p[NO_INDICATOR] >= t_neg:
        return Review(frozenset(), tuple(sorted(codes)), True)
    dropped = tuple(sorted(code for code in codes if code in p and p[code] < t_low))
    suggested = tuple(
        sorted(code for code, q in p.items() if code != NO_INDICATOR and code not in codes and q >= t_add)
    )
    return Review(frozenset(codes.difference(dropped)), dropped, False, suggested)


def decide_types(p: dict[str, float], named: set[str], t_low: float, t_add: float) -> TypesReview:
    """The model's say over the exploitation types the rules `named` in a text with an indicator, given
    each type's probability `p` (types the model does not weigh are kept as the rules named them)."""
    dropped = tuple(sorted(code for code in named if code in p and p[code] < t_low))
    suggested = tuple(sorted(code for code, q in p.items() if code not in named and q >= t_add))
    return TypesReview(frozenset(named.difference(dropped)), dropped, suggested)


@functools.cache
def load_text_model(path: Path = MODEL_PATH) -> TextModel:
    with np.load(path, allow_pickle=False) as data:
        vocabulary = {str(token): i for i, token in enumerate(data["vocabulary"])}
        return TextModel(
            vocabulary=vocabulary,
            idf=data["idf"].astype(np.float64),
            coef=data["coef"].astype(np.float64),
            intercept=data["intercept"].astype(np.float64),
            targets=tuple(str(t) for t in data["targets"]),
            t_low=float(data["t_low"]),
            t_neg=float(data["t_neg"]),
            t_add=float(data["t_add"]) if "t_add" in data else 1.01,
            **(
                {
                    "types": tuple(str(t) for t in data["types"]),
                    "type_coef": data["type_coef"].astype(np.float64),
                    "type_intercept": data["type_intercept"].astype(np.float64),
                    "t_type_low": float(data["t_type_low"]),
                    "t_type_add": float(data["t_type_add"]),
                }
                if "types" in data
                else {}
            ),
        )


# Training (a development task: scikit-learn is a development dependency, not needed at run time).
# Inverse regularisation, chosen by leave-one-split-out cross-validation on the tuning splits; for the
# exploitation types, 32 did as well as 8 or better on each of fresh34, fresh37 and fresh38 left out in turn
# (twenty-second session, docs/screening.md).
C = 32.0
MIN_DF = 2


def fit(
    texts: list[str],
    labels: list[set[str]],
    targets: tuple[str, ...],
    *,
    t_low: float,
    t_neg: float,
    t_add: float = 1.01,
    exploitation: list[set[str] | None] | None = None,
    types: tuple[str, ...] = (),
    t_type_low: float = 0.0,
    t_type_add: float = 1.01,
) -> TextModel:
    """Train the model on normalised texts and their gold ILO codes (deterministic: liblinear, fixed order).

    `targets` are the ILO codes; `no_indicator` is added as the last target. `types` are the exploitation
    types to weigh, learnt from the texts with an ILO code whose `exploitation` labels are given (None:
    that text's types were not labelled), since the model weighs them only in such texts.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = TfidfVectorizer(analyzer=tokens, min_df=MIN_DF, sublinear_tf=True, dtype=np.float64)
    x = vectoriser.fit_transform(texts)
    columns = [[code in gold for gold in labels] for code in targets]
    columns.append([not gold for gold in labels])
    coef, intercept = [], []
    for y in columns:
        model = LogisticRegression(C=C, solver="liblinear", max_iter=1000).fit(x, np.array(y, dtype=int))
        coef.append(model.coef_[0])
        intercept.append(model.intercept_[0])
    type_coef, type_intercept = [], []
    if types:
        if exploitation is None:
            raise ValueError("exploitation types need exploitation labels")
        rows = [
            i
            for i, (gold, named) in enumerate(zip(labels, exploitation, strict=True))
            if gold and named is not None
        ]
        typed = [exploitation[i] or set() for i in rows]
        for code in types:
            has = np.array([code in named for named in typed], dtype=int)
            model = LogisticRegression(C=C, solver="liblinear", max_iter=1000).fit(x[rows], has)
            type_coef.append(model.coef_[0])
            type_intercept.append(model.intercept_[0])
    vocabulary = sorted(vectoriser.vocabulary_, key=vectoriser.vocabulary_.get)
    return TextModel(
        vocabulary={token: i for i, token in enumerate(vocabulary)},
        idf=np.asarray(vectoriser.idf_, dtype=np.float64),
        coef=np.vstack(coef),
        intercept=np.array(intercept, dtype=np.float64),
        targets=(*targets, NO_INDICATOR),
        t_low=t_low,
        t_neg=t_neg,
        t_add=t_add,
        types=types,
        type_coef=np.vstack(type_coef) if types else np.zeros((0, len(vocabulary))),
        type_intercept=np.array(type_intercept, dtype=np.float64),
        t_type_low=t_type_low,
        t_type_add=t_type_add,
    )


def save(model: TextModel, path: Path) -> None:
    """Write the model as a compressed .npz of plain arrays (no pickles: loading runs no code)."""
    vocabulary = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    with path.open("wb") as fh:
        np.savez_compressed(
            fh,
            vocabulary=np.array(vocabulary, dtype=str),
            idf=model.idf.astype(np.float32),
            coef=model.coef.astype(np.float32),
            intercept=model.intercept.astype(np.float32),
            targets=np.array(model.targets, dtype=str),
            t_low=np.float64(model.t_low),
            t_neg=np.float64(model.t_neg),
            t_add=np.float64(model.t_add),
            types=np.array(model.types, dtype=str),
            type_coef=model.type_coef.astype(np.float32),
            type_intercept=model.type_intercept.astype(np.float32),
            t_type_low=np.float64(model.t_type_low),
            t_type_add=np.float64(model.t_type_add),
        )
