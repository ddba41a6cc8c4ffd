"""Field-level encryption (AES-256-GCM, key id stored with each value) and keyed blind indexes.

Two kinds of key encrypt values. Master data keys (`TIAKI_DATA_KEYS`, ids like `k1`) encrypt everything that
is kept indefinitely. Period keys (ids like `anonymous_tip@2026-08`, one per record type and month) encrypt
records under a retention policy (`tiaki.governance.retention`); they live in a key directory outside the
database and are destroyed when the last record they protect is due, which makes every copy of those
records unreadable, backups included (crypto-shredding).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext

if TYPE_CHECKING:
    from collections.abc import Callable

TOKEN_PREFIX = "tk1"  # noqa: S105 - a format marker, not a secret
_NONCE_BYTES = 12


# Written in place of a value whose retention period ended (the row is kept, its content is gone).
SHREDDED_KEY_ID = "shredded"
SHREDDED_TOKEN = f"{TOKEN_PREFIX}:{SHREDDED_KEY_ID}:"


class DecryptionError(Exception):
    """A stored value could not be decrypted: wrong key, tampered ciphertext or moved between columns."""


class ShreddedError(DecryptionError):
    """The value was deleted under the retention policy: its period key is destroyed or it was blanked."""


def is_period_key_id(key_id: str) -> bool:
    return "@" in key_id


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    current_id: str
    blind_key: bytes

    def encrypt(self, plaintext: bytes, associated_data: bytes, *, key_id: str | None = None) -> str:
        """Encrypt under the newest master key, or under the period key `key_id` (which must exist)."""
        key_id = key_id or self.current_id
        key = period_keys().get(key_id) if is_period_key_id(key_id) else self.keys[key_id]
        if key is None:
            raise ShreddedError(f"period key {key_id} is destroyed")
        nonce = os.urandom(_NONCE_BYTES)
        sealed = AESGCM(key).encrypt(nonce, plaintext, associated_data)
        return f"{TOKEN_PREFIX}:{key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, associated_data: bytes) -> bytes:
        try:
            prefix, key_id, payload = token.split(":", 2)
        except ValueError as exc:
            raise DecryptionError("not an encrypted token") from exc
        if prefix != TOKEN_PREFIX:
            raise DecryptionError("not an encrypted token")
        if key_id == SHREDDED_KEY_ID:
            raise ShreddedError("the value was blanked under the retention policy")
        if is_period_key_id(key_id):
            key = period_keys().get(key_id)
            if key is None:
                raise ShreddedError(f"period key {key_id} is destroyed")
        elif key_id in self.keys:
            key = self.keys[key_id]
        else:
            raise DecryptionError(f"unknown key id {key_id!r}")
        raw = base64.urlsafe_b64decode(payload)
        try:
            return AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], associated_data)
        except InvalidTag as exc:
            raise DecryptionError("authentication failed") from exc


def _decode_key(name: str, encoded: str) -> bytes:
    key = base64.b64decode(encoded)
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} must be 32 bytes, base64-encoded")
    return key


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    configured: dict[str, str] = settings.TIAKI_DATA_KEYS
    if not configured:
        raise ImproperlyConfigured("TIAKI_DATA_KEYS holds no key")
    keys = {key_id: _decode_key(f"TIAKI_DATA_KEYS[{key_id}]", value) for key_id, value in configured.items()}
    return Keyring(
        keys=keys,
        current_id=list(keys)[-1],
        blind_key=_decode_key("TIAKI_BLIND_INDEX_KEY", settings.TIAKI_BLIND_INDEX_KEY),
    )


def reset_keyring_on_change(*, setting: str, **_: Any) -> None:
    if setting in {"TIAKI_DATA_KEYS", "TIAKI_BLIND_INDEX_KEY"}:
        keyring.cache_clear()
    if setting == "DATA_DIR":
        period_keys.cache_clear()


class PeriodKeyStore:
    """Period keys, one file each in a directory outside the database (never inside a database backup).

    `<id>.key` holds the key wrapped by the master keyring, so a copy of the directory alone reveals
    nothing, and an unlinked file recovered from the disk is useless without the master keys (we do not
    rely on secure erase, which SSDs and copy-on-write file systems do not honour). `<id>.shredded` is the
    tombstone left when a key is destroyed: a destroyed period is never given a fresh key, so nothing
    written later can silently become shreddable under an id operators believe is gone.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def _path(self, key_id: str, suffix: str) -> Path:
        if "/" in key_id or ":" in key_id or key_id.startswith("."):
            raise ValueError(f"bad period key id {key_id!r}")
        return self.directory / f"{key_id}.{suffix}"

    @staticmethod
    def _associated_data(key_id: str) -> bytes:
        return f"period-key:{key_id}".encode()

    def _ensure_directory(self) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    def get(self, key_id: str) -> bytes | None:
        """The key, or None when it was destroyed (or never existed)."""
        path = self._path(key_id, "key")
        # Checked on every use: another process (the worker) may have destroyed the key since we cached it.
        if not path.exists():
            self._cache.pop(key_id, None)
            return None
        cached = self._cache.get(key_id)
        if cached is None:
            cached = keyring().decrypt(path.read_text(), self._associated_data(key_id))
            self._cache[key_id] = cached
        return cached

    def is_destroyed(self, key_id: str) -> bool:
        return self._path(key_id, "shredded").exists()

    def ensure(self, key_id: str) -> bool:
        """Create the key unless it exists; False when the period was already destroyed."""
        if self._path(key_id, "key").exists():
            return True
        if self.is_destroyed(key_id):
            return False
        with self._lock:
            self._ensure_directory()
            wrapped = keyring().encrypt(os.urandom(32), self._associated_data(key_id))
            temporary = self._path(key_id, f"{os.getpid()}.{threading.get_ident()}.part")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(wrapped)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                # link() fails if another process won the race: its key stands, ours is discarded.
                os.link(temporary, self._path(key_id, "key"))
            except FileExistsError:
                pass
            finally:
                temporary.unlink(missing_ok=True)
            self._sync_directory()
        return not self.is_destroyed(key_id)

    def restore(self, key_id: str, wrapped: str) -> bool:
        """Put back a wrapped key from a period-key archive; never over a tombstone or an existing key."""
        self._ensure_directory()
        if self.is_destroyed(key_id) or self._path(key_id, "key").exists():
            return False
        keyring().decrypt(wrapped, self._associated_data(key_id))  # refuse a key this keyring cannot open
        temporary = self._path(key_id, f"{os.getpid()}.restore")
        temporary.write_text(wrapped)
        temporary.chmod(0o600)
        try:
            os.link(temporary, self._path(key_id, "key"))
        except FileExistsError:
            return False
        finally:
            temporary.unlink(missing_ok=True)
        self._sync_directory()
        return True

    def destroy(self, key_id: str) -> bool:
        """Leave a tombstone, then delete the key. Returns False if there was no key to destroy."""
        key_path = self._path(key_id, "key")
        existed = key_path.exists()
        self._ensure_directory()
        tombstone = self._path(key_id, "shredded")
        if not tombstone.exists():
            tombstone.write_text(dt.datetime.now(dt.UTC).isoformat() + "\n")
            tombstone.chmod(0o600)
        key_path.unlink(missing_ok=True)
        self._cache.pop(key_id, None)
        self._sync_directory()
        return existed

    def alive(self) -> list[str]:
        if not self.directory.exists():
            return []
        return sorted(path.name.removesuffix(".key") for path in self.directory.glob("*.key"))

    def destroyed(self) -> list[str]:
        if not self.directory.exists():
            return []
        return sorted(path.name.removesuffix(".shredded") for path in self.directory.glob("*.shredded"))

    def rewrap(self) -> int:
        """Re-wrap every period key under the newest master key (part of `tiaki keys rotate`)."""
        ring = keyring()
        rewrapped = 0
        for key_id in self.alive():
            path = self._path(key_id, "key")
            token = path.read_text()
            if key_id_of(token) == ring.current_id:
                continue
            fresh = ring.encrypt(
                ring.decrypt(token, self._associated_data(key_id)), self._associated_data(key_id)
            )
            temporary = self._path(key_id, "rewrap")
            temporary.write_text(fresh)
            temporary.chmod(0o600)
            temporary.replace(path)
            rewrapped += 1
        return rewrapped

    def _sync_directory(self) -> None:
        fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@lru_cache(maxsize=1)
