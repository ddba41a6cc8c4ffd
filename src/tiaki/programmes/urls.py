"""URLs for prevention programmes."""

from django.urls import path

from tiaki.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.index, name="index"),
    path("frontline-course/", views.lessons, name="lessons"),
    path("campaign-kit/", views.campaign_kit, name="campaign_kit"),
    path("campaign-kit/<str:language>/poster.pdf", views.campaign_kit_poster, name="campaign_kit_poster"),
    path("campaign-kit/<str:language>/<slug:kind>.png", views.campaign_kit_image, name="campaign_kit_image"),
    path("partnerships/", views.partnership_list, name="partnership_list"),
    path("partnerships/new/", views.partnership_create, name="partnership_create"),
    path("partnerships/<int:partnership_id>/", views.partnership_detail, name="partnership_detail"),
    path("partnerships/<int:partnership_id>/agreements/", views.agreement_add, name="agreement_add"),
    path("partnerships/<int:partnership_id>/contacts/", views.contact_add, name="contact_add"),
    path("partnerships/<int:partnership_id>/activities/", views.activity_add, name="activity_add"),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path(
        "campaigns/<int:campaign_id>/metrics/", views.campaign_metrics_import, name="campaign_metrics_import"
    ),
    path("courses/", views.course_list, name="course_list"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<int:course_id>/", views.course_detail, name="course_detail"),
    path("courses/<int:course_id>/sessions/", views.session_create, name="session_create"),
    path("sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/participants/", views.participant_enrol, name="participant_enrol"),
    path("participants/<int:participant_id>/test/", views.knowledge_test, name="knowledge_test"),
    path("participants/<int:participant_id>/certificate.pdf", views.certificate, name="certificate"),
]
