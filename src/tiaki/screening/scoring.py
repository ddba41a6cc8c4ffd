"""Combine indicator strengths into a score and level the way the ILO–EC Delphi method does.

The Delphi panel (ILO 2009) rated operational indicators strong, medium or weak and decides each
dimension from their combination. Our operational reading, for triage of free-text narratives:

- a dimension is *established* by one strong indicator, or by two medium indicators placed in it;
- **high** (trafficking likely, refer now): a dimension established by a strong indicator plus at least
  one other indicator, or a dimension established by two mediums plus at least one more indicator;
- **medium**: one established dimension and nothing else;
- **low**: indicators that establish no dimension;
- **none**: no indicator.

For a child (under 18) the Palermo Protocol needs no "means" element, so when a child flag and any
indicator are present the level rises one step (low to medium, medium to high).

The score is the noisy-or of the indicator weights (each code counted once) placed inside the level's
band, so ordering by score never contradicts ordering by level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tiaki.screening.taxonomy import LEVELS, Taxonomy


@dataclass(frozen=True)
class Assessment:
    score: float
    level: str
    established_dimensions: tuple[str, ...]


def assess(codes: Iterable[str], *, child: bool, taxonomy: Taxonomy) -> Assessment:
    """Score a set of ILO indicator codes (unknown codes are ignored)."""
    found = sorted({code for code in codes if code in taxonomy.indicators})
    if not found:
        return Assessment(0.0, "none", ())
    strong_dims: set[str] = set()
    medium_count: dict[str, int] = {}
    for code in found:
        for placement in taxonomy.indicators[code].placements:
            if placement.strength == "strong":
                strong_dims.add(placement.dimension)
            elif placement.strength == "medium":
                medium_count[placement.dimension] = medium_count.get(placement.dimension, 0) + 1
    medium_dims = {dim for dim, n in medium_count.items() if n >= 2}
    established = tuple(dim for dim in taxonomy.dimensions if dim in strong_dims | medium_dims)
    if strong_dims:
        level = "high" if len(found) >= 2 else "medium"
    elif medium_dims:
        level = "high" if len(found) >= 3 else "medium"
    else:
        level = "low"
    if child:
        level = LEVELS[min(LEVELS.index(level) + 1, len(LEVELS) - 1)]
    remaining = 1.0
    for code in found:
        remaining *= 1.0 - taxonomy.weights[taxonomy.indicators[code].strength]
    floor, ceiling = taxonomy.bands[level]
    score = round(floor + (ceiling - floor) * (1.0 - remaining), 4)
    return Assessment(score, level, established)
