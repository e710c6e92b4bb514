from django.urls import path

from . import views

app_name = "funds"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("allocations/new/", views.allocation_create, name="allocation_create"),
    path("allocations/<int:pk>/", views.allocation_view, name="allocation"),
    path("allocations/<int:pk>/reverse/", views.allocation_reverse, name="allocation_reverse"),
    path("arrangements/new/", views.arrangement_create, name="arrangement_create"),
    path("arrangements/<int:pk>/", views.arrangement_view, name="arrangement"),
    path("arrangements/<int:pk>/reverse/", views.arrangement_reverse, name="arrangement_reverse"),
    path("disbursements/new/", views.disbursement_create, name="disbursement_create"),
    path("disbursements/<int:pk>/reverse/", views.disbursement_reverse, name="disbursement_reverse"),
    path("reports/", views.reports, name="reports"),
]
