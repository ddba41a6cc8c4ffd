"""Field-level encryption (AES-256-GCM, key id stored with each value) and keyed blind indexes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

TOKEN_PREFIX = "tk1"  # noqa: S105 - a format marker, not a secret
_NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value could not be decrypted: wrong key, tampered ciphertext or moved between columns."""


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    current_id: str
    blind_key: bytes

    def encrypt(self, plaintext: bytes, associated_data: bytes) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = AESGCM(self.keys[self.current_id]).encrypt(nonce, plaintext, associated_data)
        return f"{TOKEN_PREFIX}:{self.current_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, associated_data: bytes) -> bytes:
        try:
            prefix, key_id, payload = token.split(":", 2)
        except ValueError as exc:
            raise DecryptionError("not an encrypted token") from exc
        if prefix != TOKEN_PREFIX or key_id not in self.keys:
            raise DecryptionError(f"unknown key id {key_id!r}")
        raw = base64.urlsafe_b64decode(payload)
        try:
            return AESGCM(self.keys[key_id]).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], associated_data)
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

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return keyring().encrypt(self._to_bytes(value), self._associated_data())

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return self._from_bytes(keyring().decrypt(value, self._associated_data()))

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
