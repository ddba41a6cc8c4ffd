"""The Delphi-style combination of indicator strengths into level and score."""

from __future__ import annotations

import pytest

from tiaki.screening.scoring import assess
from tiaki.screening.taxonomy import load_taxonomy


@pytest.mark.parametrize(
    ("codes", "child", "level", "score", "dimensions"),
    [
        ([], False, "none", 0.0, ()),
        ([], True, "none", 0.0, ()),
        # One medium indicator establishes nothing: low band 0.05 + 0.25 * 0.3.
        (["excessive_overtime"], False, "low", 0.125, ()),
        # Two mediums in the exploitation dimension establish it: medium band 0.3 + 0.3 * 0.51.
        (
            ["excessive_overtime", "abusive_working_living_conditions"],
            False,
            "medium",
            0.453,
            ("exploitation",),
        ),
        # Mediums in different dimensions establish nothing.
        (["excessive_overtime", "isolation"], False, "low", 0.1775, ()),
        # Two exploitation mediums plus one more indicator: high.
        (
            ["excessive_overtime", "abusive_working_living_conditions", "isolation"],
            False,
            "high",
            0.8628,
            ("exploitation",),
        ),
        (["debt_bondage"], False, "medium", 0.45, ("coercion",)),
        (["debt_bondage", "excessive_overtime"], False, "high", 0.86, ("coercion",)),
        (["deception", "retention_of_identity_documents"], False, "high", 0.9, ("recruitment", "coercion")),
        # Palermo: a child needs no "means", so any indicator lifts the level one step.
        (["excessive_overtime"], True, "medium", 0.39, ()),
        (["debt_bondage"], True, "high", 0.8, ("coercion",)),
        # Unknown codes (e.g. the child flag itself) never count as indicators.
        (["child_under_18"], False, "none", 0.0, ()),
    ],
)
def test_assess(codes: list[str], child: bool, level: str, score: float, dimensions: tuple[str, ...]) -> None:
    result = assess(codes, child=child, taxonomy=load_taxonomy())
    assert (result.level, result.score, result.established_dimensions) == (level, score, dimensions)


def test_score_order_never_contradicts_level_order() -> None:
    taxonomy = load_taxonomy()
    codes = list(taxonomy.indicators)
    results = [assess(codes[:k], child=False, taxonomy=taxonomy) for k in range(len(codes) + 1)]
    ranked = sorted(results, key=lambda r: r.score)
    levels = ["none", "low", "medium", "high"]
    assert [levels.index(r.level) for r in ranked] == sorted(levels.index(r.level) for r in ranked)
