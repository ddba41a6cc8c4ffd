"""Writes of watchlist screening: accept a list, screen it in the background, store only hits, decide hits.

Data flow: an upload (CSV) or API call gives rows → `watchlist_screening_create` keeps them encrypted in
`pending_rows` and queues the task → `watchlist_screening_run` builds a watchlist from the person entities
the organisation may see, runs `linkage.screen_watchlist`, stores one `WatchlistHit` per (row, entity) above
the threshold, applies the organisation's remembered decisions, and empties `pending_rows` whatever happens.
Rows that hit nothing are never written anywhere.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tiaki.accounts.models import Organisation
from tiaki.accounts.permissions import Permission
from tiaki.governance import audit, policy
from tiaki.governance.crypto import blind_index
from tiaki.intelligence.models import Entity
from tiaki.intelligence.services import document_key, phone_key, watchlist_hit_alert
from tiaki.resolution import linkage
from tiaki.resolution.csvfiles import InputFileError, read_contract_csv
from tiaki.resolution.dates import parse_birth_date
from tiaki.resolution.models import (
    HitDecision,
    HitDecisionValue,
    ScreeningStatus,
    WatchlistHit,
    WatchlistScreening,
)
from tiaki.resolution.names import normalise_name
from tiaki.resolution.records import CONTRACT_COLUMNS, normalise_country, normalise_id_number

logger = logging.getLogger(__name__)

# The columns a listed person may have (the `tiaki watchlist-screen` contract, which has no `source`: the
# list is the uploading organisation's own); others are ignored.
LIST_COLUMNS: tuple[str, ...] = tuple(c for c in CONTRACT_COLUMNS if c != "source")
MATCHING_COLUMNS = ("name", "phone", "id_number")
# Uploads above this are refused before reading; lists this large go through `tiaki watchlist-screen`.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
# The API takes rows as JSON up to this many; larger lists are uploaded as CSV.
MAX_API_ROWS = 5_000
MAX_VALUE_CHARS = 1_000
FINGERPRINT_PURPOSE = "resolution.watchlist_person"
# Phone blind indexes reach the model as stand-in numbers: equal only where the indexes are equal, and
# valid E.164 so that the model's "phone exact" level (with its term frequencies) applies unchanged.
_STAND_IN_PHONE = "+8491{:07d}"
_STAND_IN_LIMIT = 10_000_000
_LATIN_SUFFIX = "~latin"


# --- reading a list -------------------------------------------------------------------------------------


def list_rows_from_csv(upload: UploadedFile) -> list[dict[str, str]]:
    """The rows of an uploaded CSV list, or a ValidationError naming the line (nothing is stored)."""
    name = Path(upload.name or "upload.csv").name
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("%(file)s is larger than %(mb)s MB; screen it with the command line instead.")
            % {"file": name, "mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    with tempfile.TemporaryDirectory(prefix="tiaki-watchlist-") as directory:
        path = Path(directory) / "list.csv"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            frame = read_contract_csv(path, known=LIST_COLUMNS)
        except InputFileError as exc:
            # The temporary path means nothing to the person who uploaded: name their file instead.
            raise ValidationError(str(exc).replace(str(path), name)) from exc
    if not any(c in frame.columns for c in MATCHING_COLUMNS):
        raise ValidationError(
            _("%(file)s:1: give at least a name, phone or id_number column to match on.") % {"file": name}
        )
    return [{k: v for k, v in row.items() if v != ""} for row in frame.to_dict(orient="records")]


def _clean_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    cleaned: list[dict[str, str]] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        item = {k: str(v).strip() for k, v in row.items() if k in LIST_COLUMNS and v is not None}
        item = {k: v for k, v in item.items() if v}
        ref = item.get("id", "")
        if not ref:
            raise ValidationError(_("Row %(n)s has no id.") % {"n": number})
        if len(ref) > 80:
            raise ValidationError(_("Row %(n)s: the id is longer than 80 characters.") % {"n": number})
        if ref in seen:
            raise ValidationError(_("Row %(n)s repeats the id of an earlier row.") % {"n": number})
        if any(len(v) > MAX_VALUE_CHARS for v in item.values()):
            raise ValidationError(_("Row %(n)s has a value that is too long.") % {"n": number})
        seen.add(ref)
        cleaned.append(item)
    if not cleaned:
        raise ValidationError(_("The list has no rows."))
    if len(cleaned) > MAX_ROWS:
        raise ValidationError(_("The list has more than %(n)s rows.") % {"n": MAX_ROWS})
    return cleaned


# --- the listed person's fingerprint --------------------------------------------------------------------


def person_fingerprint(row: Mapping[str, str]) -> str:
    """Blind index of a listed person: romanised name words in order, birth date, document number.

    The same person on a later list (another row id, the name in another order or script, the date written
    another way) gets the same fingerprint, so a decision on them is remembered. A row with none of the
    three falls back to its phone number.
    """
    name = normalise_name(row.get("name", "")).sorted
    dob = parse_birth_date(row.get("dob", ""))
    birth = dob.iso if dob.year else ""
    document = normalise_id_number(row.get("id_number", ""))
    if not (name or birth or document):
        return blind_index(f"phone|{phone_key(row.get('phone', ''))}", purpose=FINGERPRINT_PURPOSE)
    return blind_index(f"{name}|{birth}|{document}", purpose=FINGERPRINT_PURPOSE)


# --- creating and running a screening -------------------------------------------------------------------


def watchlist_screening_create(
    *, actor: Any, title: str, rows: Iterable[Mapping[str, Any]]
) -> WatchlistScreening:
    """Accept a list for screening; it waits encrypted until the background task screens it."""
    organisation_ids = policy.require(actor, Permission.WATCHLIST_SCREEN)
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the list a title.")})
    cleaned = _clean_rows(rows)
    with transaction.atomic():
        screening = WatchlistScreening.objects.create(
            organisation=Organisation.objects.get(pk=min(organisation_ids)),
            created_by=actor,
            title=title[:120],
            stage="queued",
            records=len(cleaned),
            pending_rows=cleaned,
        )
        audit.record(
            actor=actor,
            action="watchlist.screen",
            target=screening,
            organisation=screening.organisation_id,
            details={"rows": len(cleaned)},
        )
        transaction.on_commit(lambda: _enqueue(screening.pk))
    return screening


def _enqueue(screening_id: int) -> None:
    from tiaki.resolution import watchlist_tasks

    watchlist_tasks.watchlist_screen.enqueue(screening_id)


def _step(screening: WatchlistScreening, stage: str, progress: float) -> None:
    screening.stage = stage
    screening.progress = progress
    screening.save(update_fields=["stage", "progress"])


class _StandIns:
    """Stand-in phone numbers: one per distinct blind index, shared by both sides of the comparison."""

    def __init__(self) -> None:
        self.numbers: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        if not key:
            return ""
        if key not in self.numbers:
            if len(self.numbers) >= _STAND_IN_LIMIT:
                return ""
            self.numbers[key] = _STAND_IN_PHONE.format(len(self.numbers))
        return self.numbers[key]


def _list_phone_key(row: Mapping[str, str]) -> str:
    raw = row.get("phone", "")
    if not raw:
        return ""
    # Entities hold the index of the number in E.164; a national number is read with the nationality.
    key = phone_key(raw)
    region = normalise_country(row.get("nationality", ""))
    if not key and len(region) == 2:
        key = phone_key(raw, region=region)
    return key


def watchlist_frames(
    entities: Iterable[Entity], rows: list[dict[str, str]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two contract tables for `screen_watchlist`: entities (native and Latin names) and the list.

    Entities keep phones and documents only as blind indexes, so both sides are compared on indexes: the
    list's document numbers become the same index, and phone indexes become stand-in numbers.
    """
    stand_in = _StandIns()
    watchlist: list[dict[str, str]] = []
    for entity in entities:
        attrs = entity.attributes or {}
        base = {
            "dob": str(attrs.get("dob", "")),
            "gender": str(attrs.get("gender", "")),
            "nationality": str(attrs.get("nationality", "")),
            "phone": stand_in(entity.phone_index),
            "id_number": entity.document_index,
        }
        name = str(attrs.get("name") or entity.label or "")
        watchlist.append({"id": str(entity.pk), "name": name, **base})
        latin = str(attrs.get("latin_name", ""))
        if latin and latin != name:
            watchlist.append({"id": f"{entity.pk}{_LATIN_SUFFIX}", "name": latin, **base})
    records = [
        {
            "id": row["id"],
            "name": row.get("name", ""),
            "dob": row.get("dob", ""),
            "gender": row.get("gender", ""),
            "nationality": row.get("nationality", ""),
            "phone": stand_in(_list_phone_key(row)),
            "id_number": document_key(row["id_number"]) if row.get("id_number") else "",
        }
        for row in rows
    ]
    return pd.DataFrame(watchlist, dtype=str), pd.DataFrame(records, dtype=str)


