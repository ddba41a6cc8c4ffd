"""URLs for intelligence."""

from django.urls import path  # noqa: F401 - pages are added as they are built

app_name = "intelligence"
urlpatterns: list = []
