"""Load and check the world generator's data files (countries, name lists, routes, narratives, rates)."""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"

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
NARRATIVE_LANGUAGES: tuple[str, ...] = ("en", "vi", "th", "my", "ms", "id", "si", "ta")
ORG_TYPES = frozenset(
    {
        "government",
        "law_enforcement",
        "immigration_service",
        "ngo",
        "school_shelter",
        "international_organisation",
    }
)
NAME_ORDERS = frozenset({"family_first", "given_first", "syllables", "patronymic"})
SCRIPTS = frozenset({"Latn", "Thai", "Mymr", "Sinh", "Taml"})
GENDERS = frozenset({"m", "f", "u"})
PLACEHOLDERS = frozenset(
    {
        "victim",
        "recruiter",
        "employer",
        "agency",
        "origin",
        "destination",
        "place",
        "amount",
        "hours",
        "phone",
    }
)


class WorldDataError(ValueError):
    """A data file is missing a field or holds a value the generator cannot use."""


@dataclass(frozen=True)
class NamePart:
    """One entry of a name list: native form, standard romanisation, other spellings, sex, weight."""

    name: str
    latin: str
    variants: tuple[str, ...]
    gender: str
    weight: float
    nicknames: tuple[str, ...] = ()
    position: str = ""


@dataclass(frozen=True)
class Honorific:
    name: str
    latin: str
    gender: str
    min_age: int
    max_age: int


@dataclass
class Culture:
    """A naming tradition: how names are composed and written."""

    code: str
    language: str
    script: str
    order: str
    meta: dict[str, Any]
    given: list[NamePart] = field(default_factory=list)
    family: list[NamePart] = field(default_factory=list)
    middle: list[NamePart] = field(default_factory=list)
    syllables: list[NamePart] = field(default_factory=list)
    nicknames: list[NamePart] = field(default_factory=list)
    family_parts: list[NamePart] = field(default_factory=list)
    single: list[NamePart] = field(default_factory=list)
    honorifics: list[Honorific] = field(default_factory=list)


@dataclass(frozen=True)
class PhonePlan:
    prefixes: tuple[str, ...]
    length: int
    groups: tuple[int, ...]


@dataclass
class Country:
    code: str
    name: str
    aliases: list[str]
    languages: list[str]
    cultures: dict[str, float]
    dial_code: str
    trunk_prefix: str
    phone_plans: list[PhonePlan]
    passport_pattern: str
    passport_letters: str
    cities: list[str]
    city_weights: list[float]
    streets: list[str]
    address_template: str
    email_domains: list[str]
    agency_name: str
    agency_words: list[str]
    licence_pattern: str


@dataclass
class Narratives:
    lang: str
    countries: dict[str, str]
    openings: list[str]
    neutral: list[str]
    ordinary: list[str]
    closings: list[str]
    indicators: dict[str, list[str]]
    negations: list[tuple[str, str]]
    generic: dict[str, str]


@dataclass
class WorldData:
    countries: dict[str, Country]
    cultures: dict[str, Culture]
    narratives: dict[str, Narratives]
    rates: dict[str, Any]
    routes: list[dict[str, Any]]
    legitimate_migration: dict[str, dict[str, float]]
    organisations: list[dict[str, Any]]
    programmes: dict[str, dict[str, Any]]
    indicators: dict[str, Any]


def _require(mapping: dict[str, Any], key: str, where: str) -> Any:
    if key not in mapping:
        raise WorldDataError(f"{where}: missing '{key}'")
    return mapping[key]


def _read_parts(path: Path, *, gendered: bool) -> list[NamePart]:
    parts: list[NamePart] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            where = f"names/{path.parent.name}/{path.name} line {line}"
            name = (row.get("name") or "").strip()
            if not name:
                raise WorldDataError(f"{where}: empty name")
            latin = (row.get("latin") or "").strip() or _romanise(name)
            try:
                weight = float(row.get("weight") or "")
            except ValueError as exc:
                raise WorldDataError(f"{where}: weight must be a number") from exc
            if weight <= 0:
                raise WorldDataError(f"{where}: weight must be positive")
            gender = (row.get("gender") or "u").strip() or "u"
            if gendered and gender not in GENDERS:
                raise WorldDataError(f"{where}: gender must be one of m, f, u")
            variants = tuple(v.strip() for v in (row.get("variants") or "").split("|") if v.strip())
            nicknames = tuple(v.strip() for v in (row.get("nicknames") or "").split("|") if v.strip())
            position = (row.get("position") or "").strip()
            if "position" in row and position not in ("first", "last"):
                raise WorldDataError(f"{where}: position must be first or last")
            parts.append(NamePart(name, latin, variants, gender, weight, nicknames, position))
    if not parts:
        raise WorldDataError(f"names/{path.parent.name}/{path.name}: no rows")
    return parts


