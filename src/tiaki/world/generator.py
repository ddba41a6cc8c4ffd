"""Generate a synthetic world chunk by chunk and stream it to CSV/JSONL files with its ground truth."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from tiaki.world.data import WorldData, load_world_data
from tiaki.world.identifiers import (
    licence_number,
    mobile_numbers,
    passport_number,
    passport_slip,
    written_phone,
)
from tiaki.world.names import MentionWriter, NameSampler, PersonName, to_zawgyi, typo
from tiaki.world.narratives import compose

Progress = Callable[[int, int], None]

# Which narrative language a naming tradition speaks (Karen reports are written in Burmese or English here).
CULTURE_LANGUAGE = {
    "vi": "vi",
    "th": "th",
    "my": "my",
    "ksw": "my",
    "ms": "ms",
    "ta_my": "ta",
    "ta_lk": "ta",
    "si": "si",
    "id": "id",
    "nz": "en",
}
SUSPECT_RELATION = {
    "leader": "directs",
    "recruiter": "recruited",
    "broker": "brokered",
    "transporter": "transported",
    "forger": "forged_documents_for",
    "employer": "employed",
}
LABOUR_TYPES = frozenset({"ForcedLabour", "ChildLabour", "Servitude", "ForcedBegging"})
ORDINARY_LABOUR_CODES = ("withholding_of_wages", "excessive_overtime", "abusive_working_living_conditions")

FILES: dict[str, list[str]] = {
    "organisations.csv": ["org_id", "name", "org_type", "country", "city"],
    "people.csv": [
        "entity_id",
        "given_name",
        "family_name",
        "full_name",
        "name_script",
        "latin_name",
        "nicknames",
        "gender",
        "dob",
        "nationality",
        "phone",
        "id_number",
        "network_id",
        "network_role",
        "is_victim",
        "culture",
        "residence_country",
        "address",
        "email",
    ],
    "mentions.csv": [
        "id",
        "report_id",
        "source",
        "role",
        "name",
        "dob",
        "gender",
        "nationality",
        "phone",
        "email",
        "id_number",
        "address",
        "name_script",
        "lang",
    ],
    "agencies.csv": ["agency_id", "name", "country", "licence_status", "licence_number", "network_id"],
    "networks.csv": [
        "network_id",
        "route",
        "origin",
        "destination",
        "path",
        "exploitation_type",
        "agency_id",
    ],
    "relations.csv": ["src_entity_id", "dst_entity_id", "relation_type", "report_id"],
    "travellers.csv": ["id", "name", "dob", "gender", "nationality", "phone", "id_number"],
    "watchlist.csv": ["id", "name", "dob", "gender", "nationality", "phone", "id_number"],
    "ground_truth/mention_entity.csv": ["mention_id", "entity_id"],
    "ground_truth/entity_network.csv": ["entity_id", "network_id", "role"],
    "ground_truth/narrative_indicators.csv": ["report_id", "lang", "codes"],
    "ground_truth/watchlist_hits.csv": ["record_id", "watchlist_id"],
    "ground_truth/traveller_entity.csv": ["record_id", "entity_id"],
    "ground_truth/watchlist_entity.csv": ["watchlist_id", "entity_id"],
    "ground_truth/victims.csv": [
        "entity_id",
        "network_id",
        "exploitation_type",
        "forced_labour_industry",
        "sex_exploitation_type",
        "methods_of_control",
        "method_of_recruitment",
        "indicators",
        "is_child",
    ],
}
JSONL_FILES = ("reports.jsonl", "cases.jsonl", "programmes.jsonl")


@dataclass
class WorldSummary:
    """Counts of what a generated world holds (also written to DIR/summary.json, without `out`)."""

    out: str
    seed: int
    people: int
    organisations: int = 0
    networks: int = 0
    network_members: int = 0
    victims: int = 0
    agencies: int = 0
    reports: int = 0
    mentions: int = 0
    relations: int = 0
    travellers: int = 0
    watchlist: int = 0
    watchlist_hits: int = 0
    cases: int = 0
    programmes: int = 0
    reports_by_lang: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Sink:
    """Open output files; rows are appended chunk by chunk so memory stays bounded."""

    def __init__(self, out: Path) -> None:
        (out / "ground_truth").mkdir(parents=True, exist_ok=True)
        self._handles: list[TextIO] = []
        self.csv: dict[str, Any] = {}
        for name, header in FILES.items():
            handle = (out / name).open("w", encoding="utf-8", newline="")
            self._handles.append(handle)
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            self.csv[name] = writer
        self.jsonl: dict[str, TextIO] = {}
        for name in JSONL_FILES:
            handle = (out / name).open("w", encoding="utf-8", newline="\n")
            self._handles.append(handle)
            self.jsonl[name] = handle

    def rows(self, name: str, rows: list[list[Any]]) -> None:
        self.csv[name].writerows(rows)

    def objects(self, name: str, objects: list[dict[str, Any]]) -> None:
        handle = self.jsonl[name]
        handle.writelines(json.dumps(obj, ensure_ascii=False) + "\n" for obj in objects)

    def close(self) -> None:
        for handle in self._handles:
            handle.close()


def _weighted(shares: dict[str, float]) -> tuple[list[str], np.ndarray]:
    keys = list(shares)
    values = np.array([float(shares[k]) for k in keys])
    return keys, values / values.sum()


def _pick(prng: random.Random, shares: dict[str, float]) -> str:
    keys = list(shares)
    return prng.choices(keys, weights=[float(shares[k]) for k in keys])[0]


def generate(
    people: int,
    seed: int,
    out: Path | str,
    progress: Progress | None = None,
    *,
    chunk_size: int | None = None,
) -> WorldSummary:
    """Write a synthetic world of `people` persons to `out`; the same arguments give the same bytes."""
    if people < 1:
        raise ValueError("people must be at least 1")
    data = load_world_data()
    out = Path(out)
    size = int(chunk_size or data.rates["chunk_size"])
    summary = WorldSummary(out=str(out), seed=seed, people=people)
    sink = _Sink(out)
    try:
        sink.rows(
            "organisations.csv",
            [[o["org_id"], o["name"], o["org_type"], o["country"], o["city"]] for o in data.organisations],
        )
        summary.organisations = len(data.organisations)
        counters = _Counters()
        for index, start in enumerate(range(0, people, size)):
            n = min(size, people - start)
            _Chunk(data, seed, index, start, n, sink, counters, summary).run()
            if progress is not None:
                progress(start + n, people)
        programmes = _programmes(data, seed, people)
        sink.objects("programmes.jsonl", programmes)
        summary.programmes = len(programmes)
    finally:
        sink.close()
    summary.reports_by_lang = dict(sorted(summary.reports_by_lang.items()))
    # The output path stays out of the file: the same seed gives the same bytes wherever it is written.
    recorded = {k: v for k, v in summary.as_dict().items() if k != "out"}
    (out / "summary.json").write_text(json.dumps(recorded, indent=2) + "\n", encoding="utf-8")
    return summary


@dataclass
class _Counters:
    network: int = 0
    agency: int = 0
    report: int = 0
    mention: int = 0
    traveller: int = 0
    watchlist: int = 0
    case: int = 0

    def next(self, name: str) -> int:
        value = getattr(self, name) + 1
        setattr(self, name, value)
        return value


@dataclass
class _Network:
    network_id: str
    route: dict[str, Any]
    members: dict[str, list[int]]
    victims: list[int]
    agency_id: str = ""
    agency_name: str = ""
    exploitation: str = ""


class _Chunk:
    """One chunk of people and everything that happens to them."""

    def __init__(
        self,
        data: WorldData,
        seed: int,
        index: int,
        start: int,
        n: int,
        sink: _Sink,
        counters: _Counters,
        summary: WorldSummary,
    ) -> None:
        self.data, self.sink, self.counters, self.summary = data, sink, counters, summary
        self.start, self.n = start, n
        self.seed, self.index = seed, index
        self.rng = np.random.default_rng([seed, index])
        # Seeded, reproducible randomness for synthetic data; nothing here is a secret.
        self.prng = random.Random(seed * 1_000_003 + index)  # noqa: S311
        self.rates = data.rates
        self.writer = MentionWriter(data.rates["mentions"])
        self.reference = dt.date.fromisoformat(data.rates["reference_date"])

    # -- people -----------------------------------------------------------------------------------------
    def run(self) -> None:
        self._people()
        self._networks()
        self._attributes()
        self._write_people()
        self._agencies()
        self._victim_details()
        self._trafficking_reports()
        self._ordinary_reports()
        self._wire_networks()
        self._write_relations()
        self._travellers()

    def _people(self) -> None:
        data, rng, n = self.data, self.rng, self.n
        keys, probs = _weighted(data.rates["population"]["nationality"])
        self.nationality: list[str] = [keys[i] for i in rng.choice(len(keys), size=n, p=probs)]
        self.culture: list[str] = [""] * n
        for code in keys:
            rows = [i for i, c in enumerate(self.nationality) if c == code]
            ckeys, cprobs = _weighted(data.countries[code].cultures)
            for i, j in zip(rows, rng.choice(len(ckeys), size=len(rows), p=cprobs), strict=True):
                self.culture[i] = ckeys[j]
        self.category: list[str] = ["resident"] * n
        self.role: list[str] = [""] * n
        self.network: list[str] = [""] * n
        self.residence: list[str] = list(self.nationality)

    def _networks(self) -> None:
        data, rng, prng, n = self.data, self.rng, self.prng, self.n
        pop = data.rates["population"]
        pools: dict[str, list[int]] = {}
        for i in rng.permutation(n).tolist():
            pools.setdefault(self.nationality[i], []).append(i)

        def take(country: str) -> int | None:
            pool = pools.get(country)
            if not pool:
                pool = max(pools.values(), key=len, default=None)
            return pool.pop() if pool else None

        def source_country(country: str, fallback: str) -> str:
            return country if data.countries[country].cultures else fallback

        count = max(1, round(n / pop["people_per_network"]))
        weights = np.array([float(r["weight"]) for r in data.routes])
        route_idx = rng.choice(len(data.routes), size=count, p=weights / weights.sum())
        self.networks: list[_Network] = []
        for r in route_idx.tolist():
            route = data.routes[r]
            path = route["path"]
            origin, destination = path[0], path[-1]
            network = _Network(f"N{self.counters.next('network'):06d}", route, {}, [])
            network.exploitation = _pick(prng, route["exploitation"])
            for role, (low, high) in pop["roles"].items():
                if role == "transporter" and len(path) > 2:
                    country = source_country(path[1], origin)
                elif role == "employer":
                    country = source_country(destination, origin)
                else:
                    country = origin
                for _ in range(prng.randint(low, high)):
                    person = take(country)
                    if person is None:
                        break
                    self.category[person] = "member"
                    self.role[person] = role
                    self.network[person] = network.network_id
                    self.residence[person] = {"transporter": path[1], "employer": destination}.get(
                        role, origin
                    )
                    network.members.setdefault(role, []).append(person)
            low, high = pop["victims_per_network"]
            for _ in range(prng.randint(low, high)):
                person = take(origin)
                if person is None:
                    break
                self.category[person] = "victim"
                self.role[person] = "victim"
                self.network[person] = network.network_id
                self.residence[person] = destination
                network.victims.append(person)
            self.networks.append(network)
        migrant_rate = pop["legitimate_migrant_rate"]
        for i in range(n):
            if self.category[i] == "resident" and prng.random() < migrant_rate:
                shares = data.legitimate_migration.get(self.nationality[i])
                if shares:
                    self.category[i] = "migrant"
                    self.residence[i] = _pick(prng, shares)
        self.summary.networks += len(self.networks)
        self.summary.network_members += sum(len(m) for net in self.networks for m in net.members.values())
        self.summary.victims += sum(len(net.victims) for net in self.networks)

    def _attributes(self) -> None:
        data, rng, prng, n, rates = self.data, self.rng, self.prng, self.n, self.rates
        victims = rates["victims"]
        pop = rates["population"]
        female = np.full(n, 0.5)
        ages = rng.integers(pop["ages"]["resident"][0], pop["ages"]["resident"][1] + 1, size=n)
        migrant_ages = rng.integers(pop["ages"]["migrant"][0], pop["ages"]["migrant"][1] + 1, size=n)
        member_ages = rng.integers(pop["ages"]["member"][0], pop["ages"]["member"][1] + 1, size=n)
        bands = victims["age_bands"]
        band_idx = rng.choice(len(bands), size=n, p=_normalise([b[1] for b in bands]))
        band_u = rng.random(n)
        for i in range(n):
            category = self.category[i]
            if category == "victim":
                female[i] = victims["gender"]["F"] / (victims["gender"]["F"] + victims["gender"]["M"])
                low, high = bands[band_idx[i]][0]
                ages[i] = low + int(band_u[i] * (high - low + 1))
            elif category == "member":
                female[i] = pop["role_female_share"][self.role[i]]
                ages[i] = member_ages[i]
            elif category == "migrant":
                ages[i] = migrant_ages[i]
        self.gender: list[str] = ["f" if u < p else "m" for u, p in zip(rng.random(n), female, strict=True)]
        self.age: list[int] = ages.tolist()
        # Names, per naming tradition.
        self.names: list[PersonName] = [None] * n  # type: ignore[list-item]
        for code, culture in data.cultures.items():
            rows = [i for i, c in enumerate(self.culture) if c == code]
            if not rows:
                continue
            sampled = NameSampler(culture).sample(
                [self.gender[i] for i in rows], [self.age[i] for i in rows], rng, prng
            )
            for i, name in zip(rows, sampled, strict=True):
                self.names[i] = name
        self._namesakes(rates["travellers"]["namesake_rate"])
        # Dates of birth: known to the day, to the year only, or unknown.
        dob_rates = rates["dob"]
        offsets = (ages * 365.25).astype(np.int64) + rng.integers(0, 365, size=n)
        dates = np.datetime64(self.reference.isoformat()) - offsets.astype("timedelta64[D]")
        iso = np.datetime_as_string(dates, unit="D").tolist()
        u = rng.random(n)
        unknown = dob_rates["precision"]["unknown"]
        year_only = dob_rates["year_only_cultures"]
        self.dob: list[str] = []
        for i in range(n):
            full_i = 1.0 - unknown - year_only.get(self.culture[i], dob_rates["precision"]["year"])
            if u[i] < unknown:
                self.dob.append("")
            elif u[i] < unknown + full_i:
                self.dob.append(iso[i])
            else:
                self.dob.append(iso[i][:4])
        # Phones: people carry a SIM of the country they live in; some keep their home number.
        keep_home = rng.random(n) < rates["phones"]["keep_home_number_rate"]
        self.phone_country = [self.nationality[i] if keep_home[i] else self.residence[i] for i in range(n)]
        self.phone: list[str] = [""] * n
        for code in sorted(set(self.phone_country)):
            rows = [i for i, c in enumerate(self.phone_country) if c == code]
            for i, number in zip(rows, mobile_numbers(data.countries[code], len(rows), rng), strict=True):
                self.phone[i] = number
        has_phone = rng.random(n) >= rates["phones"]["no_phone_rate"]
        for i in range(n):
            if not has_phone[i] and self.category[i] not in ("member", "victim"):
                self.phone[i] = ""
        # Some networks run every recruiter off one phone: a shared number, not a shared person.
        for network in self.networks:
            recruiters = network.members.get("recruiter", [])
            if len(recruiters) > 1 and prng.random() < rates["phones"]["shared_recruiter_phone_rate"]:
                for person in recruiters[1:]:
                    self.phone[person] = self.phone[recruiters[0]]
                    self.phone_country[person] = self.phone_country[recruiters[0]]
        # Passports.
        passport_rate = pop["passport_rate"]
        self.id_number = [
            passport_number(data.countries[self.nationality[i]], prng)
            if prng.random() < passport_rate[self.category[i]]
            else ""
            for i in range(n)
        ]
        # Addresses: victims of one network share the site they were put to work at.
        self.address: list[str] = [self._address(self.residence[i]) for i in range(n)]
        for network in self.networks:
            sites = [self._address(network.route["path"][-1]) for _ in range(prng.randint(1, 2))]
            for person in network.victims:
                self.address[person] = prng.choice(sites)
            for person in network.members.get("employer", []):
                self.address[person] = sites[0]
        self.email: list[str] = []
        for i in range(n):
            rate = pop["email_rate"][self.category[i]]
            self.email.append(self._email(i) if prng.random() < rate else "")

    def _namesakes(self, rate: float) -> None:
        """Give some ordinary people exactly a network member's name: false hits screening must avoid."""
        prng = self.prng
        pools: dict[tuple[str, str], list[int]] = {}
        for i in range(self.n):
            if self.category[i] in ("resident", "migrant"):
                pools.setdefault((self.culture[i], self.gender[i]), []).append(i)
        self.namesakes: list[int] = []
        for i in range(self.n):
            if self.category[i] != "member" or prng.random() >= rate:
                continue
            pool = pools.get((self.culture[i], self.gender[i]))
            if not pool:
                continue
            other = pool.pop(prng.randrange(len(pool)))
            own, theirs = self.names[other], self.names[i]
            self.names[other] = PersonName(
                theirs.culture, theirs.given, theirs.family, own.honorific, theirs.nickname, own.gender
            )
            self.namesakes.append(other)

    def _address(self, country_code: str) -> str:
        country, prng = self.data.countries[country_code], self.prng
        city = prng.choices(country.cities, weights=country.city_weights)[0]
        return country.address_template.format(
            n=prng.randint(1, 400), street=prng.choice(country.streets), city=city
        )

    def _email(self, i: int) -> str:
        name = self.names[i]
        tokens = [t.lower() for t in name.latin_name().replace("/", " ").split() if t.isalpha()]
        local = self.prng.choice([".", "", "_"]).join(tokens[-2:]) or "user"
        domain = self.prng.choice(self.data.countries[self.nationality[i]].email_domains)
        return f"{local}{self.prng.randint(1, 999)}@{domain}"

    def entity_id(self, i: int) -> str:
        return f"E{self.start + i + 1:08d}"

    def _write_people(self) -> None:
        rows = []
        network_rows = []
        for i in range(self.n):
            name = self.names[i]
            rows.append(
                [
                    self.entity_id(i),
                    name.given_name,
                    name.family_name,
                    name.full_name(),
                    name.script,
                    name.latin_name(),
                    name.nickname_text(),
                    self.gender[i].upper(),
                    self.dob[i],
                    self.nationality[i],
                    self.phone[i],
                    self.id_number[i],
                    self.network[i],
                    self.role[i],
                    "true" if self.category[i] == "victim" else "false",
                    self.culture[i],
                    self.residence[i],
                    self.address[i],
                    self.email[i],
                ]
            )
            if self.network[i]:
                network_rows.append([self.entity_id(i), self.network[i], self.role[i]])
        self.sink.rows("people.csv", rows)
        self.sink.rows("ground_truth/entity_network.csv", network_rows)

    # -- agencies and victims -------------------------------------------------------------------------
    def _agency_name(self, country_code: str) -> str:
        country, prng = self.data.countries[country_code], self.prng
        first, second = (
            prng.sample(country.agency_words, 2)
            if len(country.agency_words) > 1
            else (country.agency_words[0], "")
        )
        word = first if prng.random() < 0.5 or not second else f"{first} {second}"
        return country.agency_name.format(word=word)

    def _agencies(self) -> None:
        data, prng, pop = self.data, self.prng, self.rates["population"]
        rows = []
        origins = list(data.rates["population"]["nationality"])
        for _ in range(max(1, round(self.n / pop["people_per_licensed_agency"]))):
            country = prng.choice(origins)
            agency_id = f"A{self.counters.next('agency'):06d}"
            rows.append(
                [
                    agency_id,
                    self._agency_name(country),
                    country,
                    "licensed",
                    licence_number(data.countries[country], prng),
                    "",
                ]
            )
        self.agency_names = [row[1] for row in rows]
        network_rows = []
        for network in self.networks:
            origin = network.route["path"][0]
            if prng.random() < pop["network_agency_rate"]:
                status = _pick(prng, pop["network_agency_status"])
                network.agency_id = f"A{self.counters.next('agency'):06d}"
                network.agency_name = self._agency_name(origin)
                # Unlicensed agencies often quote a made-up licence number.
                number = (
                    licence_number(data.countries[origin], prng)
                    if status != "unlicensed" or prng.random() < 0.3
                    else ""
                )
                rows.append(
                    [network.agency_id, network.agency_name, origin, status, number, network.network_id]
                )
            path = network.route["path"]
            network_rows.append(
                [
                    network.network_id,
                    network.route["id"],
                    path[0],
                    path[-1],
                    ">".join(path),
                    network.exploitation,
                    network.agency_id,
                ]
            )
        self.sink.rows("agencies.csv", rows)
        self.sink.rows("networks.csv", network_rows)
        self.summary.agencies += len(rows)

    def _victim_details(self) -> None:
        prng, victims = self.prng, self.rates["victims"]
        mapping = self.data.indicators["methods_of_control"]
        situational = self.data.indicators["situational"]
        details = victims["details"]
        self.details: dict[int, dict[str, Any]] = {}
        rows = []
        for network in self.networks:
            route = network.route
            for person in network.victims:
                exploitation = (
                    network.exploitation if prng.random() < 0.85 else _pick(prng, route["exploitation"])
                )
                child = self.age[person] < 18
                if exploitation == "ChildLabour" and not child:
                    exploitation = "ForcedLabour"
                industry = _pick(prng, route["industries"]) if exploitation in LABOUR_TYPES else ""
                sex_type = (
                    _pick(prng, details["sex_exploitation"]) if exploitation == "SexualExploitation" else ""
                )
                methods = [m for m, p in victims["methods_of_control"].items() if prng.random() < p]
                if not methods:
                    methods = ["FalsePromises"]
                codes = {mapping[m] for m in methods}
                codes |= {code for code, p in situational.items() if prng.random() < p}
                if child:
                    codes.add("abuse_of_vulnerability")
                record: dict[str, Any] = {
                    "exploitation_type": exploitation,
                    "forced_labour_industry": industry,
                    "sex_exploitation_type": sex_type,
                    "methods_of_control": methods,
                    "method_of_recruitment": _pick(prng, details["method_of_recruitment"]),
                    "indicators": sorted(codes),
                    "is_child": child,
                    "network": network,
                }
                self.details[person] = record
                rows.append(
                    [
                        self.entity_id(person),
                        network.network_id,
                        exploitation,
                        industry,
                        sex_type,
                        " ".join(methods),
                        record["method_of_recruitment"],
                        " ".join(record["indicators"]),
                        "true" if child else "false",
                    ]
                )
        self.sink.rows("ground_truth/victims.csv", rows)

    # -- reports --------------------------------------------------------------------------------------
    def _orgs_for(self, country: str) -> list[dict[str, Any]]:
        orgs = [o for o in self.data.organisations if country in o["covers"]]
        return orgs or [o for o in self.data.organisations if o["covers"]]

    def _occurred_on(self) -> str:
        return (self.reference - dt.timedelta(days=self.prng.randint(0, 3 * 365))).isoformat()

    def _mention(
        self, person: int, role: str, report: dict[str, Any], *, phone_only: bool = False
    ) -> dict[str, str]:
        prng, r = self.prng, self.rates["mentions"]
        mention_id = f"M{self.counters.next('mention'):08d}"
        if phone_only:
            name, script = "", ""
        else:
            name, script = self.writer.write(self.names[person], prng)
        dob = ""
        truth = self.dob[person]
        if truth and prng.random() < r["dob_rate"]:
            if len(truth) == 4 or prng.random() < r["dob_year_only_rate"]:
                dob = truth[:4]
            elif prng.random() < r["dob_dmy_format_rate"]:
                dob = f"{truth[8:10]}/{truth[5:7]}/{truth[:4]}"
            elif prng.random() < r["dob_day_month_swap_rate"] and int(truth[8:10]) <= 12:
                # Day and month swapped by someone used to the other convention.
                dob = f"{truth[:4]}-{truth[8:10]}-{truth[5:7]}"
            else:
                dob = truth
        gender = self.gender[person].upper() if prng.random() < r["gender_rate"] else ""
        nationality = ""
        if prng.random() < r["nationality_rate"]:
            country = self.data.countries[self.nationality[person]]
            nationality = (
                prng.choice([country.name, *country.aliases])
                if prng.random() < r["nationality_as_name_rate"]
                else country.code
            )
        phone = ""
        e164, phone_country = self.phone[person], self.phone_country[person]
        if role == "victim" and prng.random() < r["shared_phone_rate"]:
            recruiters = self.details[person]["network"].members.get("recruiter", [])
            if recruiters:
                e164, phone_country = self.phone[recruiters[0]], self.phone_country[recruiters[0]]
        if e164 and (phone_only or prng.random() < r["phone_rate"]):
            phone = written_phone(
                e164,
                self.data.countries[phone_country],
                report["country"],
                prng,
                r["phone_national_format_rate"],
            )
        email = self.email[person] if self.email[person] and prng.random() < r["email_rate"] else ""
        id_number = ""
        if self.id_number[person] and prng.random() < r["id_number_rate"]:
            id_number = self.id_number[person]
            if prng.random() < r["id_number_slip_rate"]:
                id_number = passport_slip(id_number, prng)
        address = self.address[person] if prng.random() < r["address_rate"] else ""
        row = {
            "id": mention_id,
            "report_id": report["id"],
            "source": report["org_id"],
            "role": role,
            "name": name,
            "dob": dob,
            "gender": gender,
            "nationality": nationality,
            "phone": phone,
            "email": email,
            "id_number": id_number,
            "address": address,
            "name_script": script,
            "lang": report["lang"],
        }
        self._mention_rows.append(list(row.values()))
        self._mention_truth.append([mention_id, self.entity_id(person)])
        report["mention_ids"].append(mention_id)
        return row

    def _new_report(
        self, country: str, lang_choices: list[str], channel: str | None = None
    ) -> dict[str, Any]:
        prng = self.prng
        org = prng.choice(self._orgs_for(country))
        preferred = [lang for lang in lang_choices if lang in self.data.narratives]
        if preferred and prng.random() < self.rates["reports"]["victim_language_rate"]:
            lang = preferred[0]
        else:
            lang = prng.choice(org["langs"])
        countries = self.data.countries[country]
        place = prng.choices(countries.cities, weights=countries.city_weights)[0]
        return {
            "id": f"R{self.counters.next('report'):07d}",
            "org_id": org["org_id"],
            "channel": channel or _pick(prng, self.rates["reports"]["channel"]),
            "lang": lang,
            "narrative": "",
            "place": place,
            "country": country,
            "occurred_on": self._occurred_on(),
            "mention_ids": [],
        }

    def _finish_report(
        self, report: dict[str, Any], codes: list[str], ordinary: bool, fill: dict[str, str]
    ) -> None:
        prng = self.prng
        narratives = self.data.narratives[report["lang"]]
        settings = self.data.indicators["narrative"]
        fill = dict(fill)
        for key in ("origin", "destination"):
            if key in fill:
                fill[key] = narratives.countries.get(fill[key], self.data.countries[fill[key]].name)
        fill["place"] = report["place"]
        fill["amount"] = f"USD {prng.randrange(800, 9000, 50):,}"
        fill["hours"] = str(prng.randint(12, 18))
        rate = settings["negation_rate_ordinary" if ordinary else "negation_rate_trafficking"]
        text, carried = compose(
            narratives, codes=codes, ordinary=ordinary, negation_rate=rate, fill=fill, prng=prng
        )
        if report["lang"] == "my" and prng.random() < settings["zawgyi_rate"]:
            text = to_zawgyi(text)
            report["encoding"] = "zawgyi"
        report["narrative"] = text
        self._reports.append(report)
        self._indicator_rows.append([report["id"], report["lang"], " ".join(carried)])
        counts = self.summary.reports_by_lang
        counts[report["lang"]] = counts.get(report["lang"], 0) + 1

    def _trafficking_reports(self) -> None:
        prng, data = self.prng, self.data
        victims = self.rates["victims"]
        report_rates = self.rates["reports"]
        settings = data.indicators["narrative"]
        self._reports: list[dict[str, Any]] = []
        self._mention_rows: list[list[str]] = []
        self._mention_truth: list[list[str]] = []
        self._indicator_rows: list[list[str]] = []
        self.case_reports: dict[int, list[dict[str, Any]]] = {}
        # (suspect, victim, role) -> the first report naming that suspect about that victim.
        self.named: dict[tuple[int, int, str], str] = {}
        residents_by_country: dict[str, list[int]] = {}
        for i in range(self.n):
            if self.category[i] == "resident":
                residents_by_country.setdefault(self.nationality[i], []).append(i)
        self.residents_by_country = residents_by_country
        mention_rate = self.rates["mentions"]
        for network in self.networks:
            path = network.route["path"]
            for person in network.victims:
                if prng.random() >= victims["reported_rate"]:
                    continue
                low, high = victims["reports_per_victim"]
                for _ in range(prng.randint(low, high)):
                    country = path[-1] if prng.random() < report_rates["in_destination_rate"] else path[0]
                    report = self._new_report(country, [CULTURE_LANGUAGE[self.culture[person]]])
                    fill: dict[str, str] = {"origin": path[0], "destination": path[-1]}
                    victim_row = self._mention(person, "victim", report)
                    fill["victim"] = victim_row["name"]
                    fill["phone"] = victim_row["phone"]
                    for role, chance in report_rates["suspect_mention"].items():
                        members = network.members.get(role)
                        if members and prng.random() < chance:
                            suspect = prng.choice(members)
                            phone_only = (
                                bool(self.phone[suspect])
                                and prng.random() < mention_rate["suspect_phone_only_rate"]
                            )
                            row = self._mention(suspect, "suspect", report, phone_only=phone_only)
                            if role in ("recruiter", "employer") and row["name"]:
                                fill[role] = row["name"]
                            if not fill["phone"] and row["phone"]:
                                fill["phone"] = row["phone"]
                            if role != "leader":
                                self.named.setdefault((suspect, person, role), report["id"])
                    if len(network.victims) > 1 and prng.random() < report_rates["co_victim_rate"]:
                        other = prng.choice(network.victims)
                        if other != person:
                            self._mention(other, "victim", report)
                    if (
                        report["channel"] in ("public_tip", "partner_form")
                        and prng.random() < report_rates["family_reporter_rate"]
                    ):
                        family = residents_by_country.get(self.nationality[person])
                        if family:
                            self._mention(prng.choice(family), "reporter", report)
                    if prng.random() < report_rates["witness_rate"]:
                        witnesses = residents_by_country.get(path[-1])
                        if witnesses:
                            self._mention(prng.choice(witnesses), "witness", report)
                    if network.agency_name:
                        fill["agency"] = network.agency_name
                    indicators = self.details[person]["indicators"]
                    codes: list[str] = []
                    if prng.random() >= settings["vague_trafficking_rate"]:
                        k = prng.randint(1, min(settings["max_indicator_sentences"], len(indicators)))
                        codes = prng.sample(indicators, k)
                    self._finish_report(report, codes, ordinary=False, fill=fill)
                    self.case_reports.setdefault(person, []).append(report)

    def _ordinary_reports(self) -> None:
        prng, report_rates = self.prng, self.rates["reports"]
        count = round(self.n * self.rates["reports"]["ordinary_reports_per_person"])
        candidates = [i for i in range(self.n) if self.category[i] in ("migrant", "resident")]
        if not candidates:
            candidates = list(range(self.n))
        for _ in range(count):
            person = prng.choice(candidates)
            country = self.residence[person]
            report = self._new_report(country, [CULTURE_LANGUAGE[self.culture[person]]])
            row = self._mention(person, "reporter", report)
            fill = {
                "victim": row["name"],
                "phone": row["phone"],
                "origin": self.nationality[person],
                "destination": country,
                "agency": prng.choice(self.agency_names),
            }
            if prng.random() < report_rates["ordinary_witness_rate"]:
                witnesses = self.residents_by_country.get(country)
                if witnesses:
                    self._mention(prng.choice(witnesses), "witness", report)
            # Labour complaints short of trafficking still show an indicator.
            labour = prng.random() < report_rates["ordinary_labour_indicator_rate"]
            codes = [prng.choice(ORDINARY_LABOUR_CODES)] if labour else []
            self._finish_report(report, codes, ordinary=True, fill=fill)
        self.sink.objects("reports.jsonl", self._reports)
        self.sink.rows("mentions.csv", self._mention_rows)
        self.sink.rows("ground_truth/mention_entity.csv", self._mention_truth)
        self.sink.rows("ground_truth/narrative_indicators.csv", self._indicator_rows)
        self.summary.reports += len(self._reports)
        self.summary.mentions += len(self._mention_rows)
        self._cases()

    def _wire_networks(self) -> None:
        """Who is linked to whom: compartmentalised cells that only the network's brokers join.

        Each recruiter has a cell of the victims they recruited; one transporter moves each recruiter's
        batch; each victim works for one employer; the forger made some victims' papers. Cell heads do not
        know each other or the leader: the origin broker pays the recruiters and the forger, the destination
        broker (the same person when there is one) pays the transporters and is paid by the employers, and
        brokers pass every victim on and work for the leader. Without a broker the leader hires the heads
        directly. Every suspect a report names is linked to that victim in that role (a second recruiter,
        say), so the reports stay true. Drawn from a random stream of its own: people, mentions, reports and
        narratives are the same bytes whatever the wiring draws.
        """
        rng = random.Random(f"tiaki-world-wiring:{self.seed}:{self.index}")  # noqa: S311 - synthetic data
        forged_rate = self.rates["wiring"]["forged_documents_rate"]
        named_by: dict[tuple[int, str], list[int]] = {}
        for suspect, victim, role in self.named:
            named_by.setdefault((victim, role), []).append(suspect)
        self.relations: dict[tuple[str, str, str], str] = {}
        entity = self.entity_id

        def link(source: int, target: int, kind: str, report: str = "") -> None:
            self.relations.setdefault((entity(source), entity(target), kind), report)

        for network in self.networks:
            members = network.members
            leader = members.get("leader", [])
            brokers = members.get("broker", [])
            recruiters, transporters = members.get("recruiter", []), members.get("transporter", [])
            employers, forgers = members.get("employer", []), members.get("forger", [])
            if brokers:
                origin, destination = brokers[0], brokers[-1]
                for broker in brokers:
                    for boss in leader:
                        link(broker, boss, "works_for")
                if destination != origin:
                    link(destination, origin, "paid")
                for head in recruiters + forgers:
                    link(origin, head, "paid")
                for head in transporters:
                    link(destination, head, "paid")
                for head in employers:
                    link(head, destination, "paid")
            else:
                for head in recruiters + forgers + transporters + employers:
                    for boss in leader:
                        link(head, boss, "works_for")
            batch: dict[int, int] = {}  # recruiter -> the transporter who moves their recruits
            for victim in network.victims:
                cell = named_by.get((victim, "recruiter")) or ([rng.choice(recruiters)] if recruiters else [])
                moved = named_by.get((victim, "transporter"), [])
                if cell and transporters:
                    moved = [batch.setdefault(cell[0], rng.choice(transporters)), *moved]
                employed = named_by.get((victim, "employer")) or (
                    [rng.choice(employers)] if employers else []
                )
                forged = named_by.get((victim, "forger"), [])
                if forgers and rng.random() < forged_rate:
                    forged = [forgers[0], *forged]
                for role, suspects in (
                    ("recruiter", cell),
                    ("broker", brokers),
                    ("transporter", moved),
                    ("forger", forged),
                    ("employer", employed),
                ):
                    for suspect in suspects:
                        link(
                            suspect,
                            victim,
                            SUSPECT_RELATION[role],
                            self.named.get((suspect, victim, role), ""),
                        )
                if network.agency_id:
                    self.relations.setdefault((entity(victim), network.agency_id, "recruited_through"), "")

    def _write_relations(self) -> None:
        rows = [[src, dst, kind, report] for (src, dst, kind), report in self.relations.items()]
        self.sink.rows("relations.csv", rows)
        self.summary.relations += len(rows)

    # -- cases ----------------------------------------------------------------------------------------
    def _cases(self) -> None:
        prng, data, rates = self.prng, self.data, self.rates["cases"]
        carers = [o for o in data.organisations if o["org_type"] in ("ngo", "school_shelter")]
        shelter_school = [o for o in carers if o["org_type"] == "school_shelter"]
        cases = []
        for person, reports in self.case_reports.items():
            if prng.random() >= rates["case_rate"]:
                continue
            detail = self.details[person]
            network = detail["network"]
            path = network.route["path"]
            first = min(reports, key=lambda r: r["occurred_on"])
            opened = dt.date.fromisoformat(first["occurred_on"]) + dt.timedelta(days=prng.randint(0, 20))
            near = [
                o for o in carers if o["country"] in (first["country"],) or first["country"] in o["covers"]
            ]
            if (
                detail["is_child"]
                and shelter_school
                and self.nationality[person] in shelter_school[0]["covers"]
                and prng.random() < rates["child_shelter_rate"]
            ):
                owner = shelter_school[0]
            else:
                owner = prng.choice(near or carers)
            case: dict[str, Any] = {
                "id": f"C{self.counters.next('case'):07d}",
                "org_id": owner["org_id"],
                "entity_id": self.entity_id(person),
                "network_id": network.network_id,
                "report_ids": [r["id"] for r in reports],
                "trafficking_status": "ActualVictimOfTrafficking"
                if prng.random() < 0.6
                else "PossibleVictimOfTrafficking",
                "status": "open",
                "is_child": detail["is_child"],
                "opened_on": opened.isoformat(),
                "exploitation_types": [detail["exploitation_type"]],
                "forced_labour_industry": detail["forced_labour_industry"],
                "sex_exploitation_type": detail["sex_exploitation_type"],
                "methods_of_control": detail["methods_of_control"],
                "method_of_recruitment": detail["method_of_recruitment"],
                "location_of_recruitment": path[0],
                "location_of_exploitation": path[-1],
                "consents": [
                    {
                        "purpose": "case_management",
                        "org_id": owner["org_id"],
                        "given_on": opened.isoformat(),
                        "withdrawn_on": None,
                    }
                ],
                "referrals": [],
                "shelter_placement": None,
                "return_plan": None,
                "follow_ups": [],
            }
            day = opened
            if prng.random() < rates["referral_rate"]:
                if first["org_id"] != owner["org_id"]:
                    source = first["org_id"]
                else:
                    source = prng.choice([o["org_id"] for o in data.organisations if o["covers"]])
                day = day + dt.timedelta(days=prng.randint(0, 10))
                case["referrals"].append(
                    {
                        "from_org": source,
                        "to_org": owner["org_id"],
                        "on": day.isoformat(),
                        "status": prng.choice(["accepted", "accepted", "accepted", "pending", "declined"]),
                        "reason": "Possible victim of trafficking needing protection and support",
                    }
                )
                case["consents"].append(
                    {
                        "purpose": "referral",
                        "org_id": owner["org_id"],
                        "given_on": day.isoformat(),
                        "withdrawn_on": None,
                    }
                )
            if prng.random() < rates["shelter_rate"] or owner["org_type"] == "school_shelter":
                start = day + dt.timedelta(days=prng.randint(0, 7))
                end = start + dt.timedelta(days=prng.randint(14, 240))
                case["shelter_placement"] = {
                    "org_id": owner["org_id"],
                    "from": start.isoformat(),
                    "to": end.isoformat() if end <= self.reference else None,
                }
            if path[0] != first["country"] and prng.random() < rates["return_rate"]:
                home = [o for o in carers if path[0] in o["covers"]]
                steps = [
                    "Travel documents issued",
                    "Family tracing and risk assessment",
                    "Escorted return",
                    "Reception by partner organisation",
                    "Reintegration follow-up",
                ]
                due = day + dt.timedelta(days=30)
                plan_steps = []
                for step in steps:
                    due = due + dt.timedelta(days=prng.randint(7, 45))
                    done = due <= self.reference and prng.random() < 0.85
                    plan_steps.append(
                        {"step": step, "due": due.isoformat(), "done_on": due.isoformat() if done else None}
                    )
                case["return_plan"] = {
                    "from_country": first["country"],
                    "to_country": path[0],
                    "receiving_org": (prng.choice(home)["org_id"] if home else ""),
                    "steps": plan_steps,
                }
                case["consents"].append(
                    {
                        "purpose": "safe_return",
                        "org_id": owner["org_id"],
                        "given_on": day.isoformat(),
                        "withdrawn_on": None,
                    }
                )
            follow = opened
            for _ in range(prng.randint(1, 4)):
                follow = follow + dt.timedelta(days=prng.randint(20, 90))
                case["follow_ups"].append({"due": follow.isoformat(), "done": follow <= self.reference})
            if case["follow_ups"] and all(f["done"] for f in case["follow_ups"]) and prng.random() < 0.5:
                case["status"] = "closed"
            cases.append(case)
        self.sink.objects("cases.jsonl", cases)
        self.summary.cases += len(cases)

    # -- travellers and watchlist ---------------------------------------------------------------------
    def _travellers(self) -> None:
        prng, rates = self.prng, self.rates["travellers"]
        watch_rows, watch_truth, travel_rows, travel_truth, hits = [], [], [], [], []
        watched: dict[int, str] = {}
        members = [i for i in range(self.n) if self.category[i] == "member"]
        for person in members:
            if prng.random() < rates["watchlist_rate"]:
                watchlist_id = f"W{self.counters.next('watchlist'):06d}"
                watched[person] = watchlist_id
                dob = self.dob[person]
                if dob and prng.random() < rates["watchlist_year_only_dob_rate"]:
                    dob = dob[:4]
                watch_rows.append(
                    [
                        watchlist_id,
                        self.names[person].latin_name().upper(),
                        dob,
                        self.gender[person].upper(),
                        self.nationality[person],
                        self.phone[person] if prng.random() < rates["watchlist_phone_rate"] else "",
                        self.id_number[person] if prng.random() < rates["watchlist_id_number_rate"] else "",
                    ]
                )
                watch_truth.append([watchlist_id, self.entity_id(person)])
        travelling = [i for i in members if prng.random() < rates["network_member_travel_rate"]]
        # Namesakes of network members travel too, on their own passports.
        travelling += [i for i in self.namesakes if self.id_number[i]]
        # Everyone else who crosses a border does so on the passport they hold.
        others = [i for i in range(self.n) if self.category[i] != "member" and self.id_number[i]]
        count = round(self.n * rates["per_person"])
        if others and count:
            travelling += [
                others[j] for j in self.rng.choice(len(others), size=min(count, len(others)), replace=False)
            ]
        travelling = sorted(set(travelling))
        for person in travelling:
            record_id = f"T{self.counters.next('traveller'):07d}"
            name = self.names[person]
            written = self.writer.passport_style(name, prng)
            if self.category[person] == "member":
                # Known network members travel under a variant of their name.
                roll = prng.random()
                if roll < rates["member_variant_name_rate"]:
                    written = self.writer.write(name, prng, allow_nickname=False)[0]
                    written = written.upper() if prng.random() < 0.5 else written
                elif roll < rates["member_variant_name_rate"] + rates["member_typo_rate"]:
                    written = typo(written, prng)
            id_number = self.id_number[person]
            other_passport = prng.random() < rates["member_other_passport_rate"]
            if self.category[person] == "member" and (other_passport or not id_number):
                id_number = passport_number(self.data.countries[self.nationality[person]], prng)
            phone = self.phone[person] if prng.random() < rates["traveller_phone_rate"] else ""
            travel_rows.append(
                [
                    record_id,
                    written,
                    self.dob[person] if len(self.dob[person]) == 10 else "",
                    self.gender[person].upper(),
                    self.nationality[person],
                    phone,
                    id_number,
                ]
            )
            travel_truth.append([record_id, self.entity_id(person)])
            if person in watched:
                hits.append([record_id, watched[person]])
        self.sink.rows("watchlist.csv", watch_rows)
        self.sink.rows("ground_truth/watchlist_entity.csv", watch_truth)
        self.sink.rows("travellers.csv", travel_rows)
        self.sink.rows("ground_truth/traveller_entity.csv", travel_truth)
        self.sink.rows("ground_truth/watchlist_hits.csv", hits)
        self.summary.watchlist += len(watch_rows)
        self.summary.travellers += len(travel_rows)
        self.summary.watchlist_hits += len(hits)


