"""Synthetic world generator: realistic multilingual people, networks, reports and their ground truth."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tiaki.world.generator import WorldSummary, generate

__all__ = ["WorldSummary", "generate"]


def __getattr__(name: str) -> Any:
    # Imported lazily so loading the Django app does not pull in numpy for every request or command.
    if name in __all__:
        from tiaki.world import generator

        return getattr(generator, name)
    raise AttributeError(name)