def _romanise(name: str) -> str:
    """Fill a missing romanisation so a partner can add native-script names without one."""
    if any("\u0e00" <= ch <= "\u0e7f" for ch in name):
        from pythainlp.transliterate import romanize

        return str(romanize(name, engine="royin")).capitalize()
    from anyascii import anyascii

    return str(anyascii(name)).title()


def _load_culture(directory: Path) -> Culture:
    meta = tomllib.loads((directory / "meta.toml").read_text(encoding="utf-8"))
    where = f"names/{directory.name}/meta.toml"
    code = _require(meta, "code", where)
    if code != directory.name:
        raise WorldDataError(f"{where}: code '{code}' differs from the directory name")
    script = _require(meta, "script", where)
    if script not in SCRIPTS:
        raise WorldDataError(f"{where}: script must be one of {sorted(SCRIPTS)}")
    order = _require(meta, "order", where)
    if order not in NAME_ORDERS:
        raise WorldDataError(f"{where}: order must be one of {sorted(NAME_ORDERS)}")
    culture = Culture(code, _require(meta, "language", where), script, order, meta)
    source = directory.parent / meta.get("names_from", code)
    for attr, filename, gendered in (
        ("given", "given.csv", True),
        ("family", "family.csv", True),
        ("middle", "middle.csv", True),
        ("syllables", "syllables.csv", True),
        ("nicknames", "nicknames.csv", True),
        ("family_parts", "family_parts.csv", False),
        ("single", "single.csv", True),
    ):
        path = source / filename
        if path.exists():
            setattr(culture, attr, _read_parts(path, gendered=gendered))
    for item in meta.get("honorifics", []):
        culture.honorifics.append(
            Honorific(
                _require(item, "name", where),
                _require(item, "latin", where),
                _require(item, "gender", where),
                int(_require(item, "min_age", where)),
                int(_require(item, "max_age", where)),
            )
        )
    if order == "syllables" and not culture.syllables:
        raise WorldDataError(f"{where}: order 'syllables' needs syllables.csv")
    if order != "syllables" and not culture.given:
        raise WorldDataError(f"{where}: order '{order}' needs given.csv")
    if order == "family_first" and not culture.family:
        raise WorldDataError(f"{where}: order 'family_first' needs family.csv")
    if meta.get("family_compound_rate") and not (
        {p.position for p in culture.family_parts} == {"first", "last"} and culture.family
    ):
        raise WorldDataError(
            f"{where}: family_compound_rate needs family.csv and first and last family_parts.csv"
        )
    if order == "patronymic":
        for key in ("connector_m", "connector_f"):
            _require(meta, key, where)
    return culture


