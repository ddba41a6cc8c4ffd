"""App configuration for cases."""

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tiaki.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from tiaki.cases import rules  # noqa: F401 - registers policy rules
