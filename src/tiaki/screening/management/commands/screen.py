"""`tiaki screen`: screen text from stdin, or a JSON Lines file, for trafficking indicators."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tiaki.screening.batch import decode_text, screen_jsonl, screen_text
from tiaki.screening.detector import ScreeningInputError


class Command(BaseCommand):
    help = (
        "Screen a narrative on stdin (prints one JSON object) or a JSON Lines file of "
        '{"id", "text", "lang"?} (prints one JSON object per line) for ILO trafficking indicators.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lang", default="auto", help="ISO 639 code of the text, or auto (default)")
        parser.add_argument("--input", help="JSON Lines file to screen ('-' reads JSON Lines from stdin)")
        parser.add_argument(
            "--explain",
            action="store_true",
            help=(
                "also name the indicators the rules found and the text model set aside (set_aside; "
                "without it null where the model reviewed the text: the rules are not asked, which is faster)"
            ),
        )

    def _emit(self, obj: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(obj, ensure_ascii=False), ending="\n")

    def handle(self, *args: Any, **options: Any) -> None:
        lang = None if options["lang"] in (None, "", "auto") else options["lang"]
        path, explain = options["input"], options["explain"]
        if path:
            self._screen_file(path, lang, explain)
            return
        stdin = options.get("stdin") or sys.stdin
        raw = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read()
        try:
            text = raw if isinstance(raw, str) else decode_text(raw)
        except ScreeningInputError as exc:
            self._emit({"id": None, "error": str(exc)})
            raise CommandError(str(exc), returncode=1) from exc
        result = screen_text(text, lang=lang, explain=explain)
        self._emit(result)
        if "error" in result:
            raise CommandError(result["error"], returncode=1)

    def _screen_file(self, path: str, lang: str | None, explain: bool) -> None:
        if path == "-":
            for result in screen_jsonl(sys.stdin.buffer, default_lang=lang, explain=explain):
                self._emit(result)
            return
        try:
            handle = open(path, "rb")
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        with handle:
            for result in screen_jsonl(handle, default_lang=lang, explain=explain):
                self._emit(result)
