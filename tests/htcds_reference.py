"""Reads the HTCDS v2.0 field standard from ../shared/reference (tests only; the file is never copied in)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "htcds"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


@dataclass(frozen=True)
class Field:
    name: str  # with prefix, e.g. vic_TraffickingStatus
    field_type: str
    values: tuple[str, ...]


def _rows(path: Path) -> list[list[str]]:
    root = ET.fromstring(zipfile.ZipFile(path).read("content.xml"))  # noqa: S314
    table = next(root.iter(f"{_TABLE}table"))
    rows = []
    for row in table.iter(f"{_TABLE}table-row"):
        cells: list[str] = []
        for cell in row.findall(f"{_TABLE}table-cell"):
            repeat = min(int(cell.get(f"{_TABLE}number-columns-repeated", "1")), 20)
            text = "\n".join("".join(p.itertext()) for p in cell.findall(f"{_TEXT}p"))
            cells.extend([text] * repeat)
        rows.append(cells)
    return rows


@cache
def fields() -> dict[str, Field]:
    path = REFERENCE / "HTCDS_Field_Standards_2.0.ods"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: the HTCDS reference lives in ../shared beside the repo")
    header, *body = _rows(path)
    index = {
        name: header.index(name)
        for name in ("Field Name including Prefix", "Field Type", "Value Names (if picklist)")
    }
    found = {}
    for row in body:
        if len(row) <= index["Value Names (if picklist)"] or not row[index["Field Name including Prefix"]]:
            continue
        name = row[index["Field Name including Prefix"]].strip()
        values = tuple(v.strip() for v in row[index["Value Names (if picklist)"]].splitlines() if v.strip())
        found[name] = Field(name, row[index["Field Type"]].strip(), values)
    return found
