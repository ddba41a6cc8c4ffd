"""`tiaki serve`: the production WSGI server (gunicorn) with static files through WhiteNoise."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Tiaki with gunicorn. No access log is written: client addresses are never recorded."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1)))
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stderr.write(f"serving on http://{options['host']}:{options['port']}/ (Ctrl+C to stop)")
        sys.stderr.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "tiaki.config.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--timeout",
            "120",
            "--graceful-timeout",
            "20",
            "--error-logfile",
            "-",
            # Deliberately no --access-logfile: an access log would record reporters' addresses.
            # gunicorn's control socket lives at one path per user (~/.gunicorn), shared by every server
            # that user runs; Tiaki does not use it.
            "--no-control-socket",
        ]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with the server
