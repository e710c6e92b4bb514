from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("template.xlsx", views.template_download, name="template"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/progress/", views.job_progress, name="progress"),
    path("<int:pk>/commit/", views.job_commit, name="commit"),
    path("<int:pk>/errors.xlsx", views.job_annotated, name="annotated"),
    path("rosters/", views.roster_index, name="rosters"),
    path("rosters/<int:pk>/", views.roster_detail, name="roster"),
    path("rosters/<int:pk>/progress/", views.roster_progress, name="roster_progress"),
    path("rosters/<int:pk>/file/", views.roster_file, name="roster_file"),
    path("rosters/<int:pk>/apply/", views.roster_apply_view, name="roster_apply"),
]
