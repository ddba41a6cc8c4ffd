"""Encrypted file storage (case photos, tip photos) and metadata stripping for images."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from tiaki.governance.crypto import ShreddedError, keyring

MAX_BYTES = 10 * 1024 * 1024
# A few kilobytes of PNG can declare billions of pixels (a "pixel flood"); decoding one would take the
# server's memory. 50 megapixels is above what phones save by default.
MAX_PIXELS = 50_000_000
# Only formats we can re-encode: re-encoding is what removes EXIF (GPS position, camera serial, time).
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def _directory() -> Path:
    path = Path(settings.DATA_DIR) / "attachments"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _associated_data(key: uuid.UUID) -> bytes:
    return f"attachment:{key}".encode()


def strip_metadata(data: bytes) -> tuple[bytes, str]:
    """Re-encode an image from its pixels only. Returns (bytes, content type)."""
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format or ""
            if image_format not in IMAGE_FORMATS:
                raise ValidationError(_("Only photos (JPEG, PNG or WebP) can be attached."))
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("The photo has too many pixels."))
            image.load()
            # Only the pixels (and palette) are carried over: EXIF, XMP, ICC and comments stay behind.
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
            if image.mode == "P" and (palette := image.getpalette()):
                clean.putpalette(palette)
    except Image.DecompressionBombError as exc:
        raise ValidationError(_("The photo has too many pixels.")) from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError(_("Only photos (JPEG, PNG or WebP) can be attached.")) from exc
    out = io.BytesIO()
    clean.save(out, format=image_format)
    return out.getvalue(), IMAGE_FORMATS[image_format]


class FileGone(Http404):
    """The file was deleted under the retention policy (or its period key destroyed): pages answer 404."""


def store(data: bytes, *, key_id: str | None = None) -> uuid.UUID:
    """Encrypt and keep `data`; `key_id` names a period key when the file belongs to a record under a
    retention policy (see `retention.current_key_id`), so destroying that key shreds it in backups too."""
    key = uuid.uuid4()
    token = keyring().encrypt(data, _associated_data(key), key_id=key_id)
    path = _directory() / f"{key}.bin"
    temporary = path.with_suffix(".part")
    temporary.write_text(token)
    temporary.chmod(0o600)
    temporary.replace(path)
    return key


def load(key: uuid.UUID) -> bytes:
    try:
        token = (_directory() / f"{key}.bin").read_text()
        return keyring().decrypt(token, _associated_data(key))
    except (FileNotFoundError, ShreddedError) as exc:
        raise FileGone(str(key)) from exc


def delete(key: uuid.UUID) -> None:
    (_directory() / f"{key}.bin").unlink(missing_ok=True)


def rotate() -> int:
    """Re-encrypt every stored attachment under the newest key (called by `tiaki keys rotate`)."""
    ring = keyring()
    rotated = 0
    for path in _directory().glob("*.bin"):
        token = path.read_text()
        if token.split(":", 2)[1] == ring.current_id or token.split(":", 2)[1] not in ring.keys:
            continue  # current, or under a period key that must stay (crypto-shredding)
        key = uuid.UUID(path.stem)
        temporary = path.with_suffix(".part")
        temporary.write_text(ring.encrypt(ring.decrypt(token, _associated_data(key)), _associated_data(key)))
        temporary.chmod(0o600)
        temporary.replace(path)
        rotated += 1
    return rotated