def _normalise(weights: list[float]) -> np.ndarray:
    array = np.array(weights, dtype=float)
    return array / array.sum()


def _programmes(data: WorldData, seed: int, people: int) -> list[dict[str, Any]]:
    """Outreach events, campaigns and trainings across the partnership (not tied to chunks)."""
    prng = random.Random(seed * 1_000_003 + 999_983)  # noqa: S311
    rates = data.rates["programmes"]
    count = max(int(rates["minimum"]), round(people / 1000 * rates["per_thousand"]))
    orgs = {o["org_id"]: o for o in data.organisations}
    reference = dt.date.fromisoformat(data.rates["reference_date"])
    kinds = sorted(data.programmes)
    items = []
    for number in range(1, count + 1):
        kind = kinds[(number - 1) % len(kinds)]
        spec = data.programmes[kind]
        org = orgs[prng.choice(spec["run_by"])]
        start = reference - dt.timedelta(days=prng.randint(-60, 2 * 365))
        length = {"campaign": prng.randint(14, 120), "training": prng.randint(1, 5)}.get(kind, 1)
        low, high = spec["participants"]
        item: dict[str, Any] = {
            "id": f"P{number:06d}",
            "kind": kind,
            "org_id": org["org_id"],
            "title": prng.choice(spec["titles"]),
            "lang": org["langs"][0],
            "country": org["country"],
            "city": org["city"],
            "starts_on": start.isoformat(),
            "ends_on": (start + dt.timedelta(days=length - 1)).isoformat(),
            "participants": prng.randint(low, high),
        }
        if kind == "training":
            pre = round(prng.uniform(40, 65), 1)
            item["pre_test_mean"] = pre
            item["post_test_mean"] = round(min(100.0, pre + prng.uniform(8, 30)), 1)
        if kind == "outreach_event" and org.get("teaching_languages"):
            item["languages"] = org["teaching_languages"]
        items.append(item)
    return items
