from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_view, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/transition/", views.project_transition_view, name="transition"),
    path("public/", views.public_index, name="public_index"),
    path("public/<str:code>/", views.public_county, name="public_county"),
    path("public/<str:code>/projects.csv", views.public_county_csv, name="public_county_csv"),
]
