"""URLs for community: the public portal at the language root, and the staff pages for tips and directory."""

from django.urls import path

from tiaki.community import views

app_name = "community"
urlpatterns = [
    path("", views.home, name="home"),
    path("learn/", views.learn_page, name="learn"),
    path("learn/signs/", views.signs, name="signs"),
    path("report/", views.report, name="report"),
    path("report/receipt/", views.receipt, name="receipt"),
    path("self-check/", views.self_check, name="self_check"),
    path("help/", views.get_help, name="help"),
    path("help-others/", views.help_others, name="help_others"),
    path("passport/", views.passport_page, name="passport"),
    path("passport/open/", views.passport_open, name="passport_open"),
    path("today/", views.neutral, name="today"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("tips/", views.tip_inbox, name="tip_inbox"),
    path("tips/<int:report_id>/", views.tip_thread, name="tip_thread"),
    path("tips/photos/<int:photo_id>/", views.tip_photo, name="tip_photo"),
    path("directory/manage/", views.directory_manage, name="directory_manage"),
]
