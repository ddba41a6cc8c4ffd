"""App configuration for stats."""

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "tiaki.stats"
    label = "stats"
    verbose_name = "Stats"

    def ready(self) -> None:
        from tiaki.stats import rules  # noqa: F401 - registers policy rules
