"""Report pages (§12)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tables/", views.table_index, name="tables"),
    path("tables/<slug:key>/", views.table_page, name="table"),
    path("tables/<slug:key>/export/", views.export_start, name="export"),
    path("exports/", views.export_list, name="exports"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("<str:code>/targets/<int:year>/", views.target_edit, name="target_edit"),
    path("<str:code>/", views.dashboard, name="region"),
]
