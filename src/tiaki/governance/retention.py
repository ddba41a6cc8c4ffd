"""Retention periods per record type, applied by crypto-shredding (policy in data/retention.toml).

How a record is deleted, everywhere:

1. While it is live, each record under a policy (and each of its parts, e.g. a tip's messages) is encrypted
   with the period key of its record type and month (`anonymous_tip@2026-08`), chosen from the record
   itself when it is saved (`key_for`), so no schema records which key was used: the key id is in the token.
2. When it is due, `apply` deletes or blanks it in the live database, in one transaction with a
   `retention.shred` audit event that carries counts and the period only.
3. When no value in the database uses a month's key any more and the month is over, the key is destroyed
   (`retention.key_destroy`). Every earlier backup still holds that month's ciphertext, but nothing can
   decrypt it: backups never carry keys (see governance/backup.py).

A month is the unit because a key per record would put an unbounded, constantly changing key set outside
the database, and a key per day would make the key directory as revealing as the table. The cost: a record
stays readable in older backups until every record of its type and month is due.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils import timezone

from tiaki.governance import audit, files
from tiaki.governance.crypto import (
    SHREDDED_TOKEN,
    TOKEN_PREFIX,
    EncryptedMixin,
    is_period_key_id,
    period_keys,
)
from tiaki.governance.models import AuditEvent

POLICY_FILE = Path(__file__).parent / "data" / "retention.toml"
ACTIONS = ("delete", "blank")
BATCH = 500  # records per transaction: bounded locks, and under every database's limit on query parameters
_RECORD_TYPE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_POLICY_KEYS = {
    "record_type",
    "model",
    "match",
    "exclude",
    "period_field",
    "clock",
    "clock_event",
    "require",
    "keep_days",
    "action",
    "if_installed",
    "legal_basis",
    "parts",
    "period_keys",
}
_PART_KEYS = {"model", "via", "action", "files", "if_installed"}
# Never under a retention policy: the audit trail holds no personal data and is evidence.
_NEVER = {"governance.auditevent", "governance.audithead"}


class PolicyError(ValueError):
    """The retention policy file is malformed; the message names the policy and the key."""


@dataclass(frozen=True)
class Part:
    model: type[models.Model]
    via: str  # dotted path from the part to its record, e.g. "plan.case"
    action: str
    files: str = ""

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def lookup(self) -> str:
        return self.via.replace(".", "__")


@dataclass(frozen=True)
class Policy:
    record_type: str
    model: type[models.Model]
    period_field: str
    keep_days: int
    action: str
    legal_basis: str
    clock: str = ""
    clock_event: tuple[str, str] | None = None
    match: dict[str, Any] = field(default_factory=dict)
    exclude: dict[str, Any] = field(default_factory=dict)
    require: dict[str, Any] = field(default_factory=dict)
    parts: tuple[Part, ...] = ()
    period_keys: bool = True

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def covers(self, record: models.Model) -> bool:
        """Whether a record of this model falls under this policy (exact field values only)."""
        return all(getattr(record, name) == value for name, value in self.match.items()) and not (
            self.exclude and all(getattr(record, name) == value for name, value in self.exclude.items())
        )

    def period_of(self, record: models.Model) -> str | None:
        value = getattr(record, self.period_field)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC)
        return f"{value:%Y-%m}"

    def records(self) -> models.QuerySet[Any]:
        queryset = self.model._default_manager.filter(**self.match)
        if self.exclude:
            queryset = queryset.exclude(**self.exclude)
        return queryset


@dataclass(frozen=True)
class PolicySet:
    policies: tuple[Policy, ...]
    skipped: tuple[str, ...] = ()  # record types whose model is not installed (if_installed)

    def by_type(self, record_type: str) -> Policy | None:
        return next((p for p in self.policies if p.record_type == record_type), None)


# --- loading and checking the policy file --------------------------------------------------------------


def _model(label: Any, where: str) -> type[models.Model] | None:
    if not isinstance(label, str) or label.count(".") != 1:
        raise PolicyError(f"{where}: model must be 'app_label.modelname', not {label!r}")
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _field(model: type[models.Model], name: Any, where: str) -> models.Field[Any, Any]:
    if not isinstance(name, str):
        raise PolicyError(f"{where}: expected a field name, not {name!r}")
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist as exc:
        raise PolicyError(f"{where}: {model._meta.label_lower} has no field {name!r}") from exc
    if not isinstance(found, models.Field):
        raise PolicyError(f"{where}: {name!r} is a relation, not a field")
    return found


def _date_field(model: type[models.Model], name: Any, where: str) -> None:
    if not isinstance(_field(model, name, where), models.DateField):  # DateTimeField is a DateField
        raise PolicyError(f"{where}: {name!r} is not a date field")


def _exact(model: type[models.Model], values: Any, where: str) -> dict[str, Any]:
    if not isinstance(values, dict):
        raise PolicyError(f"{where}: expected a table of field = value")
    for name, value in values.items():
        _field(model, name, f"{where}.{name}")
        if not isinstance(value, str | int | bool):
            raise PolicyError(f"{where}.{name}: only exact strings, numbers or booleans")
    return dict(values)


def _has_encrypted_fields(model: type[models.Model]) -> bool:
    return any(isinstance(f, EncryptedMixin) for f in model._meta.concrete_fields)


def _part(raw: Any, root: type[models.Model], where: str) -> Part | None:
    if not isinstance(raw, dict):
        raise PolicyError(f"{where}: expected a table")
    unknown = set(raw) - _PART_KEYS
    if unknown:
        raise PolicyError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    model = _model(raw.get("model"), where)
    if model is None:
        if raw.get("if_installed") is True:
            return None
        raise PolicyError(f"{where}: no model {raw.get('model')!r} (set if_installed = true if optional)")
    via = raw.get("via")
    if not isinstance(via, str) or not via:
        raise PolicyError(f"{where}: via must name the path to the record, e.g. 'report'")
    current: type[models.Model] = model
    for step in via.split("."):
        relation = _field(current, step, f"{where}.via")
        if not isinstance(relation, models.ForeignKey):
            raise PolicyError(f"{where}.via: {step!r} is not a foreign key")
        current = relation.related_model
    if current is not root:
        raise PolicyError(f"{where}.via: leads to {current._meta.label_lower}, not {root._meta.label_lower}")
    action = raw.get("action")
    if action not in ACTIONS:
        raise PolicyError(f"{where}.action: one of {', '.join(ACTIONS)}")
    if action == "blank" and not _has_encrypted_fields(model):
        raise PolicyError(f"{where}: {model._meta.label_lower} has no encrypted field to blank")
    files_field = raw.get("files", "")
    if files_field:
        if not isinstance(_field(model, files_field, f"{where}.files"), models.UUIDField):
            raise PolicyError(f"{where}.files: must name the UUID of an encrypted attachment file")
    return Part(model=model, via=via, action=action, files=files_field)


def _policy(raw: Any, where: str) -> Policy | None:
    if not isinstance(raw, dict):
        raise PolicyError(f"{where}: expected a table")
    unknown = set(raw) - _POLICY_KEYS
    if unknown:
        raise PolicyError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    record_type = raw.get("record_type")
    if not isinstance(record_type, str) or not _RECORD_TYPE.match(record_type):
        raise PolicyError(f"{where}.record_type: lower-case letters, digits and _ (got {record_type!r})")
    where = f"policy {record_type}"
    label = raw.get("model")
    if isinstance(label, str) and label.lower() in _NEVER:
        raise PolicyError(f"{where}: the audit trail is never deleted")
    model = _model(label, where)
    if model is None:
        if raw.get("if_installed") is True:
            return None
        raise PolicyError(f"{where}: no model {label!r} (set if_installed = true if optional)")
    _date_field(model, raw.get("period_field"), f"{where}.period_field")
    clock, clock_event = raw.get("clock"), raw.get("clock_event")
    if (clock is None) == (clock_event is None):
        raise PolicyError(f"{where}: give exactly one of clock and clock_event")
    event: tuple[str, str] | None = None
    if clock is not None:
        _date_field(model, clock, f"{where}.clock")
    else:
        if not isinstance(clock_event, str) or clock_event.count(":") != 1:
            raise PolicyError(f"{where}.clock_event: 'action:to', e.g. 'report.status:closed'")
        action_name, to = clock_event.split(":")
        event = (action_name, to)
    keep_days = raw.get("keep_days")
    if not isinstance(keep_days, int) or isinstance(keep_days, bool) or keep_days < 1:
        raise PolicyError(f"{where}.keep_days: a whole number of days, at least 1")
    action = raw.get("action")
    if action not in ACTIONS:
        raise PolicyError(f"{where}.action: one of {', '.join(ACTIONS)}")
    if action == "blank" and not _has_encrypted_fields(model):
        raise PolicyError(f"{where}: {label} has no encrypted field to blank")
    legal_basis = raw.get("legal_basis")
    if not isinstance(legal_basis, str) or not legal_basis.strip():
        raise PolicyError(f"{where}.legal_basis: say why this period (required)")
    require = raw.get("require", {})
    if not isinstance(require, dict):
        raise PolicyError(f"{where}.require: expected a table of lookups")
    try:
        str(model._default_manager.filter(**require).query)  # checks every lookup without a query
    except (FieldError, TypeError, ValueError) as exc:
        raise PolicyError(f"{where}.require: {exc}") from exc
    use_period_keys = raw.get("period_keys", True)
    if not isinstance(use_period_keys, bool):
        raise PolicyError(f"{where}.period_keys: true or false")
    raw_parts = raw.get("parts", [])
    if not isinstance(raw_parts, list):
        raise PolicyError(f"{where}.parts: expected [[policy.parts]] tables")
    parts = tuple(
        p for i, item in enumerate(raw_parts) if (p := _part(item, model, f"{where}.parts[{i}]")) is not None
    )
    return Policy(
        record_type=record_type,
        model=model,
        period_field=raw["period_field"],
        keep_days=keep_days,
        action=action,
        legal_basis=legal_basis.strip(),
        clock=clock or "",
        clock_event=event,
        match=_exact(model, raw.get("match", {}), f"{where}.match"),
        exclude=_exact(model, raw.get("exclude", {}), f"{where}.exclude"),
        require=dict(require),
        parts=parts,
        period_keys=use_period_keys,
    )


def parse(document: dict[str, Any]) -> PolicySet:
    """Check a parsed policy document and build the policy set; raises PolicyError naming the problem."""
    if document.get("version") != 1:
        raise PolicyError("version: this Tiaki reads version = 1")
    unknown = set(document) - {"version", "policy"}
    if unknown:
        raise PolicyError(f"unknown top-level key(s) {', '.join(sorted(unknown))}")
    raw_policies = document.get("policy", [])
    if not isinstance(raw_policies, list):
        raise PolicyError("policy: expected [[policy]] tables")
    policies: list[Policy] = []
    skipped: list[str] = []
    for index, raw in enumerate(raw_policies):
        policy = _policy(raw, f"policy[{index}]")
        if policy is None:
            skipped.append(str(raw.get("record_type")))
            continue
        if any(p.record_type == policy.record_type for p in policies):
            raise PolicyError(f"policy {policy.record_type}: record_type used twice")
        policies.append(policy)
    owners: dict[str, str] = {}
    for policy in policies:
        for part in policy.parts:
            if part.model is policy.model:
                raise PolicyError(f"policy {policy.record_type}: a record cannot be its own part")
            if any(part.model is other.model for other in policies):
                raise PolicyError(f"policy {policy.record_type}: {part.label} is a record type of its own")
            owners.setdefault(part.label, policy.record_type)
    return PolicySet(tuple(policies), tuple(skipped))


def load(path: Path = POLICY_FILE) -> PolicySet:
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path.name}: {exc}") from exc
    return parse(document)


@lru_cache(maxsize=1)
def policies() -> PolicySet:
    return load()


# --- choosing the key a record is encrypted with ---------------------------------------------------------


def _follow(instance: models.Model, via: str) -> models.Model | None:
    current: Any = instance
    for step in via.split("."):
        current = getattr(current, step, None)
        if current is None:
            return None
    return current


def _key_for_record(policy: Policy, record: models.Model) -> str | None:
    if not policy.period_keys:
        return None
    period = policy.period_of(record)
    if period is None:
        return None
    key_id = f"{policy.record_type}@{period}"
    # A period whose key is already destroyed gets the master key: never a fresh key under an old id.
    return key_id if period_keys().ensure(key_id) else None


def current_key_id(record_type: str) -> str | None:
    """The period key for a record of `record_type` created now: for files stored just before their row
    (a tip's photo), which the field-level chooser cannot see."""
    policy = policies().by_type(record_type)
    if policy is None or not policy.period_keys:
        return None
    key_id = f"{record_type}@{timezone.now().astimezone(dt.UTC):%Y-%m}"
    return key_id if period_keys().ensure(key_id) else None


def key_for(instance: models.Model) -> str | None:
    """The period key id for a record (or part) under a policy, None for the master key.

    Installed as crypto's key chooser, so EncryptedTextField/EncryptedJSONField use it on every save.
    """
    label = instance._meta.label_lower
    for policy in policies().policies:
        if policy.label == label:
            if policy.covers(instance):
                return _key_for_record(policy, instance)
            continue
        for part in policy.parts:
            if part.label == label:
                record = _follow(instance, part.via)
                if record is not None and policy.covers(record):
                    return _key_for_record(policy, record)
    return None


# --- deciding what is due --------------------------------------------------------------------------------


def _due(policy: Policy, now: dt.datetime) -> models.QuerySet[Any]:
    cutoff = now - dt.timedelta(days=policy.keep_days)
    queryset = policy.records().filter(**policy.require)
    if policy.clock:
        queryset = queryset.filter(**{f"{policy.clock}__lte": cutoff})
    else:
        assert policy.clock_event is not None
        action, to = policy.clock_event
        # The last time the record entered that state (a record closed, reopened and closed again counts
        # from the second closure); `require` makes sure it is still in it.
        entered = AuditEvent.objects.filter(
            action=action,
            object_type=policy.label,
            object_id=Cast(models.OuterRef("pk"), models.CharField()),
            details__to=to,
        ).order_by("-sequence")
        queryset = queryset.annotate(_clock_at=models.Subquery(entered.values("occurred_at")[:1])).filter(
            _clock_at__lte=cutoff
        )
    if policy.action == "blank":
        queryset = queryset.exclude(pk__in=_blanked(policy.model))
    return queryset


def _raw(model: type[models.Model], encrypted: models.Field[Any, Any]) -> Cast:
    return Cast(models.F(encrypted.name), models.TextField())


def _encrypted(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]


def _blanked(model: type[models.Model]) -> models.QuerySet[Any]:
    first = _encrypted(model)[0]
    return (
        model._default_manager.annotate(_token=_raw(model, first)).filter(_token=SHREDDED_TOKEN).values("pk")
    )


def _month_range(period: str) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.strptime(period, "%Y-%m").replace(tzinfo=dt.UTC)
    return start, (start + dt.timedelta(days=32)).replace(day=1)


def _references(policy: Policy, key_id: str, *, apart_from: models.QuerySet[Any] | None = None) -> int:
    """How many stored values use `key_id`, not counting those of the records `apart_from` (a pk query).

    Only records of the key's own month can hold it (the key is chosen from the record's period), so the
    scan of the ciphertext is limited to them.
    """
    prefix = f"{TOKEN_PREFIX}:{key_id}:"
    start, end = _month_range(key_id.split("@", 1)[1])
    if not isinstance(policy.model._meta.get_field(policy.period_field), models.DateTimeField):
        start, end = start.date(), end.date()  # type: ignore[assignment]
    total = 0
    for model, path in [(policy.model, "pk"), *[(p.model, p.lookup) for p in policy.parts]]:
        to_record = "" if path == "pk" else f"{path}__"
        fields = _encrypted(model)
        if not fields:
            continue
        condition = models.Q()
        for encrypted in fields:
            condition |= models.Q(**{f"_raw_{encrypted.column}__startswith": prefix})
        queryset = model._default_manager.annotate(
            **{f"_raw_{encrypted.column}": _raw(model, encrypted) for encrypted in fields}
        ).filter(
            condition,
            **{
                f"{to_record}{policy.period_field}__gte": start,
                f"{to_record}{policy.period_field}__lt": end,
            },
        )
        if apart_from is not None:
            queryset = queryset.exclude(**{f"{path}__in": apart_from})
        total += queryset.count()
    return total


# --- applying it -----------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What retention did (or, in a dry run, would do) to one record type in one month."""

    record_type: str
    period: str
    rows: int = 0
    parts: dict[str, int] = field(default_factory=dict)
    key_destroyed: bool = False

    def describe(self) -> str:
        parts = ", ".join(f"{count} {label}" for label, count in sorted(self.parts.items()) if count)
        return (
            f"{self.record_type} {self.period}: {self.rows} records"
            + (f" ({parts})" if parts else "")
            + ("; key destroyed" if self.key_destroyed else "")
        )


def _month_over(period: str, now: dt.datetime) -> bool:
    return period < f"{now.astimezone(dt.UTC):%Y-%m}"


def _shred(policy: Policy, pks: list[Any]) -> tuple[dict[str, int], list[Any]]:
    """Delete or blank the records and their parts; returns the counts and the attachment files to delete."""
    counts: dict[str, int] = {}
    stored: list[Any] = []
    for part in policy.parts:
        queryset = part.model._default_manager.filter(**{f"{part.lookup}__in": pks})
        if part.files:
            stored.extend(queryset.values_list(part.files, flat=True))
        counts[part.label] = _act(part.model, queryset, part.action)
    rows = policy.model._default_manager.filter(pk__in=pks)
    counts[policy.label] = _act(policy.model, rows, policy.action)
    return counts, stored


def _act(model: type[models.Model], queryset: models.QuerySet[Any], action: str) -> int:
    if action == "delete":
        count = queryset.count()
        queryset.delete()
        return count
    # A plain-text Value, so the marker is written as is rather than encrypted like a field value.
    marker = models.Value(SHREDDED_TOKEN, output_field=models.TextField())
    return queryset.update(**{f.name: marker for f in _encrypted(model)})


def _periods(policy: Policy, queryset: models.QuerySet[Any]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for pk, value in queryset.values_list("pk", policy.period_field).iterator(chunk_size=2000):
        if value is None:
            continue
        if isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC)
        grouped[f"{value:%Y-%m}"].append(pk)
    return grouped


def _keys_of(policy: Policy) -> list[str]:
    prefix = f"{policy.record_type}@"
    return [key_id for key_id in period_keys().alive() if key_id.startswith(prefix)]


def run(
    *,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    policy_set: PolicySet | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> list[Outcome]:
    """Shred every due record and destroy every period key nothing uses any more.

    Records go in batches of one record type and month, each batch one transaction with its audit event,
    so an interrupted run loses nothing and the next run carries on. A dry run writes nothing.
    """
    now = now or timezone.now()
    policy_set = policy_set or policies()
    outcomes: list[Outcome] = []
    for policy in policy_set.policies:
        due_records = _due(policy, now)
        by_period: dict[str, Outcome] = {}
        for period, pks in sorted(_periods(policy, due_records).items()):
            outcome = by_period[period] = Outcome(policy.record_type, period, rows=len(pks))
            if dry_run:
                outcome.parts = _part_counts(policy, pks)
                key_id = f"{policy.record_type}@{period}"
                outcome.key_destroyed = (
                    key_id in period_keys().alive()
                    and _month_over(period, now)
                    and not _references(policy, key_id, apart_from=due_records.values("pk"))
                )
            else:
                for start in range(0, len(pks), BATCH):
                    _shred_batch(policy, period, pks[start : start + BATCH], outcome)
            progress(outcome.describe())
        if not dry_run:
            for key_id in _keys_of(policy):
                period = key_id.split("@", 1)[1]
                if not _month_over(period, now) or _references(policy, key_id):
                    continue
                _destroy_key(policy, key_id, period)
                outcome = by_period.setdefault(period, Outcome(policy.record_type, period))
                outcome.key_destroyed = True
                progress(f"{policy.record_type} {period}: key destroyed")
        outcomes.extend(by_period[p] for p in sorted(by_period))
    return outcomes


def _part_counts(policy: Policy, pks: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for start in range(0, len(pks), BATCH):
        batch = pks[start : start + BATCH]
        for part in policy.parts:
            counts[part.label] += part.model._default_manager.filter(**{f"{part.lookup}__in": batch}).count()
    return {part.label: counts[part.label] for part in policy.parts}


def _shred_batch(policy: Policy, period: str, pks: list[Any], outcome: Outcome) -> None:
    with transaction.atomic():
        counts, stored = _shred(policy, pks)
        parts = {label: n for label, n in counts.items() if label != policy.label}
        audit.record(
            actor=None,
            action="retention.shred",
            object_type=policy.label,
            details={
                "record_type": policy.record_type,
                "period": period,
                "action": policy.action,
                "rows": counts[policy.label],
                "parts": parts,
            },
        )
    for label, count in parts.items():
        outcome.parts[label] = outcome.parts.get(label, 0) + count
    # Files go after the rows' transaction: a rolled-back run must not lose attachments, and a crash in
    # between leaves only orphaned files, which their destroyed key makes unreadable.
    for key in stored:
        files.delete(key)


def _destroy_key(policy: Policy, key_id: str, period: str) -> None:
    with transaction.atomic():
        audit.record(
            actor=None,
            action="retention.key_destroy",
            object_type=policy.label,
            details={"record_type": policy.record_type, "period": period, "key_id": key_id},
        )
    # After the event is committed: if the process dies in between, the next run destroys the key (and says
    # so again) rather than leaving a destroyed key without its event.
    period_keys().destroy(key_id)


def describe(policy_set: PolicySet | None = None) -> Iterator[str]:
    policy_set = policy_set or policies()
    for policy in policy_set.policies:
        clock = policy.clock or f"{policy.clock_event[0]} → {policy.clock_event[1]}"  # type: ignore[index]
        yield (
            f"{policy.record_type}: {policy.label}, {policy.action} {policy.keep_days} days after {clock}; "
            f"{len(_keys_of(policy))} period keys alive"
        )
    for record_type in policy_set.skipped:
        yield f"{record_type}: not installed here, skipped"


def install_key_chooser() -> None:
    from tiaki.governance import crypto

    crypto.set_period_key_chooser(key_for)


__all__ = ["Outcome", "Policy", "PolicyError", "PolicySet", "is_period_key_id", "key_for", "load", "run"]
