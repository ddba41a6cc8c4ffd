"""App configuration for community."""

from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "tiaki.community"
    label = "community"
    verbose_name = "Community"
