"""Transferred bytes of each public page against the 100 KB budget, with the staff sign-in page as baseline.

Run: uv run python benchmarks/page_weight.py [--languages en,th,my]
Builds a throwaway SQLite database (migrations seed the help directory) in a temporary data dir and
fetches each page in-process through the full middleware stack. Weight = the HTML document plus every
stylesheet, script and image the page references (no fonts are downloaded: system and Noto fonts only).
Static assets are counted as WhiteNoise serves them to a browser sending Accept-Encoding: gzip
(gzip level 9, as its compressor writes at collectstatic);
the HTML is counted both raw and gzipped (whether it is compressed depends on the front proxy).
Target (issue 8): every public page under 100 KB transferred, excluding PDFs.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 100 * 1024
PUBLIC_PATHS = [
    "",
    "learn/",
    "learn/signs/",
    "report/",
    "report/receipt/",
    "help/",
    "help-others/",
    "passport/",
]
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src|img[^>]+src)="(/static/[^"]+)"')


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--languages", default="en,vi,th,my,ksw,ms,id,si,ta,mi")
    args = parser.parse_args()
    os.environ.setdefault("TIAKI_DATA_DIR", tempfile.mkdtemp(prefix="tiaki-bench-"))
    # Unhashed static names (the test settings) so the run does not depend on `collectstatic` succeeding
    # for every app; the bytes counted are the same files WhiteNoise would serve.
    os.environ["DJANGO_SETTINGS_MODULE"] = "tiaki.config.settings.test"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.contrib.staticfiles import finders
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    client = Client(HTTP_HOST="localhost")

    def weigh(url: str) -> tuple[int, int, int, list[str]]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html = response.content
        assets = sorted(set(ASSET.findall(html.decode())))
        asset_bytes = 0
        for asset in assets:
            found = finders.find(asset.removeprefix("/static/"))
            assert found, asset
            # WhiteNoise's compressor: gzip level 9, kept only when it saves at least 5 %
            data = Path(str(found)).read_bytes()
            asset_bytes += min(len(data), _gz(data)) if _gz(data) < len(data) * 0.95 else len(data)
        return len(html), _gz(html), asset_bytes, assets

    print(f"{'page':34} {'html':>8} {'html.gz':>8} {'assets.gz':>9} {'total':>8} {'budget':>7}")
    worst = 0
    for language in args.languages.split(","):
        for path in PUBLIC_PATHS:
            url = f"/{language}/{path}"
            raw, zipped, assets, _ = weigh(url)
            total = raw + assets  # the pessimistic figure: HTML sent uncompressed
            worst = max(worst, total)
            verdict = "ok" if total < BUDGET else "OVER"
            print(f"{url:34} {raw:8d} {zipped:8d} {assets:9d} {total:8d} {verdict:>7}")
    raw, zipped, assets, names = weigh("/en/accounts/login/")
    print(
        f"\nbaseline, staff sign-in page /en/accounts/login/: html {raw} B, assets.gz {assets} B "
        f"({', '.join(n.rsplit('/', 1)[-1] for n in names)}), total {raw + assets} B"
    )
    print(f"heaviest public page: {worst} B = {worst / BUDGET:.0%} of the {BUDGET // 1024} KB budget")


if __name__ == "__main__":
    main()