def period_keys() -> PeriodKeyStore:
    return PeriodKeyStore(Path(settings.DATA_DIR) / "retention-keys")


# Set by tiaki.governance.retention at start-up: which period key (if any) encrypts a model instance.
_period_key_chooser: Callable[[models.Model], str | None] | None = None


def set_period_key_chooser(chooser: Callable[[models.Model], str | None] | None) -> None:
    global _period_key_chooser
    _period_key_chooser = chooser


class ShreddedText(str):
    """What a text field reads as once its retention period ended: a short notice, never the old value."""

    __slots__ = ()


class ShreddedDocument(dict[str, Any]):
    """What an encrypted JSON field reads as once its retention period ended: an empty document."""


def is_shredded(value: Any) -> bool:
    return isinstance(value, ShreddedText | ShreddedDocument)


@dataclass(frozen=True)
class _Bound:
    """A value on its way to the database together with the key chosen for its record."""

    value: Any
    key_id: str | None


def key_id_of(token: str) -> str | None:
    parts = token.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == TOKEN_PREFIX else None


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed HMAC of a normalised value: equal inputs match without the database holding plaintext.

    `purpose` separates index spaces, so a phone index cannot be joined against a name index.
    """
    normalised = " ".join(unicodedata.normalize("NFKC", value).casefold().split())
    message = f"{purpose}\x1f{normalised}".encode()
    return hmac.new(keyring().blind_key, message, hashlib.sha256).hexdigest()


class EncryptedMixin:
    """Encrypts on the way to the database, decrypts on the way back.

    The associated data binds each ciphertext to its table and column, so a value copied into another
    column (or another table) fails to decrypt instead of silently appearing there.
    """

    empty_strings_allowed = True

    def _associated_data(self) -> bytes:
        field: models.Field[Any, Any] = self  # type: ignore[assignment]
        return f"{field.model._meta.db_table}.{field.column}".encode()

    def _to_bytes(self, value: Any) -> bytes:
        raise NotImplementedError

    def _from_bytes(self, raw: bytes) -> Any:
        raise NotImplementedError

    def _shredded(self) -> Any:
        raise NotImplementedError

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = super().pre_save(model_instance, add)  # type: ignore[misc]
        if value is None or is_shredded(value) or _period_key_chooser is None:
            return value
        return _Bound(value, _period_key_chooser(model_instance))

    def get_prep_value(self, value: Any) -> Any:
        key_id = None
        if isinstance(value, _Bound):
            value, key_id = value.value, value.key_id
        if value is None:
            return None
        if is_shredded(value):
            return SHREDDED_TOKEN  # saving a record whose content is gone keeps it gone
        return keyring().encrypt(self._to_bytes(value), self._associated_data(), key_id=key_id)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        try:
            return self._from_bytes(keyring().decrypt(value, self._associated_data()))
        except ShreddedError:
            return self._shredded()

    def get_lookup(self, lookup_name: str) -> Any:
        # Ciphertext is randomised: equality or LIKE on it would silently match nothing. Use a blind index.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)  # type: ignore[misc]


class EncryptedTextField(EncryptedMixin, models.TextField):
    def _to_bytes(self, value: Any) -> bytes:
        return str(value).encode()

    def _from_bytes(self, raw: bytes) -> str:
        return raw.decode()

    def _shredded(self) -> ShreddedText:
        return ShreddedText(gettext("[deleted: retention period ended]"))

    def to_python(self, value: Any) -> Any:
        return value


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """Structured personal data (e.g. a survivor's identity) as one encrypted JSON document."""

    # Tell django-stubs what Python type the field holds (a JSON document, not the stored text).
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def _to_bytes(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, sort_keys=True).encode()

    def _from_bytes(self, raw: bytes) -> Any:
        return json.loads(raw)

    def _shredded(self) -> ShreddedDocument:
        return ShreddedDocument()

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)


def encrypted_fields() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    from django.apps import apps

    found: list[tuple[type[models.Model], models.Field[Any, Any]]] = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedMixin):
                found.append((model, field))
    return found
