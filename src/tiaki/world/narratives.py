"""Compose report narratives from per-language sentences, recording which indicators each one carries."""

from __future__ import annotations

import random

from tiaki.world.data import ILO_CODES, Narratives


class _Fill(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def compose(
    narratives: Narratives,
    *,
    codes: list[str],
    ordinary: bool,
    negation_rate: float,
    fill: dict[str, str],
    prng: random.Random,
) -> tuple[str, list[str]]:
    """Return (narrative, indicator codes it expresses).

    `codes` are the indicators the situation shows; codes without a sentence in this language are left out
    of both the text and the ground truth. A negated indicator is only ever one the report does not carry.
    """
    values = _Fill(fill)
    for key, generic in narratives.generic.items():
        if not values.get(key):
            values[key] = generic
    sentences = [prng.choice(narratives.openings)]
    if prng.random() < 0.5:
        sentences.append(prng.choice(narratives.neutral))
    carried: list[str] = []
    if ordinary:
        sentences.append(prng.choice(narratives.ordinary))
    for code in codes:
        options = narratives.indicators.get(code)
        if options:
            sentences.append(prng.choice(options))
            carried.append(code)
    if narratives.negations and prng.random() < negation_rate:
        free = [(code, text) for code, text in narratives.negations if code not in carried]
        if free:
            sentences.append(prng.choice(free)[1])
    if prng.random() < 0.6:
        closing = prng.choice(narratives.closings)
        if "{phone}" not in closing or values.get("phone"):
            sentences.append(closing)
    # Sentences are separated by a space in every language here (Thai and Burmese included).
    text = " ".join(_capitalise(s.format_map(values)) for s in sentences)
    return text, sorted(carried, key=ILO_CODES.index)


def _capitalise(sentence: str) -> str:
    # A generic role word ("the employer") can open a sentence; Latin script wants a capital there.
    first = sentence[:1]
    return first.upper() + sentence[1:] if first.isascii() and first.islower() else sentence
