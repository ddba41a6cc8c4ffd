"""Screening many narratives from JSON Lines input, one result or error object per input line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from tiaki.screening.detector import ScreeningInputError, detect

# A single stdin document bigger than this is refused before decoding (4x the detector's char limit
# covers any UTF-8 encoding of an accepted text).
MAX_INPUT_BYTES = 16 * 1024 * 1024


def decode_text(data: bytes) -> str:
    """Decode UTF-8 input (a leading BOM is dropped); raise ScreeningInputError naming the bad byte."""
    if len(data) > MAX_INPUT_BYTES:
        raise ScreeningInputError(f"input is {len(data)} bytes; the limit is {MAX_INPUT_BYTES}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScreeningInputError(f"input is not valid UTF-8 (bad byte at offset {exc.start})") from exc


def screen_text(text: str, *, lang: str | None, item_id: Any = None) -> dict[str, Any]:
    """One contract object for one text: the result, or {"id", "error"} when it cannot be screened."""
    try:
        result = detect(text, lang)
    except ScreeningInputError as exc:
        return {"id": item_id, "error": str(exc)}
    return {"id": item_id, **result.as_dict()}


def _parse_line(raw: bytes, line_no: int) -> tuple[Any, str, str | None]:
    try:
        line = raw.decode("utf-8-sig" if line_no == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        raise ScreeningInputError(
            f"line {line_no}: not valid UTF-8 (bad byte at offset {exc.start})"
        ) from exc
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ScreeningInputError(
            f"line {line_no}: not valid JSON ({exc.msg} at column {exc.colno})"
        ) from exc
    if not isinstance(item, dict):
        raise ScreeningInputError(f"line {line_no}: expected a JSON object with id and text")
    text, lang = item.get("text"), item.get("lang")
    if not isinstance(text, str):
        raise ScreeningInputError(f"line {line_no}: text must be a string")
    if lang is not None and not isinstance(lang, str):
        raise ScreeningInputError(f"line {line_no}: lang must be a string or absent")
    return item.get("id"), text, lang


def screen_jsonl(lines: Iterable[bytes], *, default_lang: str | None = None) -> Iterator[dict[str, Any]]:
    """Screen `{"id", "text", "lang"?}` lines; blank lines are skipped, bad lines yield an error object."""
    for line_no, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        item_id: Any = None
        try:
            item_id, text, lang = _parse_line(raw, line_no)
        except ScreeningInputError as exc:
            # The id is echoed when the line parsed far enough to have one, so callers can match errors.
            try:
                candidate = json.loads(raw.decode("utf-8", errors="replace"))
                item_id = candidate.get("id") if isinstance(candidate, dict) else None
            except (ValueError, UnicodeDecodeError):
                item_id = None
            yield {"id": item_id, "line": line_no, "error": str(exc)}
            continue
        result = screen_text(text, lang=lang or default_lang, item_id=item_id)
        if "error" in result:
            result = {"id": item_id, "line": line_no, "error": f"line {line_no}: {result['error']}"}
        yield result
