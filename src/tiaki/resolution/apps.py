"""Django application configuration for entity resolution."""

from django.apps import AppConfig


class ResolutionConfig(AppConfig):
    name = "tiaki.resolution"
    label = "resolution"
    verbose_name = "Entity resolution"
