"""URLs for governance pages."""

from django.urls import path

from tiaki.governance import views

app_name = "governance"
urlpatterns = [
    path("audit/", views.audit_trail, name="audit_trail"),
    path("audit/verify/", views.audit_verify, name="audit_verify"),
]
