"""Writes of the public portal: anonymous tips and their receipts, the tip conversation, the directory."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
import tomllib
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tiaki.accounts.models import Organisation, OrganisationType
from tiaki.accounts.permissions import Permission
from tiaki.community.models import (
    Direction,
    DirectoryEntry,
    EntryKind,
    ReceiptCredential,
    SavedPassport,
    TipMessage,
    TipPhoto,
)
from tiaki.community.passport import PassportDetails
from tiaki.governance import audit, files, policy, retention
from tiaki.governance.crypto import blind_index
from tiaki.intake.models import Channel, Report
from tiaki.intake.services import report_submit

DATA_DIR = Path(__file__).resolve().parent / "data"
RECEIPT_DIGITS = 16
RECEIPT_LOOKUP_DIGITS = 8  # the first half finds the row; the whole code is checked against Argon2
MAX_MESSAGE_CHARS = 5_000
COUNTRIES = ("NZ", "TH", "MY", "ID", "LK", "VN", "MM", "KH")

_hasher = PasswordHasher()
# Verified against when a receipt is unknown, so unknown and wrong receipts take the same time.
_DUMMY_HASH = _hasher.hash("0" * RECEIPT_DIGITS)


class NoReceivingOrganisation(RuntimeError):
    """No active organisation can receive public tips: the operator must set one up."""


def tip_routes() -> dict[str, str]:
    with (DATA_DIR / "tip_routing.toml").open("rb") as handle:
        routes = tomllib.load(handle).get("routes", {})
    return {str(k).upper(): str(v) for k, v in routes.items()}


def receiving_organisation(country: str) -> Organisation:
    """The documented rule: the partner mapped to the reporter's country in data/tip_routing.toml, else
    the first active immigration service (lowest id)."""
    code = tip_routes().get(country.upper()) if country else None
    if code:
        routed = Organisation.objects.filter(code=code, active=True).first()
        if routed is not None:
            return routed
    fallback = (
        Organisation.objects.filter(org_type=OrganisationType.IMMIGRATION_SERVICE, active=True)
        .order_by("pk")
        .first()
    )
    if fallback is None:
        raise NoReceivingOrganisation("no active immigration service organisation receives public tips")
    return fallback


def normalise_receipt(raw: str) -> str:
    # ASCII digits out, whatever the keyboard: a Burmese or Thai keyboard types ၁၂၃ or ๑๒๓ for 123.
    # isdigit() alone would also keep superscripts and circled digits, which no code contains.
    return "".join(str(unicodedata.decimal(ch)) for ch in raw if ch.isdecimal())


def format_receipt(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def _receipt_lookup(code: str) -> str:
    return blind_index(code[:RECEIPT_LOOKUP_DIGITS], purpose="receipt")


def _compose_narrative(*, what: str, when: str, who: str, contact: str) -> str:
    # Labels stay in English: staff read every tip in one working language whatever the reporter's.
    parts = [what.strip()]
    for label, value in (("When", when), ("Who", who), ("Contact (given by the reporter)", contact)):
        if value.strip():
            parts.append(f"{label}: {value.strip()}")
    return "\n\n".join(parts)


@dataclass(frozen=True)
class SubmittedTip:
    report: Report
    receipt: str  # shown once to the reporter, never stored


def tip_submit(
    *,
    actor: None = None,
    what: str,
    where: str = "",
    when: str = "",
    who: str = "",
    contact: str = "",
    country: str = "",
    language: str = "",
    photo: bytes | None = None,
) -> SubmittedTip:
    """Record an anonymous tip as an intake report and issue its receipt code.

    The reporter has no account (`actor` is always None). Nothing about the request (address, agent,
    cookies) reaches this function, so nothing of it can be stored.
    """
    if actor is not None:
        raise ValidationError(_("Public tips are anonymous."))
    if len(what) > MAX_MESSAGE_CHARS * 4:
        raise ValidationError({"what": _("The description is too long.")})
    country = country.upper() if country.upper() in COUNTRIES else ""
    organisation = receiving_organisation(country)
    stored_photo = None
    if photo:
        clean, content_type = files.strip_metadata(photo)
        stored_photo = (
            files.store(clean, key_id=retention.current_key_id("anonymous_tip")),
            content_type,
            len(clean),
        )
    try:
        return _record_tip(
            what=what,
            where=where,
            when=when,
            who=who,
            contact=contact,
            country=country,
            language=language,
            organisation=organisation,
            photo=stored_photo,
        )
    except BaseException:
        if stored_photo:
            files.delete(stored_photo[0])  # nothing half-written survives a failed submission
        raise


def _draw_receipt() -> tuple[str, str, str]:
    """A fresh receipt code, its lookup half and its slow hash."""
    code = f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"
    return code, _receipt_lookup(code), _hasher.hash(code)


def _record_tip(
    *,
    what: str,
    where: str,
    when: str,
    who: str,
    contact: str,
    country: str,
    language: str,
    organisation: Organisation,
    photo: tuple[Any, str, int] | None,
) -> SubmittedTip:
    # Argon2 is slow by design (~0.3 s): hash before the transaction, which holds the audit chain's lock
    # from report_submit on — hashing inside it would make every audited write on the site wait.
    code, lookup, code_hash = _draw_receipt()
    with transaction.atomic():
        report = report_submit(
            actor=None,
            organisation=organisation,
            channel=Channel.PUBLIC_TIP,
            narrative=_compose_narrative(what=what, when=when, who=who, contact=contact),
            language=language,
            country=country,
            place=where.strip(),
        )
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    ReceiptCredential.objects.create(report=report, lookup=lookup, code_hash=code_hash)
            except IntegrityError:
                # The first half collided with another receipt (rare): draw again.
                code, lookup, code_hash = _draw_receipt()
                continue
            break
        else:  # pragma: no cover - five collisions in a row among 10**8 prefixes
            raise RuntimeError("could not issue a unique receipt")
        if photo:
            TipPhoto.objects.create(report=report, storage_key=photo[0], content_type=photo[1], size=photo[2])
        audit.record(
            actor=None,
            action="tip.receipt",
            target=report,
            organisation=organisation,
            details={"photo": photo is not None},
        )
    return SubmittedTip(report=report, receipt=code)


def receipt_verify(*, code: str) -> Report | None:
    """The report a receipt opens, or None. Unknown and wrong receipts do the same work and look alike."""
    code = normalise_receipt(code)
    credential = None
    if len(code) == RECEIPT_DIGITS:
        credential = (
            ReceiptCredential.objects.select_related("report").filter(lookup=_receipt_lookup(code)).first()
        )
    stored = credential.code_hash if credential is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, code or "-")
    except (VerificationError, InvalidHashError):
        return None
    return credential.report if credential is not None else None


def tip_add_information(*, actor: None = None, report: Report, text: str) -> TipMessage:
    """The reporter, holding a valid receipt, adds to their tip."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write your message.")})
    if len(text) > MAX_MESSAGE_CHARS:
        raise ValidationError({"text": _("The message is too long.")})
    if report.channel != Channel.PUBLIC_TIP:
        raise ValidationError(_("Only public tips take messages from reporters."))
    with transaction.atomic():
        message = TipMessage.objects.create(report=report, direction=Direction.IN, text=text)
        audit.record(
            actor=None,
            action="tip.add_information",
            target=message,
            organisation=report.organisation_id,
            details={"report": report.pk},
        )
    return message


