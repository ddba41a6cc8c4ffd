"""Encrypted, verifiable backups of the database and attachment files, and their restore.

The archive is a tar (manifest + database dump + attachment files) sealed with AES-256-GCM in 1 MiB
chunks (the STREAM construction: each chunk's nonce carries its index and a last-chunk flag, so chunks
cannot be reordered, dropped or truncated unnoticed). It is sealed with the backup key, which is not a
data key: the data keys never travel inside a backup, so a stolen backup alone reveals no personal data
(those fields are encrypted with data keys the thief does not have) and a stolen data key alone opens no
backup. Master keys are kept with the other secrets, never by this module.

Period keys (retention, see governance/retention.py) are what crypto-shredding destroys, so they are never in
a database archive either: an old archive restored after a shred must stay unreadable where it was
shredded. They travel in an archive of their own (`tiaki backup --period-keys-out`), meant to be overwritten
rather than kept, and `tiaki restore --period-keys` never brings back a key whose tombstone it finds.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import connection

from tiaki.governance.crypto import DecryptionError, period_keys
from tiaki.governance.models import AuditHead

MAGIC = b"TIAKIBK1"
CHUNK = 1024 * 1024
_NONCE_PREFIX = 7  # random bytes; + 4-byte chunk index + 1-byte last flag = 12-byte GCM nonce


class BackupError(RuntimeError):
    pass


def backup_key() -> bytes:
    encoded = getattr(settings, "TIAKI_BACKUP_KEY", "")
    key = base64.b64decode(encoded) if encoded else b""
    if len(key) != 32:
        raise BackupError("TIAKI_BACKUP_KEY must be a base64-encoded 32-byte key")
    return key


# --- sealing -------------------------------------------------------------------------------------------


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


def seal(source: IO[bytes], target: IO[bytes], key: bytes) -> None:
    aead = AESGCM(key)
    prefix = os.urandom(_NONCE_PREFIX)
    target.write(MAGIC + prefix)
    index = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        target.write(aead.encrypt(_nonce(prefix, index, last), chunk, MAGIC))
        if last:
            return
        chunk, index = following, index + 1


def unseal(source: IO[bytes], target: IO[bytes], key: bytes) -> None:
    header = source.read(len(MAGIC) + _NONCE_PREFIX)
    if header[: len(MAGIC)] != MAGIC:
        raise BackupError("not a Tiaki backup (bad header)")
    aead = AESGCM(key)
    prefix = header[len(MAGIC) :]
    index = 0
    sealed = source.read(CHUNK + 16)
    while sealed:
        following = source.read(CHUNK + 16)
        last = not following
        try:
            target.write(aead.decrypt(_nonce(prefix, index, last), sealed, MAGIC))
        except InvalidTag as exc:
            raise BackupError(
                f"chunk {index} failed authentication: wrong key, or the file was altered"
            ) from exc
        sealed, index = following, index + 1
    if index == 0:
        raise BackupError("the backup is empty or truncated")


# --- what goes in ----------------------------------------------------------------------------------------


def _pg_binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        raise BackupError(f"{name} not found (install postgresql-client)")
    return str(candidates[-1])


def _pg_env(database: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = [
        "-h",
        database.get("HOST") or "127.0.0.1",
        "-p",
        str(database.get("PORT") or 5432),
        "-U",
        database.get("USER") or "postgres",
    ]
    return args, {**os.environ, "PGPASSWORD": database.get("PASSWORD") or ""}


def dump_database(target: Path) -> str:
    """A consistent snapshot of the live database into `target`; returns the engine name."""
    database = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        source = sqlite3.connect(database["NAME"])
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy)  # SQLite's online backup API: consistent even while the app writes
        copy.close()
        source.close()
        return "sqlite"
    if connection.vendor == "postgresql":
        args, env = _pg_env(database)
        subprocess.run(  # noqa: S603 - fixed binary, arguments from our own settings
            [
                _pg_binary("pg_dump"),
                "-Fc",
                "--no-owner",
                "--no-acl",
                *args,
                "-f",
                str(target),
                database["NAME"],
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        return "postgresql"
    raise BackupError(f"backups of {connection.vendor} are not supported")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Manifest:
    created_at: str
    engine: str
    audit_sequence: int
    audit_hash: str
    files: dict[str, str]  # archive member -> sha256

    def as_json(self) -> bytes:
        return json.dumps(self.__dict__, sort_keys=True, indent=2).encode()


def create(out: Path, *, progress: Callable[[str], None] = lambda _: None) -> Manifest:
    """Write an encrypted backup to `out` (atomically: a failure leaves no partial file)."""
    key = backup_key()
    with tempfile.TemporaryDirectory(prefix="tiaki-backup-") as scratch:
        work = Path(scratch)
        dump = work / "database.dump"
        head = AuditHead.objects.filter(pk=1).first()
        engine = dump_database(dump)
        progress(f"database dumped ({dump.stat().st_size:,} bytes, {engine})")
        members = {"database.dump": dump}
        attachments = Path(settings.DATA_DIR) / "attachments"
        if attachments.exists():
            for path in sorted(attachments.glob("*.bin")):
                members[f"attachments/{path.name}"] = path
        manifest = Manifest(
            created_at=dt.datetime.now(dt.UTC).isoformat(),
            engine=engine,
            audit_sequence=head.sequence if head else 0,
            audit_hash=head.hash if head else "",
            files={name: _sha256(path) for name, path in members.items()},
        )
        plain = work / "backup.tar"
        with tarfile.open(plain, "w") as archive:
            info = tarfile.TarInfo("manifest.json")
            body = manifest.as_json()
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
            for name, path in members.items():
                archive.add(path, arcname=name)
        fd, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
        try:
            with plain.open("rb") as source, os.fdopen(fd, "wb") as target:
                seal(source, target, key)
            os.chmod(temporary, 0o600)
            os.replace(temporary, out)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    progress(f"sealed {len(members)} files into {out}")
    return manifest


@dataclass
class Opened:
    directory: Path
    manifest: Manifest


def _open(archive_path: Path, directory: Path) -> Opened:
    plain = directory / "backup.tar"
    with archive_path.open("rb") as source, plain.open("wb") as target:
        unseal(source, target, backup_key())
    with tarfile.open(plain) as archive:
        for member in archive.getmembers():
            if not member.isfile() or member.name.startswith("/") or ".." in Path(member.name).parts:
                raise BackupError(f"unexpected archive member {member.name!r}")
        archive.extractall(directory / "contents", filter="data")
    contents = directory / "contents"
    manifest = Manifest(**json.loads((contents / "manifest.json").read_text()))
    for name, expected in manifest.files.items():
        if _sha256(contents / name) != expected:
            raise BackupError(f"{name} does not match its checksum")
    return Opened(contents, manifest)


def verify(archive_path: Path) -> Manifest:
    """Decrypt and check every file's checksum without touching the live system."""
    with tempfile.TemporaryDirectory(prefix="tiaki-verify-") as scratch:
        return _open(archive_path, Path(scratch)).manifest


