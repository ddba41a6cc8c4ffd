"""URLs for staff screening questionnaires."""

from django.urls import path

from tiaki.screening import views

app_name = "screening"
urlpatterns = [
    path("questionnaires/", views.questionnaire_list, name="questionnaires"),
    path("questionnaires/<slug:form_id>/", views.questionnaire_fill, name="questionnaire_fill"),
    path("questionnaires/<slug:form_id>/xlsform/", views.questionnaire_xlsform, name="questionnaire_xlsform"),
    path("questionnaires/<slug:form_id>/import/", views.questionnaire_import, name="questionnaire_import"),
]
