"""`tiaki demo`: migrate, build the demo partnership and synthetic world, print accounts, serve."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from tiaki.web.demo import set_up


class Command(BaseCommand):
    help = "Set up the embedded database with demo data and accounts, then serve the app."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=10000, help="size of the synthetic world")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help="set up and print accounts, do not serve")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stderr.write("database ready")
        accounts = set_up(data_dir=settings.DATA_DIR, people=options["people"], progress=self.stderr.write)
        self._print_accounts(accounts)
        if not options["no_serve"]:
            # The demo is the whole system: a task worker beside the web server screens new reports.
            # It shares the terminal's process group, so Ctrl+C stops it with the server.
            worker = subprocess.Popen([sys.executable, "-m", "tiaki.cli", "worker"])
            self.stderr.write(f"task worker started (pid {worker.pid})")
            call_command("serve", host=options["host"], port=options["port"])

    def _print_accounts(self, accounts: list[Any]) -> None:
        self.stdout.write("\nDemo accounts (one per role). Sign in with the password, then the six-digit")
        self.stdout.write(
            "code: add the TOTP key to an authenticator app, or run `tiaki otp-code USERNAME`.\n"
        )
        header = f"{'username':<20} {'password':<32} {'role':<26} {'organisation':<12} TOTP key"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for a in accounts:
            self.stdout.write(
                f"{a.username:<20} {a.password:<32} {a.role:<26} {a.organisation:<12} {a.totp_secret}"
            )
        self.stdout.write("")