def restore(archive_path: Path, *, progress: Callable[[str], None] = lambda _: None) -> Manifest:
    """Replace the configured database and attachment files with the backup's. Stop the app first."""
    database = settings.DATABASES["default"]
    with tempfile.TemporaryDirectory(prefix="tiaki-restore-") as scratch:
        opened = _open(archive_path, Path(scratch))
        engine = "sqlite" if connection.vendor == "sqlite" else connection.vendor
        if engine != opened.manifest.engine:
            raise BackupError(f"backup is from {opened.manifest.engine}; this installation uses {engine}")
        dump = opened.directory / "database.dump"
        connection.close()
        if engine == "sqlite":
            target = Path(database["NAME"])
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            staged = target.with_suffix(".restoring")
            shutil.copyfile(dump, staged)
            os.replace(staged, target)
        else:
            args, env = _pg_env(database)
            subprocess.run(  # noqa: S603 - fixed binary, arguments from our own settings
                [
                    _pg_binary("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-acl",
                    "--single-transaction",
                    *args,
                    "-d",
                    database["NAME"],
                    str(dump),
                ],
                check=True,
                env=env,
                capture_output=True,
            )
        progress("database restored")
        attachments = Path(settings.DATA_DIR) / "attachments"
        attachments.mkdir(mode=0o700, exist_ok=True)
        for name in opened.manifest.files:
            if name.startswith("attachments/"):
                shutil.copyfile(opened.directory / name, attachments / Path(name).name)
        return opened.manifest


# --- period keys, apart from the database --------------------------------------------------------------


def export_period_keys(out: Path) -> tuple[int, int]:
    """Seal the period-key directory (keys still wrapped by the master key, and tombstones) into `out`.

    Returns (keys, tombstones). Written atomically, 0600.
    """
    store = period_keys()
    alive, destroyed = store.alive(), store.destroyed()
    plain = io.BytesIO()
    with tarfile.open(fileobj=plain, mode="w") as archive:
        for name, body in [
            *[(f"{key_id}.key", (store.directory / f"{key_id}.key").read_bytes()) for key_id in alive],
            *[(f"{key_id}.shredded", b"") for key_id in destroyed],
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
    plain.seek(0)
    fd, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as target:
            seal(plain, target, backup_key())
        os.chmod(temporary, 0o600)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(alive), len(destroyed)


def import_period_keys(archive_path: Path) -> tuple[int, int]:
    """Put back the period keys of an archive, except any destroyed since. Returns (restored, refused).

    A key is refused when a tombstone for it is here or in the archive; a live key whose tombstone the
    archive carries is destroyed here too, so a destroyed key never comes back through a restore. (A key
    destroyed after the archive was written, on a machine whose directory is lost, is the one case this
    cannot know: hence the rule to overwrite the period-key archive rather than keep old copies.)
    """
    opened = io.BytesIO()
    with archive_path.open("rb") as source:
        unseal(source, opened, backup_key())
    opened.seek(0)
    keys: dict[str, bytes] = {}
    tombstones: set[str] = set()
    with tarfile.open(fileobj=opened) as archive:
        for member in archive.getmembers():
            name = member.name
            if not member.isfile() or "/" in name or name.startswith("."):
                raise BackupError(f"unexpected archive member {name!r}")
            if name.endswith(".shredded"):
                tombstones.add(name.removesuffix(".shredded"))
            elif name.endswith(".key"):
                handle = archive.extractfile(member)
                assert handle is not None
                keys[name.removesuffix(".key")] = handle.read()
            else:
                raise BackupError(f"unexpected archive member {name!r}")
    store = period_keys()
    for key_id in tombstones:
        store.destroy(key_id)
    restored = refused = 0
    for key_id, wrapped in sorted(keys.items()):
        if key_id in tombstones or store.is_destroyed(key_id):
            refused += 1
            continue
        try:
            put_back = store.restore(key_id, wrapped.decode())
        except DecryptionError as exc:
            raise BackupError(f"period key {key_id} is not wrapped by any master key here") from exc
        restored += put_back
    return restored, refused


def iter_manifest_lines(manifest: Manifest) -> Iterator[str]:
    yield f"created {manifest.created_at} on {manifest.engine}"
    yield f"audit chain head #{manifest.audit_sequence} {manifest.audit_hash[:16]}…"
    yield f"{len(manifest.files)} files, checksums verified"
