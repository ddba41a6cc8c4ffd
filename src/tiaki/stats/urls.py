"""URLs for statistics."""

from django.urls import path

from tiaki.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.index, name="index"),
    path("reports-and-cases/", views.reports_cases, name="reports_cases"),
    path("indicators/", views.indicators, name="indicators"),
    path("referrals/", views.referrals, name="referrals"),
    path("returns/", views.returns, name="returns"),
    path("outreach/", views.outreach, name="outreach"),
    path("training/", views.training, name="training"),
    path("releases/", views.export_page, name="exports"),
    path("releases/download/", views.export_download, name="export_download"),
    path("dp/", views.dp_releases, name="dp_releases"),
    path("dp/<int:release_id>/", views.dp_release_detail, name="dp_release_detail"),
]
