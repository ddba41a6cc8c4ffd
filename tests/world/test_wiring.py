"""How networks are wired: cells that only brokers join, reports that stay true, and a wiring drawn from a
random stream of its own (people, mentions, reports and narratives do not change with it)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from tiaki.world import generate
from tiaki.world.data import load_world_data

from .conftest import World
from .test_determinism import _digest

HEADS = ("recruiter", "transporter", "forger", "employer")


def _by_network(world: World) -> dict[str, dict[str, list[str]]]:
    networks: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in world.csv("ground_truth/entity_network.csv"):
        networks[row["network_id"]][row["role"]].append(row["entity_id"])
    return networks


def test_only_brokers_join_the_cells(world: World) -> None:
    networks = _by_network(world)
    role = {e: r for roles in networks.values() for r, ids in roles.items() for e in ids}
    links: dict[str, set[tuple[str, str]]] = defaultdict(set)  # entity -> (other end, relation type)
    for row in world.csv("relations.csv"):
        links[row["src_entity_id"]].add((row["dst_entity_id"], row["relation_type"]))
        links[row["dst_entity_id"]].add((row["src_entity_id"], row["relation_type"]))
    checked = 0
    for roles in networks.values():
        brokers = set(roles.get("broker", []))
        if not brokers or not roles.get("leader"):
            continue
        checked += 1
        for head in (e for r in HEADS for e in roles.get(r, [])):
            members = {other for other, _kind in links[head] if role.get(other) not in (None, "victim")}
            # A head knows one broker and no other head, nor the leader; the broker pays them (or is paid).
            assert len(members) == 1 and members <= brokers, (head, members)
        for broker in brokers:
            assert (roles["leader"][0], "works_for") in links[broker]
        for victim in roles["victim"]:
            kinds = defaultdict(set)
            for other, kind in links[victim]:
                kinds[kind].add(other)
            assert kinds["brokered"] == brokers
            assert len(kinds["recruited"]) >= 1 and kinds["recruited"] <= set(roles["recruiter"])
            assert len(kinds["employed"]) >= 1 and kinds["employed"] <= set(roles.get("employer", []))
        recruited = defaultdict(set)
        for victim in roles["victim"]:
            for other, kind in links[victim]:
                if kind == "recruited":
                    recruited[other].add(victim)
        if len(roles["recruiter"]) > 1 and len(recruited) > 1:
            # Cells: not every recruiter recruited every victim (the old wiring linked everyone to everyone).
            assert any(len(cell) < len(roles["victim"]) for cell in recruited.values())
    assert checked > 5


def test_every_evidenced_link_is_named_by_its_report(world: World) -> None:
    entity_of = {t["mention_id"]: t["entity_id"] for t in world.csv("ground_truth/mention_entity.csv")}
    mentioned: dict[str, set[str]] = defaultdict(set)
    for mention in world.csv("mentions.csv"):
        mentioned[mention["report_id"]].add(entity_of[mention["id"]])
    evidenced = [r for r in world.csv("relations.csv") if r["report_id"]]
    assert len(evidenced) > 100
    for row in evidenced:
        assert {row["src_entity_id"], row["dst_entity_id"]} <= mentioned[row["report_id"]], row


def test_the_wiring_changes_nothing_but_the_relations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(3000, 7, tmp_path / "a", chunk_size=1500)
    wiring = load_world_data().rates["wiring"]
    monkeypatch.setitem(wiring, "forged_documents_rate", 0.0 if wiring["forged_documents_rate"] else 1.0)
    generate(3000, 7, tmp_path / "b", chunk_size=1500)
    for directory in ("a", "b"):
        (tmp_path / directory / "relations.csv").rename(tmp_path / f"relations-{directory}.csv")
        (tmp_path / directory / "summary.json").unlink()
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert (tmp_path / "relations-a.csv").read_bytes() != (tmp_path / "relations-b.csv").read_bytes()
