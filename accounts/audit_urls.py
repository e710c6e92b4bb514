"""The auditor's audit log page and its export (§9), at /audit/."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.audit_log, name="audit"),
    path("export/", views.audit_export, name="audit_export"),
]
