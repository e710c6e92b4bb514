from django.urls import path

from . import views

app_name = "assistance"
urlpatterns = [
    path("", views.assistance_list, name="list"),
    path("households/<str:number>/", views.household_assistance, name="household"),
    path("households/<str:number>/records/new/", views.record_create, name="record_create"),
    path("households/<str:number>/loans/new/", views.loan_create, name="loan_create"),
    path("households/<str:number>/visits/new/", views.visit_new, name="visit_create"),
    path("followup/<str:code>/", views.followup, name="followup"),
    path("visits/photos/<int:pk>/", views.visit_photo, name="visit_photo"),
]
