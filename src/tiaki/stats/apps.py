"""App configuration for stats."""

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "tiaki.stats"
    label = "stats"
    verbose_name = "Stats"
