"""App configuration for intelligence."""

from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "tiaki.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence"

    def ready(self) -> None:
        from tiaki.intelligence import rules  # noqa: F401 - registers policy rules
