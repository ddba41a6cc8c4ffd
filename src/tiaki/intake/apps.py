"""App configuration for intake."""

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "tiaki.intake"
    label = "intake"
    verbose_name = "Intake"

    def ready(self) -> None:
        from tiaki.intake import rules  # noqa: F401 - registers policy rules
