"""Loader and schema check for the indicator taxonomy in data/taxonomy.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
TAXONOMY_PATH = DATA_DIR / "taxonomy.toml"

# The command-line contract fixes these codes; the data file may not drop or rename any of them.
ILO_CODES: tuple[str, ...] = (
    "abuse_of_vulnerability",
    "deception",
    "restriction_of_movement",
    "isolation",
    "physical_sexual_violence",
    "intimidation_threats",
    "retention_of_identity_documents",
    "withholding_of_wages",
    "debt_bondage",
    "abusive_working_living_conditions",
    "excessive_overtime",
)
STRENGTHS: tuple[str, ...] = ("strong", "medium", "weak")
LEVELS: tuple[str, ...] = ("none", "low", "medium", "high")


class TaxonomyError(ValueError):
    """The taxonomy data file breaks its schema."""


@dataclass(frozen=True)
class Placement:
    dimension: str
    strength: str


@dataclass(frozen=True)
class IndicatorDefinition:
    code: str
    label: str
    placements: tuple[Placement, ...]
    methods_of_control: tuple[str, ...]
    strength: str  # the strongest placement: what a finding of this indicator weighs on its own


@dataclass(frozen=True)
class Taxonomy:
    version: str
    dimensions: dict[str, str]
    indicators: dict[str, IndicatorDefinition]
    child_code: str
    child_age_limit: int
    child_exploitation: str | None  # the type a child with an ILO indicator is reported in
    child_not_labour: frozenset[str]  # ...unless every type found is one of these
    exploitation_types: dict[str, str]
    weights: dict[str, float]
    bands: dict[str, tuple[float, float]]


def _require(table: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in table:
        raise TaxonomyError(f"{where}: missing key {key!r}")
    value = table[key]
    if not isinstance(value, kind):
        raise TaxonomyError(f"{where}.{key}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def parse_taxonomy(raw: dict[str, Any], *, source: str = "taxonomy.toml") -> Taxonomy:
    """Validate a parsed taxonomy document and build the typed taxonomy."""
    version = str(_require(raw, "version", str, source))
    dimensions = dict(_require(raw, "dimensions", dict, source))
    raw_indicators = _require(raw, "indicators", dict, source)
    assert isinstance(raw_indicators, dict)
    missing = [code for code in ILO_CODES if code not in raw_indicators]
    if missing:
        raise TaxonomyError(f"{source}: indicators missing ILO codes {missing}")
    indicators: dict[str, IndicatorDefinition] = {}
    for code, table in raw_indicators.items():
        where = f"{source}: indicators.{code}"
        placements = []
        for item in _require(table, "placements", list, where):
            if item.get("dimension") not in dimensions:
                raise TaxonomyError(f"{where}: unknown dimension {item.get('dimension')!r}")
            if item.get("strength") not in STRENGTHS:
                raise TaxonomyError(f"{where}: strength must be one of {STRENGTHS}")
            placements.append(Placement(item["dimension"], item["strength"]))
        if not placements:
            raise TaxonomyError(f"{where}: needs at least one placement")
        indicators[code] = IndicatorDefinition(
            code=code,
            label=str(_require(table, "label", str, where)),
            placements=tuple(placements),
            methods_of_control=tuple(table.get("methods_of_control", ())),
            strength=min((p.strength for p in placements), key=STRENGTHS.index),
        )
    child = _require(raw, "child", dict, source)
    scoring = _require(raw, "scoring", dict, source)
    assert isinstance(child, dict) and isinstance(scoring, dict)
    weights = {k: float(v) for k, v in _require(scoring, "weights", dict, f"{source}: scoring").items()}
    if set(weights) != set(STRENGTHS) or not all(0.0 < w < 1.0 for w in weights.values()):
        raise TaxonomyError(f"{source}: scoring.weights needs {STRENGTHS} each in (0, 1)")
    bands = {
        k: (float(v[0]), float(v[1]))
        for k, v in _require(scoring, "bands", dict, f"{source}: scoring").items()
    }
    if set(bands) != set(LEVELS):
        raise TaxonomyError(f"{source}: scoring.bands needs {LEVELS}")
    exploitation_types = dict(raw.get("exploitation_types", {}))
    child_exploitation = child.get("exploitation")
    not_labour = child.get("not_labour", [])
    if not (child_exploitation is None or isinstance(child_exploitation, str)) or not (
        isinstance(not_labour, list) and all(isinstance(t, str) for t in not_labour)
    ):
        raise TaxonomyError(f"{source}: child.exploitation and child.not_labour name exploitation types")
    unknown = {t for t in [child_exploitation, *not_labour] if t is not None} - set(exploitation_types)
    if unknown:
        raise TaxonomyError(f"{source}: child names unknown exploitation types {sorted(unknown)}")
    return Taxonomy(
        version=version,
        dimensions=dimensions,
        indicators=indicators,
        child_code=str(_require(child, "code", str, f"{source}: child")),
        child_age_limit=int(_require(child, "age_limit", int, f"{source}: child")),
        child_exploitation=child_exploitation,
        child_not_labour=frozenset(not_labour),
        exploitation_types=exploitation_types,
        weights=weights,
        bands=bands,
    )


@cache
def load_taxonomy(path: Path = TAXONOMY_PATH) -> Taxonomy:
    """Read and validate the taxonomy once per process."""
    with path.open("rb") as fh:
        return parse_taxonomy(tomllib.load(fh), source=path.name)
