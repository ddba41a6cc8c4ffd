"""Load a synthetic world into the database through the same services the app uses (so it is audited).

Used by `tiaki demo`. Each domain loads only when its tables are empty, so a restart adds nothing twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterator
from itertools import permutations
from pathlib import Path
from typing import Any

import yaml
from django.utils import timezone

from tiaki.accounts import services as accounts_services
from tiaki.accounts.models import Organisation, OrganisationType, User
from tiaki.accounts.permissions import Role
from tiaki.cases import services as case_services
from tiaki.cases.models import Case, ReferralStatus, ReturnStepKind, Shelter
from tiaki.governance.models import SharingAgreement
from tiaki.governance.services import sharing_agreement_set
from tiaki.intake import services as intake_services
from tiaki.intake.models import Report

Progress = Callable[[str], None]
CONSENT_PURPOSES = {"case_management": "services", "referral": "sharing", "safe_return": "safe_return"}
RETURN_STEPS = list(ReturnStepKind)  # the world's five steps come in the same order
GENDERS = {"F": "Feminine", "M": "Masculine"}


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _moment(day: dt.date | None) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC) if day else timezone.now()


def organisations(world: Path) -> dict[str, Organisation]:
    found = {o.code: o for o in Organisation.objects.all()}
    for row in _rows(world / "organisations.csv"):
        if row["org_id"] not in found:
            found[row["org_id"]] = accounts_services.organisation_create(
                actor=None,
                code=row["org_id"],
                name=row["name"],
                org_type=row["org_type"],
                country=row["country"],
                city=row["city"],
            )
    return found


def sharing_agreements(orgs: dict[str, Organisation]) -> int:
    """The demo partnership's memorandum: referrals and statistics may cross between all partners."""
    if SharingAgreement.objects.exists():
        return 0
    for provider, recipient in permutations(orgs.values(), 2):
        sharing_agreement_set(
            actor=None,
            provider=provider,
            recipient=recipient,
            referrals=True,
            statistics=True,
            intelligence_p=True,
            valid_from=dt.date(2023, 1, 1),
            conditions="Demo partnership memorandum of understanding",
        )
    return len(orgs) * (len(orgs) - 1)


def reports(world: Path, orgs: dict[str, Organisation], progress: Progress) -> int:
    if Report.objects.exists():
        return 0
    loaded = 0
    for row in _jsonl(world / "reports.jsonl"):
        occurred_on = _date(row.get("occurred_on"))
        intake_services.report_submit(
            actor=None,
            organisation=orgs[row["org_id"]],
            channel=row["channel"],
            narrative=row["narrative"],
            language=row.get("lang", ""),
            country=row.get("country", ""),
            place=row.get("place", ""),
            occurred_on=occurred_on,
            received_at=_moment(occurred_on + dt.timedelta(days=3) if occurred_on else None),
        )
        loaded += 1
        if loaded % 500 == 0:
            progress(f"  {loaded:,} reports loaded")
    return loaded


class _Desks:
    """One demo system account per organisation for one kind of work (e.g. "casework", "intel"),
    through which the world's history is replayed."""

    def __init__(self, orgs: dict[str, Organisation], *, kind: str, role: Role, title: str) -> None:
        self.orgs, self.kind, self.role, self.title = orgs, kind, role, title
        self.accounts: dict[str, User] = {}

    def __call__(self, code: str) -> User:
        if code not in self.accounts:
            organisation = self.orgs[code]
            username = f"{self.kind}.{code.lower()}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = accounts_services.user_create(
                    actor=None,
                    organisation=organisation,
                    username=username,
                    password=None,
                    role=self.role,
                    display_name=f"{self.title} ({organisation})",
                )
                if (
                    self.role == Role.CASE_SUPERVISOR
                    and organisation.org_type == OrganisationType.SCHOOL_SHELTER
                ):
                    accounts_services.membership_grant(
                        actor=None, user=user, organisation=organisation, role=Role.SHELTER_STAFF
                    )
            # Replaying history is the system acting through these accounts, not a person signing in.
            user.is_verified = lambda: True  # type: ignore[attr-defined]
            self.accounts[code] = user
        return self.accounts[code]


def shelters(world: Path, orgs: dict[str, Organisation]) -> dict[str, Shelter]:
    partnership = yaml.safe_load((Path(__file__).parent / "data" / "partnership.yaml").read_text())
    existing = {s.organisation.code: s for s in Shelter.objects.select_related("organisation")}
    for entry in partnership["organisations"]:
        code = entry["org_id"]
        if entry["org_type"] == OrganisationType.SCHOOL_SHELTER and code in orgs and code not in existing:
            existing[code] = case_services.shelter_create(
                actor=None,
                organisation=orgs[code],
                name=entry["name"],
                country=entry["country"],
                city=entry.get("city", ""),
                capacity=40,
                languages=entry.get("teaching_languages", []),
                min_age=6,
                max_age=17,
                genders=["Feminine", "Masculine"],
            )
    return existing


