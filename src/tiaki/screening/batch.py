"""Screening many narratives from JSON Lines input, one result or error object per input line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from tiaki.screening.detector import BATCH_SIZE, ScreeningInputError, detect, detect_many

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


def screen_text(text: str, *, lang: str | None, item_id: Any = None, explain: bool = False) -> dict[str, Any]:
    """One contract object for one text: the result, or {"id", "error"} when it cannot be screened.
    `explain`: also name what the text model set aside (detect's `explain`)."""
    try:
        result = detect(text, lang, explain=explain)
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


def screen_jsonl(
    lines: Iterable[bytes], *, default_lang: str | None = None, explain: bool = False
) -> Iterator[dict[str, Any]]:
    """Screen `{"id", "text", "lang"?}` lines; blank lines are skipped, bad lines yield an error object.

    Lines are screened in batches (detect_many, faster in bulk); objects come out in the input's order.
    `explain` as for screen_text.
    """
    pending: list[dict[str, Any] | tuple[int, Any, str, str | None]] = []
    for line_no, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            item_id, text, lang = _parse_line(raw, line_no)
        except ScreeningInputError as exc:
            pending.append({"id": _id_of_bad_line(raw), "line": line_no, "error": str(exc)})
        else:
            pending.append((line_no, item_id, text, lang or default_lang))
        if len(pending) >= BATCH_SIZE:
            yield from _screen_pending(pending, explain)
            pending = []
    yield from _screen_pending(pending, explain)


def _id_of_bad_line(raw: bytes) -> Any:
    """The id of a line that did not parse, when it parsed far enough to have one (so callers can match
    errors to their input)."""
    try:
        candidate = json.loads(raw.decode("utf-8", errors="replace"))
    except (ValueError, UnicodeDecodeError):
        return None
    return candidate.get("id") if isinstance(candidate, dict) else None


def _screen_pending(
    pending: list[dict[str, Any] | tuple[int, Any, str, str | None]], explain: bool
) -> Iterator[dict[str, Any]]:
    """The contract objects of parsed lines and the error objects of bad ones, in order."""
    parsed = [item for item in pending if isinstance(item, tuple)]
    results = detect_many(((text, lang) for _line_no, _id, text, lang in parsed), explain=explain)
    for item in pending:
        if isinstance(item, dict):
            yield item
            continue
        line_no, item_id, _text, _lang = item
        result = next(results)
        if isinstance(result, ScreeningInputError):
            yield {"id": item_id, "line": line_no, "error": f"line {line_no}: {result}"}
        else:
            yield {"id": item_id, **result.as_dict()}
