from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.home, name="home"),
    path("<str:code>/", views.region_detail, name="detail"),
    path("<str:code>/years/<int:year>/edit/", views.region_year_edit, name="year_edit"),
    path("<str:code>/years/<int:year>/flags/", views.region_flags_edit, name="year_flags"),
]
