"""App configuration for community."""

from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "tiaki.community"
    label = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        from tiaki.community import rules  # noqa: F401 - registers policy rules