def best_hits(hits: pd.DataFrame) -> dict[tuple[str, int], tuple[float, list[str]]]:
    """One hit per (list row, entity): the better of an entity's native-script and Latin-name entries."""
    best: dict[tuple[str, int], tuple[float, list[str]]] = {}
    for record_id, watchlist_id, score, reasons in hits[
        ["record_id", "watchlist_id", "score", "reasons"]
    ].itertuples(index=False):
        key = (str(record_id), int(str(watchlist_id).removesuffix(_LATIN_SUFFIX)))
        if key not in best or float(score) > best[key][0]:
            best[key] = (float(score), [r for r in str(reasons).split(", ") if r])
    return best


def watchlist_screening_run(
    screening_id: int, *, threshold: float = linkage.DEFAULT_THRESHOLD, resume: bool = False
) -> WatchlistScreening:
    """Screen one queued list (the background task's body). The waiting rows are emptied in every case.

    `resume` takes up a screening left RUNNING by a worker that died: safe, because hits and the DONE
    status are written in one transaction, so a RUNNING screening has stored nothing yet.
    """
    from tiaki.resolution.watchlist_selectors import screening_entities

    # Claimed atomically: a list queued twice (a retried task, the demo loader beside a worker) runs once.
    claimable = [ScreeningStatus.QUEUED, ScreeningStatus.RUNNING] if resume else [ScreeningStatus.QUEUED]
    claimed = WatchlistScreening.objects.filter(pk=screening_id, status__in=claimable).update(
        status=ScreeningStatus.RUNNING
    )
    screening = WatchlistScreening.objects.select_related("created_by").get(pk=screening_id)
    if not claimed:
        return screening
    try:
        rows: list[dict[str, str]] = list(screening.pending_rows)
        _step(screening, "loading", 0.1)
        entities = list(
            screening_entities(user=screening.created_by, organisation_id=screening.organisation_id).only(
                "pk", "label", "attributes", "phone_index", "document_index"
            )
        )
        screening.watchlist_size = len(entities)
        screening.save(update_fields=["watchlist_size"])
        _step(screening, "matching", 0.3)
        found: dict[tuple[str, int], tuple[float, list[str]]] = {}
        if entities and rows:
            watchlist, records = watchlist_frames(entities, rows)
            found = best_hits(linkage.screen_watchlist(watchlist, records, threshold=threshold))
        _step(screening, "storing", 0.8)
        _store_hits(screening, rows, found)
    except Exception as exc:
        logger.exception("watchlist screening %s failed", screening_id)
        screening.status = ScreeningStatus.FAILED
        screening.stage = "failed"
        # The class name only: a message could quote the list.
        screening.error = type(exc).__name__[:200]
        screening.pending_rows = []
        screening.finished_at = timezone.now()
        screening.save(update_fields=["status", "stage", "error", "pending_rows", "finished_at"])
    return screening


