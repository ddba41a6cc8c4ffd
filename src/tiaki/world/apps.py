"""Django app configuration for the synthetic world generator."""

from django.apps import AppConfig


class WorldConfig(AppConfig):
    name = "tiaki.world"
    label = "world"
    verbose_name = "Synthetic world"
