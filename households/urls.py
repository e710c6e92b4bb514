from django.urls import include, path

from . import end_of_support_views, views

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("new/", views.household_edit, name="create"),
    path("", include("households.helpers.urls")),  # helpers, pairings, work teams (issue 14)
    path("end-of-support/", end_of_support_views.end_of_support, name="end_of_support"),  # before <number>/
    path("<str:number>/", views.household_detail, name="detail"),
    path("<str:number>/history/", views.household_history, name="history"),
    path("<str:number>/edit/", views.household_edit, name="edit"),
    path("<str:number>/members/<int:member_id>/change/", views.member_change, name="member_change"),
]
