"""Whether the text model trains on a spent set and whether chosen thresholds replace the packaged ones:
the rules of benchmarks/screening_model_validation and screening_types_validation."""

from __future__ import annotations

from typing import Any

from .project_modules import project_module


def _module() -> Any:
    return project_module("benchmarks", "screening_model_validation")


def test_judged_points_are_those_from_c_that_do_not_read_the_set() -> None:
    module = _module()
    points = module.train_check_points("fresh43")
    # fresh43 is W's test set and a validation set of X and Y: those are left out, every other
    # single-letter point from C on is in (Z, whose sets came after it, too).
    assert points == [*"CDEFGHIJKLMNOPQRSTUV", "Z"]
    # fresh41 is U's test set and a validation set of V and W.
    assert set(module.train_check_points("fresh41")).isdisjoint({"U", "V", "W", "A", "B", "E2", "F2"})
    assert "T" in module.train_check_points("fresh41")
    for name in module.train_check_points("fresh41"):
        test, validation = module.POINTS[name]
        assert "fresh41" not in {test[0], *(split for split, _ in validation)}


def test_points_after_z_are_judged_in_the_registers_order(monkeypatch: Any) -> None:
    """The point after Z is AA: judged after Z (not before C, where its name would sort), and the points
    that repeat another (E2, F2) still are not."""
    module = _module()
    later = {"AA": (("fresh47", "6d36932"), (("fresh45", "6d36932"), ("fresh46", "6d36932")))}
    monkeypatch.setattr(module, "POINTS", {**module.POINTS, **later})
    points = module.train_check_points("fresh43")
    assert points[0] == "C" and points[-2:] == ["Z", "AA"]
    assert not {"A", "B", "E2", "F2"} & set(points)
    assert "AA" not in module.train_check_points("fresh46")  # a validation set of AA


def test_trains_only_on_a_gain_of_at_least_the_minimum_with_no_rise_in_false_positives() -> None:
    trains_on = _module().trains_on
    assert trains_on((0.9148, 0.0102), (0.9138, 0.0112))  # +0.0010, fewer false positives
    assert trains_on((0.9148, 0.0112), (0.9138, 0.0112))  # false positives the same
    assert not trains_on((0.9146, 0.0102), (0.9138, 0.0112))  # +0.0008: fresh43's run
    assert not trains_on((0.9160, 0.0113), (0.9138, 0.0112))  # a gain, but more false positives
    assert not trains_on((0.9162, 0.0090), (0.9169, 0.0090))  # a fall: fresh42 at C-K


def test_packaged_thresholds_give_way_only_to_a_minimum_gain_or_to_meet_the_false_positive_target() -> None:
    changes = _module().changes_thresholds
    assert changes({"F1": 0.9130, "FP": 0.010}, {"F1": 0.9120, "FP": 0.010})  # +0.0010
    assert not changes({"F1": 0.9125, "FP": 0.010}, {"F1": 0.9120, "FP": 0.010})  # a flat choice
    assert not changes({"F1": 0.9100, "FP": 0.010}, {"F1": 0.9120, "FP": 0.010})
    # Packaged thresholds that miss the 5% target give way to ones that meet it, whatever the F1.
    assert changes({"F1": 0.9000, "FP": 0.040}, {"F1": 0.9120, "FP": 0.060})
    assert not changes({"F1": 0.9300, "FP": 0.070}, {"F1": 0.9120, "FP": 0.060})


def test_packaged_type_thresholds_give_way_only_to_a_minimum_gain() -> None:
    changes = project_module("benchmarks", "screening_types_validation").changes_types
    assert changes(0.9290, 0.9280)  # +0.0010
    assert not changes(0.92849, 0.9280)  # +0.0005 once rounded: a flat choice
    assert not changes(0.9270, 0.9280)
