"""Django application configuration for entity resolution."""

from django.apps import AppConfig


class ResolutionConfig(AppConfig):
    name = "tiaki.resolution"
    label = "resolution"
    verbose_name = "Entity resolution"

    def ready(self) -> None:
        from tiaki.resolution import rules, watchlist_rules  # noqa: F401 - registers policy rules
