"""`tiaki resolve` and `tiaki watchlist-screen`: the command-line contract and bad input."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.resolution.conftest import people_mentions

HEADER = "id,source,name,dob,gender,nationality,phone,email,id_number,address\n"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_resolve_writes_id_cluster_id(tmp_path: Path) -> None:
    source = _write(
        tmp_path / "in.csv",
        "id,name,dob,phone,source,unknown_column\n"
        "a,Trần Văn Hùng,1984-08-25,0987 654 321,VN,x\n"
        "b,HUNG TRAN VAN,25/08/1984,+84 987 654 321,MY,y\n"
        "c,วิชัย บุญมี,1990,,TH,z\n"
        "d,Wichai Boonmee,1990,,TH,z\n"
        "e,Malee Jaidee,1975-01-02,,TH,z\n",
    )
    out = tmp_path / "clusters.csv"
    call_command("resolve", str(source), "--out", str(out), verbosity=0)
    rows = _rows(out)
    assert list(rows[0]) == ["id", "cluster_id"]
    assert [(r["id"], r["cluster_id"]) for r in rows] == [
        ("a", "a"),
        ("b", "a"),
        ("c", "c"),
        ("d", "c"),
        ("e", "e"),
    ]


def test_resolve_accepts_bom_and_missing_optional_columns(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.csv", "\ufeffid,name\n1,Aung Min\n2,MIN AUNG\n")
    out = tmp_path / "clusters.csv"
    call_command("resolve", str(source), "--out", str(out), verbosity=0)
    assert [r["cluster_id"] for r in _rows(out)] == ["1", "1"]


def test_resolve_save_model_and_apply_it(tmp_path: Path) -> None:
    mentions = people_mentions(240).drop(columns="person")
    source = tmp_path / "in.csv"
    mentions.to_csv(source, index=False)
    first, second, model = tmp_path / "1.csv", tmp_path / "2.csv", tmp_path / "model.json"
    call_command("resolve", str(source), "--out", str(first), "--save-model", str(model), verbosity=0)
    call_command("resolve", str(source), "--out", str(second), "--model", str(model), verbosity=0)
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")


def test_watchlist_screen_contract(tmp_path: Path) -> None:
    watchlist = _write(
        tmp_path / "w.csv", "id,name,dob,nationality\nW1,วิชัย บุญมี,1990-03-14,TH\nW2,Aung Min,,MM\n"
    )
    records = _write(
        tmp_path / "r.csv",
        "id,name,dob,nationality,phone\n"
        "R1,Wichai Boonmee,14/03/1990,Thailand,\nR2,Malee Jaidee,1975,TH,\nR3,U Aung Min,,Myanmar,\n",
    )
    out = tmp_path / "hits.csv"
    call_command(
        "watchlist_screen",
        "--watchlist",
        str(watchlist),
        "--records",
        str(records),
        "--out",
        str(out),
        verbosity=0,
    )
    rows = _rows(out)
    assert list(rows[0]) == ["record_id", "watchlist_id", "score", "reasons"]
    assert [(r["record_id"], r["watchlist_id"]) for r in rows] == [("R1", "W1"), ("R3", "W2")]
    assert rows[0]["reasons"] == "name≈ (translit/spelling), dob exact, nationality exact"
    assert float(rows[0]["score"]) > 0.99


@pytest.mark.parametrize(
    ("content", "encoding", "message"),
    [
        (HEADER + "1,TH,Malée,,,,,,,\n", "latin-1", "in.csv:2: not valid UTF-8"),
        (HEADER + "1,TH,Malee,,,,,,,\n", "utf-16", "in.csv:1: the file is UTF-16"),
        ("name,dob\nMalee,1990\n", "utf-8", "in.csv:1: missing required column(s) id"),
        (HEADER + '1,TH,Malee,,,,,,,\n2,TH,"Somchai,,,,,,,\n', "utf-8", "in.csv:3: malformed CSV"),
        (HEADER + "1,TH,Malee,,,,,,,\n2,TH,Somchai\n", "utf-8", "in.csv:3: expected 10 fields"),
        (HEADER + "1,TH,Malee,,,,,,,\n1,TH,Somchai,,,,,,,\n", "utf-8", "in.csv:3: duplicate id '1'"),
        (HEADER + "1,TH,Malee,,,,,,,\n,TH,Somchai,,,,,,,\n", "utf-8", "in.csv:3: empty id"),
        (
            HEADER + "1,TH," + "x" * (10 * 1024 * 1024) + ",,,,,,,\n",
            "utf-8",
            "in.csv:2: malformed CSV: field larger",
        ),
        ("", "utf-8", "in.csv:1: the file is empty"),
    ],
    ids=[
        "latin-1",
        "utf-16",
        "no-id",
        "unclosed-quote",
        "short-row",
        "duplicate-id",
        "empty-id",
        "10MB-field",
        "empty",
    ],
)
def test_bad_input_names_the_line_and_writes_nothing(
    tmp_path: Path, content: str, encoding: str, message: str
) -> None:
    source = _write(tmp_path / "in.csv", content, encoding)
    out = tmp_path / "clusters.csv"
    with pytest.raises(CommandError) as error:
        call_command("resolve", str(source), "--out", str(out), verbosity=0)
    assert message in str(error.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_watchlist_bad_records_file_writes_nothing(tmp_path: Path) -> None:
    watchlist = _write(tmp_path / "w.csv", "id,name\nW1,Aung Min\n")
    records = _write(tmp_path / "r.csv", "id,name\nR1,Aung Min\n", encoding="utf-16")
    out = tmp_path / "hits.csv"
    with pytest.raises(CommandError, match=r"r\.csv:1: the file is UTF-16"):
        call_command(
            "watchlist_screen", "--watchlist", str(watchlist), "--records", str(records), "--out", str(out)
        )
    assert not out.exists()
