from django.urls import path

from . import views

app_name = "eligibility"
urlpatterns = [
    path("", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/start/", views.run_start, name="run_start"),
    path("changes/", views.changes, name="changes"),
    path("parameters/", views.parameter_list, name="parameters"),
    path("parameters/<int:year>/", views.parameter_edit, name="parameter_edit"),
    path("working-year/", views.working_year_page, name="working_year"),
    path("working-year/open/", views.working_year_open_page, name="working_year_open"),
]
