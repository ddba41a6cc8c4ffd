"""URLs for intelligence."""

from django.urls import path

from tiaki.intelligence import views

app_name = "intelligence"
urlpatterns = [
    path("", views.record_list, name="records"),
    path("records/new/", views.record_create, name="record_create"),
    path("records/<int:record_id>/", views.record_detail, name="record_detail"),
    path("records/<int:record_id>/release/", views.record_release, name="record_release"),
    path("records/<int:record_id>/entities/", views.record_entity_add, name="record_entity_add"),
    path("records/<int:record_id>/links/", views.record_link_add, name="record_link_add"),
    path("entities/", views.entity_list, name="entities"),
    path("entities/<int:entity_id>/", views.entity_detail, name="entity_detail"),
    path("entities/<int:entity_id>/graph.json", views.entity_graph, name="entity_graph"),
    path("entities/<int:entity_id>/watch/", views.entity_watch, name="entity_watch"),
    path("entities/<int:entity_id>/unwatch/", views.entity_unwatch, name="entity_unwatch"),
    path("networks/", views.networks, name="networks"),
    path("networks/analyse/", views.analytics_start, name="analytics_start"),
    path("networks/progress/", views.analytics_progress, name="analytics_progress"),
    path("networks/path/", views.path, name="path"),
    path("networks/overview.json", views.overview_json, name="overview_json"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/read/", views.alerts_read, name="alerts_read"),
    path("agencies/", views.agencies, name="agencies"),
]
