"""URLs of the helper, pairing and work-team pages, in the `households` namespace (households/urls.py
includes them before the household pages, whose `<number>/` would take `helpers/`)."""

from django.urls import path

from . import views

urlpatterns = [
    path("helpers/", views.helper_list, name="helper_list"),
    path("helpers/new/", views.helper_edit, name="helper_create"),
    path("helpers/<int:pk>/", views.helper_detail, name="helper_detail"),
    path("helpers/<int:pk>/edit/", views.helper_edit, name="helper_edit"),
    path("helpers/<int:pk>/pair/", views.helper_pair, name="helper_pair"),
    path("helpers/pairings/<int:pk>/end/", views.pairing_end_view, name="pairing_end"),
    path("helpers/teams/<str:code>/", views.work_team, name="work_team"),
    path("helpers/teams/postings/<int:pk>/edit/", views.team_member_edit, name="team_member_edit"),
    path("<str:number>/helper/", views.household_pairing, name="pairing"),
]