def tip_reply(*, actor: Any, report: Report, text: str) -> TipMessage:
    """Staff holding TIP_REPLY in the report's organisation answer the anonymous reporter."""
    policy.require(actor, Permission.TIP_REPLY, report.organisation_id)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write your reply.")})
    if len(text) > MAX_MESSAGE_CHARS:
        raise ValidationError({"text": _("The message is too long.")})
    if report.channel != Channel.PUBLIC_TIP:
        raise ValidationError(_("Only public tips can be answered here."))
    with transaction.atomic():
        message = TipMessage.objects.create(report=report, direction=Direction.OUT, text=text)
        audit.record(
            actor=actor,
            action="tip.reply",
            target=message,
            organisation=report.organisation_id,
            details={"report": report.pk},
        )
    return message


# --- the directory -------------------------------------------------------------------------------------

DIRECTORY_FIELDS = (
    "kind",
    "name",
    "number",
    "description",
    "languages",
    "source",
    "source_url",
    "verified_on",
)


def _directory_rows(path: Path) -> list[dict[str, Any]]:
    with path.open("rb") as handle:
        try:
            document = tomllib.load(handle)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ValidationError(f"{path.name}: not valid UTF-8 TOML: {error}") from error
    rows = document.get("entry", [])
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ValidationError(f"{path.name}: entries must be tables written as [[entry]]")
    problems = []
    for index, row in enumerate(rows):
        languages = row.get("languages", [])
        if not isinstance(languages, list) or not all(isinstance(code, str) for code in languages):
            problems.append(f"entry {index + 1}: languages must be a list of language codes")
        missing = [
            f for f in ("country", "kind", "name", "number", "source", "verified_on") if not row.get(f)
        ]
        if missing:
            problems.append(f"entry {index + 1}: missing {', '.join(missing)}")
        if row.get("kind") not in EntryKind.values:
            problems.append(f"entry {index + 1}: kind must be one of {', '.join(EntryKind.values)}")
        if row.get("country") not in COUNTRIES:
            problems.append(f"entry {index + 1}: country must be one of {', '.join(COUNTRIES)}")
        if not isinstance(row.get("verified_on"), dt.date):
            problems.append(f"entry {index + 1}: verified_on must be a date (YYYY-MM-DD)")
    if problems:
        raise ValidationError(problems)
    return rows