def cases(world: Path, orgs: dict[str, Organisation], progress: Progress) -> int:
    if Case.objects.exists():
        return 0
    people = {row["entity_id"]: row for row in _rows(world / "people.csv")}
    casework = _Desks(orgs, kind="casework", role=Role.CASE_SUPERVISOR, title="Casework desk")
    shelter_of = shelters(world, orgs)
    loaded = 0
    for row in _jsonl(world / "cases.jsonl"):
        _replay_case(row, people[row["entity_id"]], orgs, casework, shelter_of)
        loaded += 1
    progress(f"{loaded:,} cases loaded")
    return loaded


def _replay_case(
    row: dict[str, Any],
    person: dict[str, str],
    orgs: dict[str, Organisation],
    casework: _Desks,
    shelter_of: dict[str, Shelter],
) -> None:
    # A referral into the case's organisation means another partner identified the survivor first.
    incoming = next((r for r in row["referrals"] if r["to_org"] == row["org_id"] != r["from_org"]), None)
    opener_code = incoming["from_org"] if incoming else row["org_id"]
    opener = casework(opener_code)
    opened_on = _date(row["opened_on"])
    identity = {
        "first_name": person["given_name"],
        "second_name": person["family_name"],
        "birthdate": person["dob"],
        "mobile_phone": person["phone"],
    }
    case = case_services.case_open(
        actor=opener,
        organisation=orgs[opener_code],
        identity={k: v for k, v in identity.items() if v},
        gender=GENDERS.get(person["gender"], "NonSpecifiedUnknown"),
        citizenship=person["nationality"],
        is_child=row["is_child"],
        trafficking_status=row["trafficking_status"],
        type_of_exploitation=row["exploitation_types"],
        methods_of_control=row["methods_of_control"],
        location_of_recruitment=row["location_of_recruitment"] or "",
        location_of_exploitation=row["location_of_exploitation"] or "",
        opened_at=_moment(opened_on),
    )
    if case.is_child:
        case_services.best_interests_approve(actor=opener, case=case)
    for consent in row["consents"]:
        purpose = CONSENT_PURPOSES[consent["purpose"]]
        with_org = orgs[incoming["to_org"]] if purpose == "sharing" and incoming else None
        if purpose == "sharing" and with_org is None:
            continue
        case_services.consent_record(
            actor=opener,
            case=case,
            purpose=purpose,
            organisation=with_org,
            given_at=_moment(_date(consent["given_on"])),
        )
    owner = opener
    if incoming:
        referral = case_services.referral_send(
            actor=opener,
            case=case,
            to_organisation=orgs[incoming["to_org"]],
            reason="AdditionalServicesRequired",
            shared_parts=["identity", "exploitation", "events", "needs", "return"],
            is_transfer=True,
            details=incoming["reason"],
            consent_override_reason=""
            if any(c["purpose"] == "referral" for c in row["consents"])
            else "Recorded before consent forms were in use (demo history)",
        )
        if incoming["status"] in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED):
            receiver = casework(incoming["to_org"])
            case_services.referral_respond(
                actor=receiver, referral=referral, accept=incoming["status"] == ReferralStatus.ACCEPTED
            )
            if incoming["status"] == ReferralStatus.ACCEPTED:
                owner = receiver
                case.refresh_from_db()
    placement = row["shelter_placement"]
    if placement and placement["org_id"] in shelter_of and owner.pk == casework(row["org_id"]).pk:
        shelter = shelter_of[placement["org_id"]]
        placed = case_services.placement_start(
            actor=casework(placement["org_id"]),
            case=case,
            shelter=shelter,
            started_on=_date(placement["from"]) or dt.date.today(),
        )
        if placement.get("to"):
            case_services.placement_end(
                actor=casework(placement["org_id"]),
                placement=placed,
                ended_on=_date(placement["to"]) or dt.date.today(),
            )
    plan = row["return_plan"]
    if plan and owner.pk == casework(row["org_id"]).pk:
        if not case.consents.filter(purpose="safe_return").exists():
            case_services.consent_record(actor=owner, case=case, purpose="safe_return")
        first_due = _date(plan["steps"][0]["due"]) if plan["steps"] else opened_on
        created = case_services.return_plan_create(
            actor=owner,
            case=case,
            from_country=plan["from_country"],
            to_country=plan["to_country"],
            receiving_organisation=orgs[plan["receiving_org"]],
            start=(first_due or dt.date.today()) - dt.timedelta(days=14),
        )
        steps = {s.kind: s for s in created.steps.all()}
        for kind, step in zip(RETURN_STEPS, plan["steps"], strict=False):
            if done_on := _date(step["done_on"]):
                case_services.return_step_complete(actor=owner, step=steps[kind], done_on=done_on)
        for follow_up, world_follow_up in zip(
            case.follow_ups.order_by("months_after"), row["follow_ups"], strict=False
        ):
            if world_follow_up["done"]:
                responsible = casework(plan["receiving_org"])
                case_services.follow_up_complete(
                    actor=responsible, follow_up=follow_up, done_on=follow_up.due_on
                )
    if row["status"] == "closed" and owner.pk == casework(row["org_id"]).pk:
        case_services.case_close(actor=owner, case=case, reason="Support completed (demo history)")


