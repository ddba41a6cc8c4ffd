"""App configuration for programmes."""

from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "tiaki.programmes"
    label = "programmes"
    verbose_name = "Programmes"

    def ready(self) -> None:
        from tiaki.programmes import rules  # noqa: F401 - registers policy rules