def _load_country(path: Path, cultures: dict[str, Culture]) -> Country:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    where = f"countries/{path.name}"
    code = _require(raw, "code", where)
    if code != path.stem or len(code) != 2 or not code.isupper():
        raise WorldDataError(f"{where}: code must be the ISO 3166 alpha-2 code in the file name")
    for culture in raw.get("cultures", {}):
        if culture not in cultures:
            raise WorldDataError(f"{where}: unknown culture '{culture}'")
    phone = _require(raw, "phone", where)
    plans = []
    for plan in _require(phone, "plans", where):
        groups = tuple(int(g) for g in _require(plan, "groups", where))
        length = int(_require(plan, "length", where))
        if sum(groups) != length:
            raise WorldDataError(f"{where}: phone groups must add up to the length")
        prefixes = tuple(str(p) for p in _require(plan, "prefixes", where))
        if any(not p.isdigit() or len(p) >= length for p in prefixes):
            raise WorldDataError(f"{where}: phone prefixes must be digits shorter than the length")
        plans.append(PhonePlan(prefixes, length, groups))
    passport = _require(raw, "passport", where)
    places = _require(raw, "places", where)
    cities = list(_require(places, "cities", where))
    weights = [float(w) for w in places.get("weights", [1.0] * len(cities))]
    if len(weights) != len(cities):
        raise WorldDataError(f"{where}: places.weights must match places.cities")
    agencies = _require(raw, "agencies", where)
    return Country(
        code=code,
        name=_require(raw, "name", where),
        aliases=list(raw.get("aliases", [])),
        languages=list(raw.get("languages", [])),
        cultures={k: float(v) for k, v in raw.get("cultures", {}).items()},
        dial_code=str(_require(phone, "dial_code", where)),
        trunk_prefix=str(phone.get("trunk_prefix", "0")),
        phone_plans=plans,
        passport_pattern=_require(passport, "pattern", where),
        passport_letters=passport.get("letters", "ABCDEFGHJKLMNPRSTUVWXYZ"),
        cities=cities,
        city_weights=weights,
        streets=list(_require(places, "streets", where)),
        address_template=_require(places, "address", where),
        email_domains=list(places.get("email_domains", ["gmail.com"])),
        agency_name=_require(agencies, "name", where),
        agency_words=list(_require(agencies, "words", where)),
        licence_pattern=_require(agencies, "licence_pattern", where),
    )


def _check_placeholders(text: str, where: str) -> None:
    import string

    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None and name not in PLACEHOLDERS:
            raise WorldDataError(f"{where}: unknown placeholder '{{{name}}}' in {text!r}")


def _load_narratives(path: Path) -> Narratives:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    where = f"narratives/{path.name}"
    lang = _require(raw, "lang", where)
    if lang != path.stem:
        raise WorldDataError(f"{where}: lang '{lang}' differs from the file name")
    indicators = _require(raw, "indicators", where)
    for code, sentences in indicators.items():
        if code not in ILO_CODES:
            raise WorldDataError(f"{where}: unknown indicator code '{code}'")
        if not sentences:
            raise WorldDataError(f"{where}: indicator '{code}' has no sentences")
    negations = []
    for item in raw.get("negations", []):
        code = _require(item, "code", where)
        if code not in ILO_CODES:
            raise WorldDataError(f"{where}: unknown negated code '{code}'")
        negations.append((code, _require(item, "text", where)))
    narratives = Narratives(
        lang=lang,
        countries=dict(_require(raw, "countries", where)),
        openings=list(_require(raw, "openings", where)),
        neutral=list(_require(raw, "neutral", where)),
        ordinary=list(_require(raw, "ordinary", where)),
        closings=list(_require(raw, "closings", where)),
        indicators={code: list(sentences) for code, sentences in indicators.items()},
        negations=negations,
        generic=dict(_require(raw, "generic", where)),
    )
    for key in ("victim", "recruiter", "employer", "agency"):
        _require(narratives.generic, key, where)
    texts = narratives.openings + narratives.neutral + narratives.ordinary + narratives.closings
    texts += [s for sentences in narratives.indicators.values() for s in sentences]
    texts += [text for _, text in narratives.negations]
    for text in texts:
        _check_placeholders(text, where)
    return narratives


def _check_shares(shares: dict[str, float], where: str, allowed: set[str] | None = None) -> None:
    if (
        not shares
        or any(float(v) < 0 for v in shares.values())
        or sum(float(v) for v in shares.values()) <= 0
    ):
        raise WorldDataError(f"{where}: shares must be non-negative with a positive total")
    if allowed is not None and not set(shares) <= allowed:
        raise WorldDataError(f"{where}: unknown keys {sorted(set(shares) - allowed)}")


RATE_SECTIONS = (
    "population",
    "wiring",
    "phones",
    "dob",
    "victims",
    "reports",
    "mentions",
    "travellers",
    "cases",
    "programmes",
)


def _check_rates(rates: dict[str, Any]) -> None:
    """Every section present; every '*_rate' (or table of them) a probability."""
    for key in ("reference_date", "chunk_size", *RATE_SECTIONS):
        _require(rates, key, "rates.toml")
    if not isinstance(rates["chunk_size"], int) or rates["chunk_size"] < 1:
        raise WorldDataError("rates.toml: chunk_size must be a positive integer")

    def walk(table: dict[str, Any], path: str) -> None:
        for key, value in table.items():
            where = f"{path}.{key}" if path else key
            if isinstance(value, dict) and not key.endswith("_rate"):
                walk(value, where)
            elif key.endswith("_rate"):
                values = value.values() if isinstance(value, dict) else [value]
                if not all(isinstance(v, int | float) and 0 <= v <= 1 for v in values):
                    raise WorldDataError(f"rates.toml {where}: a rate must be a number from 0 to 1")

    walk(rates, "")


