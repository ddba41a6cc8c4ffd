from __future__ import annotations

import gc
import weakref

import pytest

from tiaki.collector import cycle_collection_paused


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_collector_paused_inside_and_restored_after_even_on_error() -> None:
    was = gc.isenabled()
    try:
        gc.enable()
        with pytest.raises(RuntimeError), cycle_collection_paused():
            assert not gc.isenabled()
            raise RuntimeError("boom")
        assert gc.isenabled()
        gc.disable()
        with cycle_collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # a collector paused by the caller stays paused
    finally:
        (gc.enable if was else gc.disable)()


def test_cycles_made_while_paused_are_collected_on_leaving_when_asked() -> None:
    was = gc.isenabled()
    gc.enable()
    try:

        @cycle_collection_paused(collect_after=True)
        def make_cycle() -> weakref.ref[_Node]:
            a, b = _Node(), _Node()
            a.other, b.other = b, a
            return weakref.ref(a)

        ref = make_cycle()
        assert ref() is None
    finally:
        (gc.enable if was else gc.disable)()
