"""The data files a partner edits are checked: a broken file names itself and the field at fault."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tiaki.world.data import DATA_DIR, ILO_CODES, NARRATIVE_LANGUAGES, WorldDataError, load_world_data


def test_packaged_data_loads_and_covers_every_language_and_indicator() -> None:
    data = load_world_data()
    assert set(NARRATIVE_LANGUAGES) <= set(data.narratives)
    for lang in NARRATIVE_LANGUAGES:
        narratives = data.narratives[lang]
        assert set(narratives.indicators) == set(ILO_CODES), lang
        assert narratives.negations, lang
        assert set(narratives.countries) == set(data.countries), lang
    assert set(data.cultures) == {"vi", "th", "my", "ksw", "ms", "ta_my", "ta_lk", "si", "id", "nz"}
    assert {route["id"] for route in data.routes} >= {"VN-KH-TH-MY", "MM-TH", "ID-MY", "LK-MY"}


def test_thai_names_carry_a_romanisation() -> None:
    thai = load_world_data().cultures["th"]
    assert {p.name: p.latin for p in thai.given}["สมชาย"] == "Somchai"
    assert all(p.latin.isascii() for p in thai.given + thai.family + thai.nicknames)


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.mark.parametrize(
    ("path", "old", "new", "message"),
    [
        (
            "names/vi/family.csv",
            "Nguyễn,Nguyen,Nguyen|Ngyuen|Nguyên|Nguen|Nguyến,38.4",
            "Nguyễn,Nguyen,Nguyen,many",
            "names/vi/family.csv line 2: weight must be a number",
        ),
        (
            "countries/VN.toml",
            "groups = [3, 3, 3]",
            "groups = [3, 3]",
            "countries/VN.toml: phone groups must add up to the length",
        ),
        (
            "narratives/en.yaml",
            "  debt_bondage:",
            "  debt_bondge:",
            "narratives/en.yaml: unknown indicator code 'debt_bondge'",
        ),
        (
            "narratives/vi.yaml",
            "{victim} đã không",
            "{worker} đã không",
            "narratives/vi.yaml: unknown placeholder '{worker}'",
        ),
        (
            "partnership.yaml",
            "org_type: school_shelter",
            "org_type: shelter",
            "partnership.yaml TH-SCH-MST: org_type must be one of",
        ),
        (
            "routes.yaml",
            "path: [ID, MY]",
            "path: [ID, XX]",
            "routes.yaml route ID-MY: path needs two or more known countries",
        ),
        (
            "rates.toml",
            "typo_rate = 0.08",
            "typo_rate = 8",
            "rates.toml mentions.typo_rate: a rate must be a number from 0 to 1",
        ),
        (
            "names/th/meta.toml",
            'order = "given_first"',
            'order = "first_given"',
            "names/th/meta.toml: order must be",
        ),
    ],
)
def test_a_broken_data_file_is_named(tmp_path: Path, path: str, old: str, new: str, message: str) -> None:
    root = _copy(tmp_path)
    target = root / path
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(WorldDataError) as excinfo:
        load_world_data(root)
    assert str(excinfo.value).startswith(message)


def test_a_partner_can_add_a_country_without_python(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    lao = (root / "countries" / "LA.toml").read_text(encoding="utf-8")
    (root / "countries" / "LA.toml").write_text(
        lao.replace("cultures = {}", "cultures = { th = 1.0 }"), "utf-8"
    )
    rates = (root / "rates.toml").read_text(encoding="utf-8")
    (root / "rates.toml").write_text(rates.replace("NZ = 0.08 }", "NZ = 0.08, LA = 0.05 }"), encoding="utf-8")
    data = load_world_data(root)
    assert data.rates["population"]["nationality"]["LA"] == 0.05