def _store_hits(
    screening: WatchlistScreening,
    rows: list[dict[str, str]],
    found: dict[tuple[str, int], tuple[float, list[str]]],
) -> None:
    by_ref = {row["id"]: row for row in rows}
    fingerprints = {ref: person_fingerprint(by_ref[ref]) for ref, _entity in found}
    remembered = {
        (d.fingerprint, d.entity_id): d
        for d in HitDecision.objects.filter(
            organisation_id=screening.organisation_id, fingerprint__in=set(fingerprints.values())
        )
    }
    hits = []
    for (ref, entity_id), (score, reasons) in sorted(found.items()):
        decision = remembered.get((fingerprints[ref], entity_id))
        hits.append(
            WatchlistHit(
                screening=screening,
                record_ref=ref,
                record=by_ref[ref],
                fingerprint=fingerprints[ref],
                entity_id=entity_id,
                score=score,
                reasons=reasons,
                decision=decision.decision if decision else HitDecisionValue.PENDING,
                remembered=decision is not None,
                decided_by_id=decision.decided_by_id if decision else None,
                decided_at=decision.decided_at if decision else None,
            )
        )
    with transaction.atomic():
        WatchlistHit.objects.bulk_create(hits, batch_size=500)
        screening.hits = len(hits)
        screening.status = ScreeningStatus.DONE
        screening.stage = "done"
        screening.progress = 1.0
        screening.pending_rows = []
        screening.finished_at = timezone.now()
        screening.save(update_fields=["hits", "status", "stage", "progress", "pending_rows", "finished_at"])
        audit.record(
            actor=None,
            action="watchlist.screened",
            target=screening,
            organisation=screening.organisation_id,
            details={
                "rows": len(rows),
                "entities": screening.watchlist_size,
                "hits": len(hits),
                "remembered": sum(h.remembered for h in hits),
            },
        )
        # A person confirmed before is on the move again: their watchers hear of it.
        for hit in WatchlistHit.objects.filter(
            screening=screening, decision=HitDecisionValue.CONFIRMED
        ).select_related("entity"):
            watchlist_hit_alert(entity=hit.entity, hit_key=f"{screening.pk}:{hit.pk}")


