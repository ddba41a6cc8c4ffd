"""App configuration for the API."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tiaki.api"
    label = "api"
    verbose_name = "API"
