"""Reading contract CSV files strictly (clear errors with line numbers) and writing them atomically."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

import pandas as pd

# Larger fields are not names or addresses: they are a broken file (an unclosed quote) or an attack.
MAX_FIELD_BYTES = 64 * 1024


class InputFileError(ValueError):
    """A problem with an input file, naming the file and the line."""


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_contract_csv(
    path: Path, *, required: Sequence[str] = ("id",), known: Sequence[str] = ()
) -> pd.DataFrame:
    """Read a UTF-8 CSV with a header: unknown columns dropped, missing optional columns allowed."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise InputFileError(f"{path}:1: the file is UTF-16 (or binary); save it as UTF-8 CSV")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{path}:{_line_of(data, exc.start)}: not valid UTF-8 (is it Latin-1 or another legacy encoding?)"
        ) from exc
    if not text.strip():
        raise InputFileError(f"{path}:1: the file is empty; a header row with an 'id' column is required")
    previous_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD_BYTES)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            header = [h.strip() for h in next(reader)]
        except csv.Error as exc:
            raise InputFileError(f"{path}:1: malformed header: {exc}") from exc
        missing = [c for c in required if c not in header]
        if missing:
            raise InputFileError(f"{path}:1: missing required column(s) {', '.join(missing)} in the header")
        wanted = [c for c in header if not known or c in known]
        positions = {c: header.index(c) for c in wanted}
        columns: dict[str, list[str]] = {c: [] for c in wanted}
        line = 1
        try:
            for row in reader:
                line = reader.line_num
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if len(row) != len(header):
                    raise InputFileError(
                        f"{path}:{line}: expected {len(header)} fields as in the header, found {len(row)}"
                    )
                for c, i in positions.items():
                    columns[c].append(row[i])
        except csv.Error as exc:
            raise InputFileError(f"{path}:{reader.line_num or line}: malformed CSV: {exc}") from exc
    finally:
        csv.field_size_limit(previous_limit)
    frame = pd.DataFrame(columns, dtype=str)
    if "id" in frame.columns:
        ids = frame["id"].str.strip()
        blank = ids.eq("")
        if blank.any():
            raise InputFileError(f"{path}:{_data_line(text, int(blank.to_numpy().argmax()))}: empty id")
        dup = ids.duplicated()
        if dup.any():
            first = int(dup.to_numpy().argmax())
            raise InputFileError(f"{path}:{_data_line(text, first)}: duplicate id {ids.iloc[first]!r}")
        frame["id"] = ids
    return frame


def _data_line(text: str, row_index: int) -> int:
    """Physical line number of a data row (rows may span lines inside quotes)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    for i, _row in enumerate(reader):
        if i == row_index:
            return reader.line_num
    return row_index + 2


def write_atomically(path: Path, write: Callable[[TextIO], object]) -> None:
    """Write UTF-8 text to a temporary file beside path, flush it to disk, then rename: readers (and a
    process killed half-way) never leave or see half a file."""
    directory = path.resolve().parent
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_csv_atomically(frame: pd.DataFrame, path: Path) -> None:
    """Write a frame as UTF-8 CSV atomically (see write_atomically)."""
    # Python 3.11's csv writer quotes "\n" but not a lone "\r", which readers take as a line break:
    # a value holding one (text pasted from old Mac or Windows files) would split its row in two.
    bare_cr = any(frame[c].astype(str).str.contains("\r", regex=False).any() for c in frame.columns)
    write_atomically(
        path,
        lambda out: frame.to_csv(out, index=False, quoting=csv.QUOTE_ALL if bare_cr else csv.QUOTE_MINIMAL),
    )
