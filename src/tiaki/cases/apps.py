"""App configuration for cases."""

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tiaki.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from tiaki.cases import files, rules  # noqa: F401 - registers policy rules
        from tiaki.governance.crypto import ROTATION_HOOKS

        ROTATION_HOOKS["cases.attachment files"] = files.rotate
