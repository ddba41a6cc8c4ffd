"""URLs of the shared web layer."""

from django.urls import path

from tiaki.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
]
