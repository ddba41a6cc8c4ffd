"""App configuration for the shared web layer."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tiaki.web"
    label = "web"
    verbose_name = "Web"
