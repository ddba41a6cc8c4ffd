"""Seed the hotline directory from data/directory.toml (later changes: `tiaki load_directory` or staff edits)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "directory.toml"


def seed(apps: Any, schema_editor: Any) -> None:
    entry_model = apps.get_model("community", "DirectoryEntry")
    with DATA_FILE.open("rb") as handle:
        rows = tomllib.load(handle).get("entry", [])
    for row in rows:
        entry_model.objects.get_or_create(
            country=row["country"],
            number=row["number"],
            defaults={
                "kind": row["kind"],
                "name": row["name"],
                "description": row.get("description", ""),
                "languages": ",".join(row.get("languages", [])),
                "source": row["source"],
                "source_url": row.get("source_url", ""),
                "verified_on": row["verified_on"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
