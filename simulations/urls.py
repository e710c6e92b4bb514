"""Pages of the policy simulation (issue 17)."""

from django.urls import path

from . import views

app_name = "simulations"

urlpatterns = [
    path("", views.scenario_list, name="list"),
    path("new/", views.scenario_create, name="create"),
    path("<int:pk>/", views.scenario_detail, name="detail"),
    path("<int:pk>/households/", views.scenario_households, name="households"),
    path("<int:pk>/export/<str:what>/", views.scenario_export, name="export"),
    path("<int:pk>/delete/", views.scenario_delete, name="delete"),
]