def screenings(progress: Progress) -> int:
    """Screen loaded reports now rather than through the queue, so the demo's triage queue starts full."""
    from tiaki.screening import services as screening_services

    stale = list(screening_services.stale_report_ids())
    for done, report_id in enumerate(stale, start=1):
        screening_services.report_screen(report_id=report_id)
        if done % 500 == 0:
            progress(f"  {done:,} reports screened")
    return len(stale)


# Which liaison post reports on networks whose destination is each country.
POSTS = {"TH": "NZ-IMM-BKK", "MY": "NZ-IMM-KUL", "ID": "NZ-IMM-JKT", "LK": "NZ-IMM-CMB"}
POLICE = {"TH": "TH-POL", "MY": "MY-POL", "ID": "ID-POL", "LK": "LK-POL", "VN": "VN-POL"}


def intelligence_records(world: Path, orgs: dict[str, Organisation], progress: Progress) -> int:
    """One graded record per network from the liaison post at its destination, released (sanitised) to
    that country's police: enough for every intelligence page of the demo to show real content."""
    from tiaki.intelligence import services as intelligence_services
    from tiaki.intelligence.models import IntelRecord

    if IntelRecord.objects.exists():
        return 0
    desk = _Desks(orgs, kind="intel", role=Role.LIAISON_OFFICER, title="Intelligence desk")

    created = 0
    for network in _rows(world / "networks.csv"):
        origin = POSTS.get(network["destination"], "NZ-IMM")
        if origin not in orgs:
            continue
        path = network["path"].replace(">", " → ")
        record = intelligence_services.intel_record_create(
            actor=desk(origin),
            organisation=orgs[origin],
            title=f"Network {network['network_id']} ({path})",
            text=(
                f"Interviews at the {orgs[origin].city} post describe a network moving people {path} for "
                f"{network['exploitation_type']}, recruiting through agency {network['agency_id']}. "
                "Two interviewees named the same broker and the same transport company."
            ),
            sanitised_text=(
                f"A network moves people {path} for {network['exploitation_type']}, recruiting "
                "through a recruitment agency. Source details withheld."
            ),
            source_evaluation="2",
            intelligence_assessment="B",
            handling_code="P",
        )
        police = POLICE.get(network["destination"])
        if police in orgs:
            intelligence_services.intel_record_release(
                actor=desk(origin), record=record, organisation=orgs[police]
            )
        created += 1
    progress(f"{created:,} intelligence records loaded")
    return created


def watchlist_screening(
    world: Path, orgs: dict[str, Organisation], progress: Progress, *, organisation: str = "NZ-IMM-BKK"
) -> int:
    """Screen the world's traveller list for the Bangkok liaison post now, so the demo's watchlist page
    starts with hits to review. Returns the number of hits."""
    from tiaki.resolution import watchlist_services
    from tiaki.resolution.models import WatchlistScreening

    path = world / "travellers.csv"
    if WatchlistScreening.objects.exists() or organisation not in orgs or not path.exists():
        return 0
    travellers = list(_rows(path))[: watchlist_services.MAX_ROWS]
    desk = _Desks(orgs, kind="intel", role=Role.LIAISON_OFFICER, title="Intelligence desk")
    screening = watchlist_services.watchlist_screening_create(
        actor=desk(organisation), title="Arrivals (synthetic traveller list)", rows=travellers
    )
    screening = watchlist_services.watchlist_screening_run(screening.pk)
    progress(f"{len(travellers):,} travellers screened: {screening.hits:,} hits")
    return screening.hits
