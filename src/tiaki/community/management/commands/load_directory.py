"""`tiaki load_directory [--file PATH]`: apply the hotline directory data file to the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.community import services


class Command(BaseCommand):
    help = "Create or update directory entries from a TOML file (default: community/data/directory.toml)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=None, help="the TOML file to load")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            created, updated = services.directory_load(actor=None, path=options["file"])
        except (ValidationError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"directory: {created} created, {updated} updated")