# --- deciding a hit -------------------------------------------------------------------------------------


def watchlist_hit_decide(*, actor: Any, hit: WatchlistHit, decision: str) -> WatchlistHit:
    """Confirm or reject a hit; the decision is remembered for the organisation's later screenings."""
    organisation_id = hit.screening.organisation_id
    policy.require(actor, Permission.WATCHLIST_SCREEN, organisation_id)
    if decision not in (HitDecisionValue.CONFIRMED, HitDecisionValue.REJECTED):
        raise ValidationError({"decision": _("Confirm or reject the hit.")})
    now = timezone.now()
    with transaction.atomic():
        hit.decision = decision
        hit.remembered = False
        hit.decided_by = actor
        hit.decided_at = now
        hit.save(update_fields=["decision", "remembered", "decided_by", "decided_at"])
        HitDecision.objects.update_or_create(
            organisation_id=organisation_id,
            fingerprint=hit.fingerprint,
            entity_id=hit.entity_id,
            defaults={"decision": decision, "decided_by": actor, "decided_at": now},
        )
        audit.record(
            actor=actor,
            action=f"watchlist.hit_{decision}",
            target=hit,
            organisation=organisation_id,
            details={"screening": hit.screening_id, "entity": hit.entity_id},
        )
        if decision == HitDecisionValue.CONFIRMED:
            watchlist_hit_alert(entity=hit.entity, hit_key=f"{hit.screening_id}:{hit.pk}")
    return hit
