"""Access-matrix registrations for watchlist screening, and builders shared by the watchlist tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tiaki.accounts.models import Organisation
from tiaki.resolution.models import ScreeningStatus, WatchlistHit, WatchlistScreening

from ..intelligence.factories import entity


def screening(organisation: Organisation, *, title: str = "LEAK-MARKER arrivals") -> WatchlistScreening:
    return WatchlistScreening.objects.create(
        organisation=organisation,
        title=title,
        status=ScreeningStatus.DONE,
        stage="done",
        progress=1.0,
        records=1,
        hits=1,
    )


def hit(organisation: Organisation) -> WatchlistHit:
    return WatchlistHit.objects.create(
        screening=screening(organisation),
        record_ref="t1",
        record={"id": "t1", "name": "LEAK-MARKER traveller"},
        fingerprint="f" * 64,
        entity=entity(organisation),
        score=0.97,
        reasons=["name exact"],
    )


def _screening_ids(organisation: Organisation) -> dict[str, int]:
    return {"screening_id": hit(organisation).screening_id}


def _hit_ids(organisation: Organisation) -> dict[str, int]:
    return {"hit_id": hit(organisation).pk}


OBJECT_FACTORIES: dict[str, Callable[[Organisation], dict[str, int]]] = {
    "resolution:watchlist_screening": _screening_ids,
    "resolution:watchlist_progress": _screening_ids,
    "resolution:watchlist_hit_decide": _hit_ids,
}

API_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("/api/v1/watchlist/screenings", "POST"): {
        "title": "Arrivals",
        "rows": [{"id": "t1", "name": "Somchai Jaidee", "dob": "1980-02-03"}],
    },
    ("/api/v1/watchlist/hits/{hit_id}/decision", "POST"): {"decision": "rejected"},
}


# --- people known to intelligence, and lists naming them (for the watchlist tests) ------------------------


def known_people(organisation: Organisation) -> dict[str, Any]:
    """Three person entities of one organisation, written the ways its reports name them."""
    return {
        "somchai": entity(
            organisation,
            "Somchai Jaidee",
            attributes={"name": "Somchai Jaidee", "dob": "1980-02-03", "gender": "M", "nationality": "TH"},
            phone="+66812345678",
            document_number="AA1234567",
        ),
        "hung": entity(
            organisation,
            "Trần Văn Hùng",
            attributes={"name": "Trần Văn Hùng", "latin_name": "Tran Van Hung", "dob": "1975-05-06"},
        ),
        "wichai": entity(
            organisation,
            "วิชัย บุญมี",
            attributes={
                "name": "วิชัย บุญมี",
                "latin_name": "Wichai Boonmee",
                "dob": "1969",
                "nationality": "TH",
            },
        ),
    }


TRAVELLERS: list[dict[str, str]] = [
    {"id": "t1", "name": "JAIDEE Somchai", "dob": "03/02/1980"},
    {"id": "t2", "name": "HUNG TRAN VAN", "dob": "1975-05-06"},
    {"id": "t3", "name": "Maria Lopez", "dob": "1990-01-01", "nationality": "PH"},
    {"id": "t4", "name": "Hidden Person", "dob": "1970-01-01"},
    {"id": "t5", "name": "S. Jaidee", "phone": "081 234 5678", "nationality": "TH"},
    {"id": "t6", "name": "Wichai Boonmee"},
    {"id": "t8", "name": "Somchai Jaidee", "id_number": "aa 123 4567"},
]

TRAVELLERS_CSV = (
    "id,name,dob,gender,nationality,phone,id_number,seat\n"
    "t1,JAIDEE Somchai,03/02/1980,M,,,,12A\n"
    "t2,HUNG TRAN VAN,1975-05-06,,,,,12B\n"
    "t3,Maria Lopez,1990-01-01,F,PH,,,14C\n"
    "t6,Wichai Boonmee,,,,,,15D\n"
)
