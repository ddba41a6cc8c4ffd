"""The `tiaki` command: Django management with Tiaki's own verbs (serve, worker, demo, ...)."""

from __future__ import annotations

import os
import sys

# Verbs with hyphens in the public command-line contract map onto management command modules.
ALIASES = {
    "watchlist-screen": "watchlist_screen",
    "otp-code": "otp_code",
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if os.environ.get("TIAKI_ENV") == "production":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaki.config.settings.production")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiaki.config.settings.base")
    if len(args) > 1:
        args[1] = ALIASES.get(args[1], args[1])
    args[0] = "tiaki"
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
