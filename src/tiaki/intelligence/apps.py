"""App configuration for intelligence."""

from django.apps import AppConfig


class IntelligenceConfig(AppConfig):
    name = "tiaki.intelligence"
    label = "intelligence"
    verbose_name = "Intelligence"
