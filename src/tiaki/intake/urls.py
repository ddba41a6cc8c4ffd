"""URLs for the triage queue and reports."""

from django.urls import path

from tiaki.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("new/", views.report_new, name="report_new"),
    path("<int:report_id>/", views.report_detail, name="report_detail"),
]