def directory_load(*, actor: Any, path: Path | None = None) -> tuple[int, int]:
    """Create or update entries from the data file, keyed by (country, number). Returns (created, updated).

    `actor=None` is the operator's command or the data migration.
    """
    if actor is not None:
        policy.require(actor, Permission.DIRECTORY_EDIT)
    rows = _directory_rows(path or DATA_DIR / "directory.toml")
    created = updated = 0
    with transaction.atomic():
        for row in rows:
            values = {f: row.get(f, "") for f in DIRECTORY_FIELDS}
            values["languages"] = ",".join(row.get("languages", []))
            _entry, was_created = DirectoryEntry.objects.update_or_create(
                country=row["country"], number=row["number"], defaults=values
            )
            created += was_created
            updated += not was_created
        audit.record(
            actor=actor,
            action="directory.load",
            object_type="community.directoryentry",
            details={"created": created, "updated": updated},
        )
    return created, updated


def directory_entry_save(
    *, actor: Any, entry: DirectoryEntry | None = None, values: dict[str, Any]
) -> DirectoryEntry:
    """Staff holding DIRECTORY_EDIT correct or add an entry; the source and verification date are required."""
    organisations = policy.require(actor, Permission.DIRECTORY_EDIT)
    if not values.get("source") or not values.get("verified_on"):
        raise ValidationError(_("Every number needs its source and the date it was verified."))
    fields = ["country", "active", *DIRECTORY_FIELDS]
    with transaction.atomic():
        if entry is None:
            entry = DirectoryEntry(**{f: values[f] for f in fields if f in values})
            entry.full_clean()
            entry.save()
            action = "directory.create"
        else:
            for field in fields:
                if field in values:
                    setattr(entry, field, values[field])
            entry.full_clean()
            entry.save(update_fields=[f for f in fields if f in values])
            action = "directory.update"
        audit.record(
            actor=actor,
            action=action,
            target=entry,
            organisation=min(organisations),
            details={"country": entry.country},
        )
    return entry


# --- kept Safe Migration Passports ---------------------------------------------------------------------
# The booklet number finds the row (through a blind index); the passphrase, never stored, makes the key
# (Argon2id); AES-GCM seals the details, which are then encrypted at rest with the server key as well.

PASSPORT_NUMBER_DIGITS = 12
MIN_PASSPHRASE = 10
_NONCE = 12
_AD = b"tiaki.community.saved_passport"
# Argon2id at the RFC 9106 second recommended option (64 MiB, 3 passes): slow to guess, fast enough to open.
_TIME_COST, _MEMORY_KIB, _PARALLELISM = 3, 64 * 1024, 1
_DUMMY_SALT = b"\x00" * 16


def _key(passphrase: str, salt: bytes) -> bytes:
    return hash_secret_raw(
        passphrase.encode(),
        salt,
        time_cost=_TIME_COST,
        memory_cost=_MEMORY_KIB,
        parallelism=_PARALLELISM,
        hash_len=32,
        type=Type.ID,
    )


def _lookup(number: str) -> str:
    return blind_index(number, purpose="saved_passport")


def passport_keep(*, actor: None = None, details: PassportDetails, passphrase: str) -> str:
    """Seal and store the details; return the booklet number (never stored in the clear)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError({"passphrase": _("Use a passphrase of at least 10 characters.")})
    salt = os.urandom(16)
    nonce = os.urandom(_NONCE)
    sealed = nonce + AESGCM(_key(passphrase, salt)).encrypt(nonce, json.dumps(asdict(details)).encode(), _AD)
    with transaction.atomic():
        for _attempt in range(5):
            number = f"{secrets.randbelow(10**PASSPORT_NUMBER_DIGITS):0{PASSPORT_NUMBER_DIGITS}d}"
            try:
                with transaction.atomic():
                    saved = SavedPassport.objects.create(
                        lookup=_lookup(number),
                        salt=base64.b64encode(salt).decode(),
                        sealed=base64.b64encode(sealed).decode(),
                    )
            except IntegrityError:
                continue
            break
        else:  # pragma: no cover - five collisions among 10**12 numbers
            raise RuntimeError("could not issue a unique booklet number")
        audit.record(actor=None, action="passport.keep", target=saved)
    return number


def _find(number: str) -> SavedPassport | None:
    number = normalise_receipt(number)
    if len(number) != PASSPORT_NUMBER_DIGITS:
        return None
    return SavedPassport.objects.filter(lookup=_lookup(number)).first()


def passport_open(*, actor: None = None, number: str, passphrase: str) -> PassportDetails | None:
    """The kept details, or None for an unknown number or a wrong passphrase (same work either way)."""
    saved = _find(number)
    salt = base64.b64decode(saved.salt) if saved else _DUMMY_SALT
    key = _key(passphrase, salt)
    if saved is None:
        return None
    raw = base64.b64decode(saved.sealed)
    try:
        plain = AESGCM(key).decrypt(raw[:_NONCE], raw[_NONCE:], _AD)
    except InvalidTag:
        return None
    return PassportDetails(**json.loads(plain))


def passport_forget(*, actor: None = None, number: str, passphrase: str) -> bool:
    """Delete a kept passport; only its owner (number and passphrase) can."""
    if passport_open(number=number, passphrase=passphrase) is None:
        return False
    saved = _find(number)
    assert saved is not None
    with transaction.atomic():
        audit.record(actor=None, action="passport.forget", target=saved)
        saved.delete()
    return True