@cache
def load_world_data(data_dir: Path = DATA_DIR) -> WorldData:
    """Read every data file and check it; raise WorldDataError naming the file and field at fault."""
    cultures = {d.name: _load_culture(d) for d in sorted((data_dir / "names").iterdir()) if d.is_dir()}
    countries = {p.stem: _load_country(p, cultures) for p in sorted((data_dir / "countries").glob("*.toml"))}
    narratives = {p.stem: _load_narratives(p) for p in sorted((data_dir / "narratives").glob("*.yaml"))}
    missing = set(NARRATIVE_LANGUAGES) - set(narratives)
    if missing:
        raise WorldDataError(f"narratives: missing languages {sorted(missing)}")
    rates = tomllib.loads((data_dir / "rates.toml").read_text(encoding="utf-8"))
    _check_rates(rates)
    precision = rates["dob"]["precision"]
    if abs(sum(precision.values()) - 1.0) > 1e-9:
        raise WorldDataError("rates.toml dob.precision: full, year and unknown must add up to 1")
    nationality = rates["population"]["nationality"]
    _check_shares(nationality, "rates.toml population.nationality", set(countries))
    for code in nationality:
        if not countries[code].cultures:
            raise WorldDataError(f"rates.toml: nationality {code} has no cultures in countries/{code}.toml")
    routes_raw = yaml.safe_load((data_dir / "routes.yaml").read_text(encoding="utf-8"))
    routes = list(_require(routes_raw, "routes", "routes.yaml"))
    for route in routes:
        where = f"routes.yaml route {route.get('id')}"
        path = _require(route, "path", where)
        if len(path) < 2 or not set(path) <= set(countries):
            raise WorldDataError(f"{where}: path needs two or more known countries")
        if path[0] not in nationality:
            raise WorldDataError(f"{where}: origin {path[0]} must be a nationality in rates.toml")
        _check_shares(_require(route, "exploitation", where), f"{where} exploitation")
        _check_shares(_require(route, "industries", where), f"{where} industries")
    legitimate = dict(_require(routes_raw, "legitimate_migration", "routes.yaml"))
    for origin, shares in legitimate.items():
        _check_shares(shares, f"routes.yaml legitimate_migration {origin}", set(countries))
    partnership = yaml.safe_load((data_dir / "partnership.yaml").read_text(encoding="utf-8"))
    organisations = list(_require(partnership, "organisations", "partnership.yaml"))
    for org in organisations:
        where = f"partnership.yaml {org.get('org_id')}"
        for key in ("org_id", "name", "org_type", "country", "city", "langs", "covers"):
            _require(org, key, where)
        if org["org_type"] not in ORG_TYPES:
            raise WorldDataError(f"{where}: org_type must be one of {sorted(ORG_TYPES)}")
        if org["country"] not in countries or not set(org["covers"]) <= set(countries):
            raise WorldDataError(f"{where}: unknown country")
        if not set(org["langs"]) <= set(narratives):
            raise WorldDataError(f"{where}: langs must have narratives")
    programmes = dict(_require(partnership, "programmes", "partnership.yaml"))
    org_ids = {org["org_id"] for org in organisations}
    for kind, programme in programmes.items():
        if not set(_require(programme, "run_by", f"partnership.yaml programmes.{kind}")) <= org_ids:
            raise WorldDataError(f"partnership.yaml programmes.{kind}: run_by names an unknown organisation")
    indicators = tomllib.loads((data_dir / "indicators.toml").read_text(encoding="utf-8"))
    for method, code in indicators["methods_of_control"].items():
        if code not in ILO_CODES:
            raise WorldDataError(f"indicators.toml: {method} maps to unknown code '{code}'")
    return WorldData(
        countries=countries,
        cultures=cultures,
        narratives=narratives,
        rates=rates,
        routes=routes,
        legitimate_migration=legitimate,
        organisations=organisations,
        programmes=programmes,
        indicators=indicators,
    )
