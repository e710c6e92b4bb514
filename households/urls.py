from django.urls import include, path

from . import views

app_name = "households"
urlpatterns = [
    path("", views.household_list, name="list"),
    path("new/", views.household_edit, name="create"),
    path("", include("households.helpers.urls")),  # helpers, pairings, work teams (issue 14)
    path("<str:number>/", views.household_detail, name="detail"),
    path("<str:number>/edit/", views.household_edit, name="edit"),
    path("<str:number>/members/<int:member_id>/change/", views.member_change, name="member_change"),
]
