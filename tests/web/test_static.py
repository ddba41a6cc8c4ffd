"""Static files build the way `tiaki serve` builds them (hashed names, compressed), with no CDN in sight."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings

SOURCE = Path(__file__).resolve().parents[2] / "src" / "tiaki"
# An element that fetches from another host, or a CSS url() that does (plain links to other sites are fine).
EXTERNAL_ASSET = (
    r"""<(?:script|img|iframe|link|source|audio|video)\b[^>]*\b(?:src|href)\s*=\s*["'](?:https?:)?//"""
    r"""|url\(\s*["']?(?:https?:)?//"""
)


def test_collectstatic_with_the_production_storage_succeeds(tmp_path: Path) -> None:
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("tiaki/js/htmx-2.0.11.min.*.js.gz"))


def test_no_template_or_asset_loads_anything_from_another_site() -> None:
    offenders = []
    for path in SOURCE.rglob("*"):
        if path.suffix not in {".html", ".css", ".js"} or (
            "/static/" in str(path) and path.name.endswith(".min.js")
        ):
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        for match in re.finditer(EXTERNAL_ASSET, text):
            offenders.append(f"{path.relative_to(SOURCE)}:{text[: match.start()].count(chr(10)) + 1}")
    assert offenders == []
