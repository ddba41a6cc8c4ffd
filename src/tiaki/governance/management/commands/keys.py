"""`tiaki keys rotate|generate`: manage data-encryption keys."""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.governance.crypto import keyring
from tiaki.governance.services import keys_rotate


class Command(BaseCommand):
    help = (
        "generate: add a new data key (development: to the data dir's secrets file; production: print "
        "the new TIAKI_DATA_KEYS value to set). rotate: re-encrypt every value under the newest key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rotate", "generate"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "generate":
            self._generate()
            return
        counts = keys_rotate(progress=lambda line: self.stderr.write(line))
        self.stdout.write(f"re-encrypted {sum(counts.values())} values under key {keyring().current_id}")

    def _generate(self) -> None:
        keys = dict(settings.TIAKI_DATA_KEYS)
        new_id = f"k{len(keys) + 1}"
        while new_id in keys:
            new_id += "x"
        keys[new_id] = base64.b64encode(secrets.token_bytes(32)).decode()
        secrets_file = settings.DATA_DIR / "secrets.json"
        if getattr(settings, "PRODUCTION", False) or not secrets_file.exists():
            self.stdout.write("Set TIAKI_DATA_KEYS to the following, restart, then run `tiaki keys rotate`:")
            self.stdout.write(json.dumps(keys))
            return
        stored = json.loads(secrets_file.read_text())
        if stored.get("TIAKI_DATA_KEYS") != settings.TIAKI_DATA_KEYS:
            raise CommandError("TIAKI_DATA_KEYS comes from the environment; update it there instead")
        stored["TIAKI_DATA_KEYS"] = keys
        secrets_file.write_text(json.dumps(stored, indent=2))
        self.stdout.write(f"added key {new_id} to {secrets_file}; now run `tiaki keys rotate`")
