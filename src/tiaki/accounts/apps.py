"""App configuration for accounts."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tiaki.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from tiaki.accounts import rules  # noqa: F401 - registers policy rules
