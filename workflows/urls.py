"""Web routes of the workflows app (§6, §7)."""

from django.urls import path

from . import monitoring_views, sample_views, views

app_name = "workflows"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("inbox-badge/", views.inbox_badge, name="inbox_badge"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_open, name="case_open"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/step/", views.case_step, name="case_step"),
    path("cases/<int:pk>/objections/", views.objection_add, name="objection_add"),
    path("cases/<int:pk>/objections/<int:objection_pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("cases/<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("cases/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("cases/<int:pk>/dossier/", views.dossier, name="dossier"),
    path("cases/<int:pk>/dossier/print/", views.dossier_print, name="dossier_print"),
    path("cases/<int:pk>/dossier.pdf", views.dossier_pdf_view, name="dossier_pdf"),
    path("alerts/<int:pk>/confirm/", views.alert_confirm, name="alert_confirm"),
    path("monitoring-objects/", monitoring_views.monitoring_object_list, name="monitoring_objects"),
    path("samples/", sample_views.sample_list, name="samples"),
    path("samples/draw/", sample_views.sample_draw, name="sample_draw"),
    path("samples/<int:pk>/", sample_views.sample_detail, name="sample_detail"),
]
