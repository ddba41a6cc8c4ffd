"""URLs for case work."""

from django.urls import path

from tiaki.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_open, name="open"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/consent/", views.consent_add, name="consent_add"),
    path("consents/<int:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<int:case_id>/refer/", views.refer, name="refer"),
    path("<int:case_id>/return-plan/", views.return_plan, name="return_plan"),
    path("<int:case_id>/notes/", views.note_add, name="note_add"),
    path("<int:case_id>/events/", views.event_add, name="event_add"),
    path("<int:case_id>/assessments/", views.assessment_add, name="assessment_add"),
    path("<int:case_id>/support-plan/", views.support_plan_add, name="support_plan_add"),
    path("<int:case_id>/best-interests/", views.best_interests, name="best_interests"),
    path("<int:case_id>/close/", views.close, name="close"),
    path("support-plans/<int:plan_id>/approve/", views.support_plan_approve, name="support_plan_approve"),
    path("support-plans/<int:plan_id>/services/", views.service_add, name="service_add"),
    path("return-steps/<int:step_id>/done/", views.return_step_done, name="return_step_done"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:follow_up_id>/done/", views.follow_up_done, name="follow_up_done"),
    path("referrals/incoming/", views.referrals_incoming, name="referrals_incoming"),
    path("referrals/outgoing/", views.referrals_outgoing, name="referrals_outgoing"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:referral_id>/respond/", views.referral_respond, name="referral_respond"),
    path("referrals/<int:referral_id>/revoke/", views.referral_revoke, name="referral_revoke"),
    path("<int:case_id>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    path("<int:case_id>/tasks/", views.task_add, name="task_add"),
    path("<int:case_id>/perpetrators/", views.perpetrator_add, name="perpetrator_add"),
    path("tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path("approvals/", views.approvals, name="approvals"),
    path("shelters/", views.shelters, name="shelters"),
    path("shelters/<int:shelter_id>/", views.shelter_detail, name="shelter_detail"),
    path("shelters/<int:shelter_id>/admit/", views.placement_start, name="placement_start"),
    path("placements/<int:placement_id>/end/", views.placement_end, name="placement_end"),
]
